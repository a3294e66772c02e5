"""The `search` command: full-text search over what the documents say, as a table, JSON or CSV."""

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SearchFilterError

if TYPE_CHECKING:
    from ..search.index import DocumentCount, DocumentRef, SearchResults

EXIT_OK, EXIT_NOT_FOUND = 0, 1
_SNIPPET_WIDTH = 200


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `search` on the `kraeftgraf` command line."""
    search = commands.add_parser(
        "search", help="full-text search over labels, descriptions, quotes, status texts, milestones, notes and the "
                       "documents' source texts",
        description='Words are compared by their Danish stem (pårørendes finds pårørende); "a phrase" in double '
                    "quotes (quote it for the shell too); pårør* for a word's beginning. Exits 1 when nothing is "
                    "found.")
    search.add_argument("text", metavar="TEXT", help="what to look for, e.g. pårørende or '\"kræftplan IV\"'")
    search.add_argument("--data", action="append", type=Path, default=None, metavar="PATH",
                        help="data file or folder to search (repeatable; default: the embedded data/ttl)")
    search.add_argument("--document", metavar="IRI", help="only texts from this document (id:document-...)")
    search.add_argument("--class", dest="cls", metavar="IRI", help="only texts about resources of this class "
                                                                  "(kg:Initiative; subclasses included)")
    search.add_argument("--in", dest="scope", choices=["all", "facts", "text"], default="all",
                        help="where to look: everywhere (default), only the curated facts (labels, quotes, status "
                             "texts, ...), or only the documents' source texts")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="show at most N hits (default 20)")
    search.add_argument("--lang", choices=["da", "en"], default="da", help="language of the labels shown")
    search.add_argument("--format", choices=["table", "json", "csv"], default="table")
    search.set_defaults(command=_search)


def _search(args: argparse.Namespace) -> int:
    from ..engines.oxigraph import OxigraphEngine
    from ..graph.build_cache import BuildCache
    from ..graph.pipeline import build
    from ..namespaces import PREFIXES
    from ..search.build import IndexCache, index_file
    from ..search.formats import results_csv, results_json
    from ..search.index import SearchIndex
    from ..search.query import expand_name

    if args.limit < 1:
        raise SearchFilterError("--limit", str(args.limit), "give a number of hits of at least 1.")
    built = build(args.data, cache=BuildCache()).require_valid()
    index = SearchIndex.open_file(index_file(OxigraphEngine.from_dataset(built.dataset), version=built.version,
                                             cache=IndexCache()))
    results = index.search(
        args.text, document=expand_name("--document", args.document, PREFIXES) if args.document else None,
        cls=expand_name("--class", args.cls, PREFIXES) if args.cls else None, limit=args.limit, lang=args.lang,
        scope=args.scope)
    if args.format == "json":
        print(json.dumps(results_json(results), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        print(results_csv(results), end="")
    else:
        print(_table(results))
    return EXIT_OK if results.hits else EXIT_NOT_FOUND


def _table(results: "SearchResults") -> str:
    from ..queries.tables import text_table
    from ..search.formats import source_link
    from ..search.passages import SOURCE_TEXT_FIELD
    from ..search.snippets import marked_text

    if not results.hits:
        return f"Nothing found for {results.query.text!r}."
    rows = [["resource", "field", "document", "snippet"]]
    for hit in results.hits:
        where = "; ".join(d.label + _place(d) for d in hit.documents)
        if hit.field == SOURCE_TEXT_FIELD:
            where += "".join(f" {link}" for link in map(source_link, hit.documents) if link)
        snippet = marked_text(hit.snippet)
        rows.append([f"{hit.label} ({_short(hit.resource)})", hit.field, where,
                     snippet if len(snippet) <= _SNIPPET_WIDTH else snippet[:_SNIPPET_WIDTH - 1] + "…"])
    shown = f"{len(results.hits)} of {results.total}" if results.total > len(results.hits) else str(results.total)
    saying = "; ".join(f"{d.label or d.iri} ({_counts(d)})" for d in results.documents) or "none"
    return (f"{text_table(rows)}\n\n{shown} texts, best first; **word** marks what matched; a sourceText hit is a "
            "passage of the document's source text, with its place in the source viewer of `kraeftgraf serve`.\n"
            f"Documents that say it in their own words: {saying}.")


def _counts(document: "DocumentCount") -> str:
    """Where the document says it: "in facts: 2 quotes or status texts", "in text: 1 passage", or both."""
    plural = "s" if document.facts != 1 else ""
    facts = f"{document.facts} quote{plural} or status text{plural}"
    text = f"{document.text} passage{'s' if document.text != 1 else ''} of its text"
    return {"facts": f"in facts: {facts}", "text": f"only in its text: {text}",
            "both": f"in both: {facts}, {text}"}[document.found_in]


def _place(document: "DocumentRef") -> str:
    """Where in the document, as far as the data says: ", p. 3, lines 120-121"."""
    place = f", p. {document.page}" if document.page is not None else ""
    if document.start_line is not None:
        end = document.end_line if document.end_line is not None else document.start_line
        place += f", line {document.start_line}" if end == document.start_line else \
            f", lines {document.start_line}-{end}"
    return place


def _short(iri: str) -> str:
    from ..namespaces import PREFIXES

    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri
