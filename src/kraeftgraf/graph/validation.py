"""Validate data against the SHACL shapes and report each problem with its file."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from .terms import owner_of, shorten
from .validation_sparql import run_sparql_checks, split_sparql_checks


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

    def describe(self, lang: str = "en") -> str:
        """Two lines, as `kraeftgraf validate` prints them: file, severity, resource, property; then the fix."""
        where = self.source_file or "(no file)"
        focus = self.owner if self.owner == self.focus_node else f"{self.owner} > {self.focus_node}"
        value = f" value={self.value}" if self.value and self.value != self.focus_node else ""
        return f"{where}: {self.severity}: {focus} {self.path}{value}\n    {self.message(lang)}"


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

    core_shapes, sparql_checks = split_sparql_checks(shapes)
    conforms, results_graph, _text = pyshacl.validate(
        data, shacl_graph=core_shapes, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    conforms = run_sparql_checks(sparql_checks, data, results_graph) and conforms
    locations = locations or {}
    results = [_read_result(results_graph, node, data, locations, shapes)
               for node in results_graph.subjects(SH.resultSeverity, None)]
    results.sort(key=lambda r: (r.source_file, r.owner, r.path, r.message()))
    return ValidationReport(conforms=bool(conforms), results=results, graph=results_graph)


def _read_result(
    report: Graph, node: Node, data: Graph, locations: Mapping[Node, str], shapes: Graph
) -> ValidationResult:
    focus = report.value(node, SH.focusNode)
    messages = _messages_by_language(report, node, shapes)
    owner = owner_of(data, focus) if focus is not None else None
    value = report.value(node, SH.value)
    # A SPARQL constraint may be checked on a container (the plan) while the culprit is the value (an item).
    sparql_based = report.value(node, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent
    culprit = value if sparql_based and value is not None and not isinstance(value, Literal) else owner
    return ValidationResult(
        focus_node=shorten(focus),
        owner=shorten(owner),
        path=shorten(report.value(node, SH.resultPath)),
        value=shorten(value),
        severity=shorten(report.value(node, SH.resultSeverity)).removeprefix("sh:"),
        messages=messages,
        shape=shorten(report.value(node, SH.sourceShape)),
        source_file=_locate(data, culprit, locations) if culprit is not None else "",
    )


def _messages_by_language(report: Graph, node: Node, shapes: Graph) -> dict[str, str]:
    """The result's messages keyed by language; pyshacl drops the tag on SPARQL messages, so match templates."""
    templates = [m for m in shapes.objects(report.value(node, SH.sourceConstraint), SH.message)
                 if isinstance(m, Literal)]
    messages: dict[str, str] = {}
    for message in report.objects(node, SH.resultMessage):
        if not isinstance(message, Literal):
            continue
        language = message.language or _template_language(str(message), templates) or "en"
        messages.setdefault(language, str(message))
    return messages


def _template_language(message: str, templates: list[Literal]) -> str | None:
    for template in templates:
        pattern = "".join(".*" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[?$]\w+\})", str(template)))
        if template.language and re.fullmatch(pattern, message, flags=re.S):
            return template.language
    return None


def _locate(data: Graph, node: Node, locations: Mapping[Node, str]) -> str:
    """The file describing the node or, for a node only referred to (a misspelt IRI), the file referring to it."""
    if node in locations:
        return locations[node]
    for referrer in data.subjects(None, node):
        found = locations.get(owner_of(data, referrer))
        if found:
            return found
    return ""
