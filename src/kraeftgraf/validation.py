"""Validate data against the SHACL shapes and report each problem with its file."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from .terms import owner_of, shorten


@dataclass(frozen=True)
class ValidationResult:
    """One problem: where it is, what is wrong and how to fix it (in Danish and English)."""

    focus_node: str
    owner: str
    path: str
    value: str
    severity: str
    messages: Mapping[str, str]
    shape: str
    source_file: str

    def message(self, lang: str = "en") -> str:
        """The message in the asked language, or any language there is."""
        return self.messages.get(lang) or next(iter(self.messages.values()), "")


@dataclass
class ValidationReport:
    """The outcome of validating a dataset: conforms or not, with every result."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]


def validate(data: Graph, *, shapes: Graph, locations: Mapping[Node, str] | None = None) -> ValidationReport:
    """Check `data` (already inferred, ontology included) against `shapes`."""
    import pyshacl  # imported here so that `kraeftgraf --help` stays fast

    conforms, results_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    locations = locations or {}
    results = [_read_result(results_graph, node, data, locations)
               for node in results_graph.subjects(SH.resultSeverity, None)]
    results.sort(key=lambda r: (r.source_file, r.owner, r.path, r.message()))
    return ValidationReport(conforms=bool(conforms), results=results, graph=results_graph)


def _read_result(report: Graph, node: Node, data: Graph, locations: Mapping[Node, str]) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    messages = {
        (m.language or "en"): str(m) for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)
    }
    owner = owner_of(data, focus) if focus is not None else None
    return ValidationResult(
        focus_node=shorten(focus),
        owner=shorten(owner),
        path=shorten(report.value(node, SH.resultPath)),
        value=shorten(report.value(node, SH.value)),
        severity=shorten(report.value(node, SH.resultSeverity)).removeprefix("sh:"),
        messages=messages,
        shape=shorten(report.value(node, SH.sourceShape)),
        source_file=locations.get(owner, locations.get(focus, "")) if focus is not None else "",
    )
