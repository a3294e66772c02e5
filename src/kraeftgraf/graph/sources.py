"""Check that every quote in the graph really occurs in its source document's text."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from ..errors import SourcesDirectoryError
from ..namespaces import KG
from .source_text import SourceText, normalise
from .terms import owner_of, shorten

__all__ = ["QuoteFailure", "SourceText", "normalise", "verify_quotes"]


@dataclass(frozen=True)
class QuoteFailure:
    """A quote that is not in its source text, or whose source text is missing."""

    resource: str
    document: str
    source_file: str
    quote: str
    reason: str


def verify_quotes(graph: Graph, sources: Path) -> list[QuoteFailure]:
    """Every kg:quote whose text is not in its document's source file, with the resource it belongs to."""
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
            failures.append(QuoteFailure(
                resource=shorten(owner_of(graph, evidence)), document=shorten(document),
                source_file=file_name, quote=quote, reason=reason,
            ))
    return sorted(failures, key=lambda f: (f.source_file, f.resource, f.quote))


def _quotes(graph: Graph) -> Iterator[tuple[Node, str, Node]]:
    for evidence, quote in graph.subject_objects(KG.quote):
        document = graph.value(evidence, KG.inDocument)
        if document is not None:
            yield evidence, str(quote), document
