"""The curator's commands: `new-document` (start a data file), `find-quote` (a quote ready to paste), `lookup`."""

import argparse
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path

from ..errors import KraeftgrafError, OutputExistsError, SourceTextError

EXIT_OK, EXIT_NOT_FOUND = 0, 1


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `new-document`, `find-quote` and `lookup` on the `kraeftgraf` command line."""
    new = commands.add_parser("new-document", help="start a data file for a source document, with a stub per item")
    new.add_argument("source", type=Path, metavar="SOURCE.txt", help="the document's extracted text")
    new.add_argument("--output", type=Path, metavar="FILE",
                     help="the Turtle file to create, e.g. data/ttl/region-x-kraeftplan-2024.ttl (never overwritten; "
                          "default: print it)")
    new.add_argument("--data", type=Path, action="append", metavar="PATH",
                     help="data file or folder that describes the documents (repeatable; default: the embedded "
                          "data/ttl)")
    new.set_defaults(command=_new_document)

    find = commands.add_parser("find-quote", help="find the exact passage of a source text to paste into kg:quote")
    find.add_argument("source", type=Path, metavar="SOURCE.txt", help="the document's extracted text")
    find.add_argument("words", nargs="+", metavar="WORDS",
                      help="rough words of the passage: any case, accents optional, a word or two missing or "
                           "misspelt")
    find.add_argument("--candidates", type=int, default=3, metavar="N", help="show at most N passages (default 3)")
    find.add_argument("--format", choices=["text", "json"], default="text")
    find.set_defaults(command=_find_quote)

    lookup = commands.add_parser("lookup", help="find resources already described, by label or IRI")
    lookup.add_argument("text", metavar="TEXT",
                        help="words of a label (Danish or English), an IRI, a prefixed name (id:...) or part of one")
    lookup.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="data files or folders (default: the embedded data/ttl); the ontology is always searched")
    lookup.add_argument("--limit", type=int, default=10, metavar="N", help="show at most N (default 10; 0: all)")
    lookup.add_argument("--format", choices=["text", "json"], default="text")
    lookup.set_defaults(command=_lookup)


def _read_source(path: Path) -> str:
    if not path.is_file():
        raise SourceTextError(path, "no such file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceTextError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _new_document(args: argparse.Namespace) -> int:
    from .. import resources
    from ..graph.load import load_graph
    from ..graph.quotes import IndexedText
    from ..graph.scaffold import find_document, scaffold

    source: Path = args.source
    text = IndexedText(_read_source(source))
    output: Path | None = args.output
    if output is not None and output.exists():
        raise OutputExistsError(output)
    data = load_graph(args.data or resources.data_files())
    document = find_document(data, source.name)
    content = scaffold(source, text, document)
    if output is None:
        sys.stdout.write(content)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        try:
            with output.open("x", encoding="utf-8") as file:
                file.write(content)
        except FileExistsError as exc:  # created between the check above and now
            raise OutputExistsError(output) from exc
        stubs = content.count("\n## line ")
        print(f"kraeftgraf new-document: wrote {output} with {stubs} stubs from {source.name}.", file=sys.stderr)
    if document is None:
        print(f"kraeftgraf new-document: no kg:sourceFile in the data names {source.name}; describe the document "
              "and its plan in data/ttl/reference-documents.ttl (stubs at the top of the file).", file=sys.stderr)
    return EXIT_OK


def _find_quote(args: argparse.Namespace) -> int:
    from ..graph.quotes import IndexedText, turtle_string

    words = " ".join(args.words)
    if not words.strip():
        raise KraeftgrafError("Give some words of the passage to find, e.g. "
                              "`kraeftgraf find-quote SOURCE.txt \"hurtig udredning og diagnostik\"`.")
    if args.candidates < 1:
        raise KraeftgrafError(f"--candidates {args.candidates}: give 1 or more.")
    search = IndexedText(_read_source(args.source)).find(words, limit=args.candidates)
    if args.format == "json":
        print(json.dumps({"sure": search.sure, "passages": [asdict(p) for p in search.passages]},
                         ensure_ascii=False, indent=2))
        return EXIT_OK if search.passages else EXIT_NOT_FOUND
    name = args.source.name
    if not search.passages:
        print(f"kraeftgraf find-quote: nothing in {name} is close to those words. Try fewer, more distinctive words "
              "from one sentence.", file=sys.stderr)
        return EXIT_NOT_FOUND
    shown = search.passages[:1] if search.sure else search.passages
    same = [p for p in search.passages[1:] if p.quote == search.passages[0].quote]
    if not search.sure:
        print(f"Not sure which passage is meant; the closest {len(shown)} (score 1.0 = every word as asked):")
    for passage in shown:
        print(f"{name}:{passage.lines}: score {math.floor(passage.score * 100) / 100:.2f}")
        print(f"    kg:quote {turtle_string(passage.quote)}@da")
        for warning in passage.warnings:
            print(f"    note: {warning}")
    if search.sure and same:
        lines = ", ".join(p.lines for p in same)
        print(f"    (the same words stand at line {lines} too; the quote is the same)")
    return EXIT_OK


def _lookup(args: argparse.Namespace) -> int:
    from .. import resources
    from ..graph.lookup import ResourceIndex

    index = ResourceIndex([*resources.ontology_files(), *(args.paths or resources.data_files())])
    hits = index.lookup(args.text)
    shown = hits if args.limit <= 0 else hits[:args.limit]
    if args.format == "json":
        print(json.dumps([{
            "iri": hit.resource.iri, "name": hit.resource.name, "match": hit.match,
            "labels": [asdict(label) for label in hit.resource.labels], "classes": hit.resource.classes,
            "places": [asdict(place) for place in hit.resource.places],
        } for hit in shown], ensure_ascii=False, indent=2))
        return EXIT_OK if hits else EXIT_NOT_FOUND
    if not hits:
        print(f"kraeftgraf lookup: nothing described in the data or the ontology is called {args.text!r}. "
              "Try one distinctive word, or the IRI's slug.", file=sys.stderr)
        return EXIT_NOT_FOUND
    if hits[0].match == "close":
        print(f"Nothing is called {args.text!r}; these are spelt close to it:")
    for hit in shown:
        resource = hit.resource
        print(f"{resource.name}  {', '.join(resource.classes) or '(no class)'}")
        if resource.labels:
            print("    " + " , ".join(map(str, resource.labels)))
        for number, place in enumerate(resource.places):
            role = "described in" if number < len(resource.defined_in) else "facts added in"
            print(f"    {role} {place}")
    if len(shown) < len(hits):
        print(f"... and {len(hits) - len(shown)} more; narrow the words, or show all with --limit 0.")
    return EXIT_OK
