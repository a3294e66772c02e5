"""The curator's commands: `find-quote` (a quote ready to paste)."""

import argparse
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path

from ..errors import KraeftgrafError, SourceTextError

EXIT_OK, EXIT_NOT_FOUND = 0, 1


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `find-quote` on the `kraeftgraf` command line."""
    find = commands.add_parser("find-quote", help="find the exact passage of a source text to paste into kg:quote")
    find.add_argument("source", type=Path, metavar="SOURCE.txt", help="the document's extracted text")
    find.add_argument("words", nargs="+", metavar="WORDS",
                      help="rough words of the passage: any case, accents optional, a word or two missing or "
                           "misspelt")
    find.add_argument("--candidates", type=int, default=3, metavar="N", help="show at most N passages (default 3)")
    find.add_argument("--format", choices=["text", "json"], default="text")
    find.set_defaults(command=_find_quote)


def _read_source(path: Path) -> str:
    if not path.is_file():
        raise SourceTextError(path, "no such file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceTextError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


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
