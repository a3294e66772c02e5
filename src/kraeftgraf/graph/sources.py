"""Check that every quote in the graph really occurs in its source document's text."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from ..errors import SourcesDirectoryError
from ..namespaces import KG
from .locations import Locator
from .terms import owner_of, shorten

_LINE_END_HYPHEN = re.compile(r"-[ \t]*\r?\n\s*")
_WHITE_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QuoteFailure:
    """A quote that is not in its source text, or whose source text is missing."""

    resource: str
    document: str
    source_file: str  # the source text the quote was looked for in
    quote: str
    reason: str
    data_file: str = ""  # the data file and line where the quote is written; "" and 0 where not known
    line: int = 0

    def describe(self) -> str:
        """Two lines, as `kraeftgraf verify-sources` prints them: where, resource and why; then the quote."""
        where = f"{self.data_file}:{self.line}" if self.data_file and self.line else self.data_file
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.resource}: {self.reason} ({self.source_file})\n    {self.quote!r}"


def normalise(text: str, *, join: str | None) -> str:
    """Collapse white space; where `join` is given, join words hyphenated across a line end with it."""
    joined = _LINE_END_HYPHEN.sub(join, text) if join is not None else text
    return _WHITE_SPACE.sub(" ", joined).strip()


class SourceText:
    """One document's text in the normal forms a quote may match.

    A hyphen at a line end is either a word split by the layout ("diag-/nostik": joined without it),
    part of the word ("HPV-/vaccination": joined with it) or a suspended compound ("Udrednings- /og":
    kept as it is); a quote may use whichever the sentence needs.
    """

    def __init__(self, text: str) -> None:
        self._forms = tuple(normalise(text, join=join) for join in ("", "-", None))

    def contains(self, quote: str) -> bool:
        needle = normalise(quote, join=None)
        return any(needle in form for form in self._forms)


def verify_quotes(graph: Graph, sources: Path, *, locator: Locator | None = None) -> list[QuoteFailure]:
    """Every kg:quote whose text is not in its document's source file, with the resource it belongs to.

    With a locator, each failure also names the data file and line where the quote is written.
    """
    if not sources.is_dir():
        raise SourcesDirectoryError(sources)
    texts: dict[str, SourceText | None] = {}
    failures = []
    for evidence, quote, document in _quotes(graph):
        file_name = str(graph.value(document, KG.sourceFile) or "")
        if file_name not in texts:
            path = sources / file_name
            texts[file_name] = SourceText(path.read_text(encoding="utf-8")) if file_name and path.is_file() else None
        text = texts[file_name]
        reason = ""
        if text is None:
            reason = f"source text {file_name or '(no kg:sourceFile)'} not found in {sources}"
        elif not text.contains(quote):
            reason = "quote not found in the source text"
        if reason:
            where = locator.statement(evidence, KG.quote) if locator else None
            failures.append(QuoteFailure(
                resource=shorten(owner_of(graph, evidence)), document=shorten(document),
                source_file=file_name, quote=quote, reason=reason,
                data_file=str(where.path) if where else "", line=where.line if where else 0,
            ))
    return sorted(failures, key=lambda f: (f.source_file, f.resource, f.quote))


def _quotes(graph: Graph) -> Iterator[tuple[Node, str, Node]]:
    for evidence, quote in graph.subject_objects(KG.quote):
        document = graph.value(evidence, KG.inDocument)
        if document is not None:
            yield evidence, str(quote), document
