"""Check that every quote in the graph really occurs in its source document's text."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.term import Node

from ..errors import SourcesDirectoryError
from ..namespaces import KG
from .load import expand_paths, graph_name, load_dataset
from .locate import TurtleText, display_path
from .quotes import IndexedText, turtle_string, word_diff
from .source_text import SourceText, normalise
from .terms import owner_of, shorten

__all__ = ["QuoteFailure", "QuoteReport", "SourceText", "normalise", "verify_files", "verify_quotes"]


@dataclass(frozen=True)
class QuoteFailure:
    """A quote that is not in its source text, or whose source text is missing; where it is, and what differs."""

    resource: str
    document: str
    source_file: str
    quote: str
    reason: str
    source_path: str = ""  # the source text's path, as given with --sources
    data_file: str = ""  # the Turtle file the quote is written in, where known
    line: int | None = None  # the line of its kg:quote there
    passage: str = ""  # the nearest passage of the source text
    passage_line: int | None = None
    diff: str = ""  # the quote's words against the passage's: [-only in the quote-] {+only in the passage+}

    def describe(self) -> str:
        """What `kraeftgraf verify-sources` prints: where, which resource, what differs, what to do."""
        where = self.data_file or self.source_file or "(no file)"
        if self.data_file and self.line is not None:
            where = f"{self.data_file}:{self.line}"
        lines = [f"{where}: {self.resource}: {self.reason}"]
        lines.append(f"    quote:   {turtle_string(self.quote)}")
        if self.passage:
            lines.append(f"    nearest: {self.source_file}:{self.passage_line}: {turtle_string(self.passage)}")
            lines.append(f"    diff:    {self.diff}")
            lines.append("    Paste the passage as the source has it; "
                         f"`kraeftgraf find-quote {self.source_path or self.source_file} \"...\"` finds one from "
                         "rough words.")
        return "\n".join(lines)


@dataclass(frozen=True)
class QuoteReport:
    """The quotes that failed, out of how many were checked."""

    failures: list[QuoteFailure]
    quotes: int


def verify_quotes(graph: Graph, sources: Path) -> list[QuoteFailure]:
    """Every kg:quote whose text is not in its document's source file, with the resource it belongs to."""
    return _check(graph, sources, files={}).failures


def verify_files(paths: Iterable[Path], sources: Path) -> QuoteReport:
    """Check the quotes of these data files; each failure names the file and line of its kg:quote."""
    files = expand_paths(paths)
    return _check(load_dataset(files), sources, files={graph_name(path): path for path in files})


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


def _check(graph: Graph, sources: Path, *, files: dict[Node, Path]) -> QuoteReport:
    texts = _Sources(sources)
    lines: dict[Path, list[tuple[int, str]]] = {}
    failures = []
    count = 0
    for evidence, quote, document, context in _quotes(graph):
        count += 1
        file_name = str(graph.value(document, KG.sourceFile) or "")
        text = texts.get(file_name)
        if text is not None and text.contains(quote):
            continue
        reason = (f"source text {file_name or '(no kg:sourceFile)'} not found in {sources}" if text is None
                  else f"quote not found in the source text {file_name}")
        data_file = files.get(context) if context is not None else None
        line = None
        if data_file is not None:
            if data_file not in lines:
                lines[data_file] = TurtleText(data_file.read_text(encoding="utf-8")).quote_lines()
            line = next((at for at, written in lines[data_file] if written == quote), None)
        nearest = text.find(quote, limit=1).passages if text is not None else []
        failures.append(QuoteFailure(
            resource=shorten(owner_of(graph, evidence)), document=shorten(document), source_file=file_name,
            quote=quote, reason=reason, source_path=str(sources / file_name) if file_name else "",
            data_file=display_path(data_file) if data_file else "", line=line,
            passage=nearest[0].quote if nearest else "", passage_line=nearest[0].first_line if nearest else None,
            diff=word_diff(normalise(quote, join=None), nearest[0].quote) if nearest else "",
        ))
    failures.sort(key=lambda f: (f.data_file, f.line or 0, f.source_file, f.resource, f.quote))
    return QuoteReport(failures=failures, quotes=count)


def _quotes(graph: Graph) -> Iterator[tuple[Node, str, Node, Node | None]]:
    """(evidence, quote, document, named graph or None) for each kg:quote with a kg:inDocument."""
    if isinstance(graph, Dataset):
        statements: Iterator[tuple[Node, Node, Node | None]] = (
            (s, o, c.identifier if isinstance(c, Graph) else c)
            for s, _, o, c in graph.quads((None, KG.quote, None, None)))
    else:
        statements = ((s, o, None) for s, o in graph.subject_objects(KG.quote))
    for evidence, quote, context in statements:
        document = graph.value(evidence, KG.inDocument)
        if document is not None:
            yield evidence, str(quote), document, context
