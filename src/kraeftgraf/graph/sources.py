"""Check that every quote in the graph really occurs in its source document's text."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from ..errors import SourcesDirectoryError
from ..namespaces import KG
from .locations import Locator
from .quotes import IndexedText, turtle_string, word_diff
from .source_text import SourceText, normalise
from .terms import owner_of, shorten

__all__ = ["QuoteFailure", "SourceText", "normalise", "verify_quotes"]


@dataclass(frozen=True)
class QuoteFailure:
    """A quote that is not in its source text, or whose source text is missing; where it is, and what differs."""

    resource: str
    document: str
    source_file: str  # the source text the quote was looked for in
    quote: str
    reason: str
    source_path: str = ""  # the source text's path, as given with --sources
    data_file: str = ""  # the data file where the quote is written; "" where not known
    line: int = 0  # the line of its kg:quote there; 0 where not known
    passage: str = ""  # the nearest passage of the source text
    passage_line: int | None = None
    diff: str = ""  # the quote's words against the passage's: [-only in the quote-] {+only in the passage+}

    def describe(self) -> str:
        """What `kraeftgraf verify-sources` prints: where, which resource, what differs, what to do."""
        where = f"{self.data_file}:{self.line}" if self.data_file and self.line else self.data_file
        lines = [f"{where or self.source_file or '(no file)'}: {self.resource}: {self.reason}"]
        lines.append(f"    quote:   {turtle_string(self.quote)}")
        if self.passage:
            lines.append(f"    nearest: {self.source_file}:{self.passage_line}: {turtle_string(self.passage)}")
            lines.append(f"    diff:    {self.diff}")
            lines.append("    Paste the passage as the source has it; "
                         f"`kraeftgraf find-quote {self.source_path or self.source_file} \"...\"` finds one from "
                         "rough words.")
        return "\n".join(lines)


def verify_quotes(graph: Graph, sources: Path, *, locator: Locator | None = None) -> list[QuoteFailure]:
    """Every kg:quote whose text is not in its document's source file, with the resource it belongs to.

    With a locator, each failure also names the data file and line where the quote is written. Each names the
    nearest passage of the source text and how the quote's words differ from it.
    """
    texts = _Sources(sources)
    failures = []
    for evidence, quote, document in _quotes(graph):
        file_name = str(graph.value(document, KG.sourceFile) or "")
        text = texts.get(file_name)
        if text is not None and text.contains(quote):
            continue
        reason = (f"source text {file_name or '(no kg:sourceFile)'} not found in {sources}" if text is None
                  else f"quote not found in the source text {file_name}")
        where = locator.statement(evidence, KG.quote) if locator else None
        nearest = text.find(quote, limit=1).passages if text is not None else []
        failures.append(QuoteFailure(
            resource=shorten(owner_of(graph, evidence)), document=shorten(document), source_file=file_name,
            quote=quote, reason=reason, source_path=str(sources / file_name) if file_name else "",
            data_file=str(where.path) if where else "", line=where.line if where else 0,
            passage=nearest[0].quote if nearest else "", passage_line=nearest[0].first_line if nearest else None,
            diff=word_diff(normalise(quote, join=None), nearest[0].quote) if nearest else "",
        ))
    return sorted(failures, key=lambda f: (f.data_file, f.line, f.source_file, f.resource, f.quote))


class _Sources:
    """The source texts, each read once, by file name."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise SourcesDirectoryError(folder)
        self._folder = folder
        self._texts: dict[str, IndexedText | None] = {}

    def get(self, file_name: str) -> IndexedText | None:
        if file_name not in self._texts:
            path = self._folder / file_name
            found = file_name and path.is_file()
            self._texts[file_name] = IndexedText(path.read_text(encoding="utf-8")) if found else None
        return self._texts[file_name]


def _quotes(graph: Graph) -> Iterator[tuple[Node, str, Node]]:
    """(evidence, quote, document) for each kg:quote with a kg:inDocument."""
    for evidence, quote in graph.subject_objects(KG.quote):
        document = graph.value(evidence, KG.inDocument)
        if document is not None:
            yield evidence, str(quote), document
