"""Validate data against the SHACL shapes and report each problem with its file and line."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from .findings import Finding, read_findings
from .follow_ons import refine
from .locations import Location, Locator
from .suggestions import Suggester
from .terms import owner_of, shorten
from .validation_core import CoreCheck, run_core_checks, split_core_checks
from .validation_sparql import run_sparql_checks, split_sparql_checks, store_of


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
    line: int = 0  # where the resource is described in source_file (or, for a misspelt IRI, referred to); 0: unknown

    def message(self, lang: str = "en") -> str:
        """The message in the asked language, or any language there is."""
        return self.messages.get(lang) or next(iter(self.messages.values()), "")

    @property
    def where(self) -> str:
        """`file:line`, or only the file where the line is not known."""
        where = self.source_file or "(no file)"
        return f"{where}:{self.line}" if self.source_file and self.line else where

    def describe(self, lang: str = "en") -> str:
        """Two lines, as `kraeftgraf validate` prints them: file:line, severity, resource, property; then the fix."""
        focus = self.owner if self.owner == self.focus_node else f"{self.owner} > {self.focus_node}"
        shown = self.value if len(self.value) <= 60 else self.value[:59] + "…"
        value = f" value={shown}" if self.value and self.value != self.focus_node else ""
        return f"{self.where}: {self.severity}: {focus} {self.path}".rstrip() + f"{value}\n    {self.message(lang)}"


@dataclass
class ValidationReport:
    """The outcome of validating a dataset: conforms or not, with every result."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]


def validate(
    data: Graph, *, shapes: Graph, asserted: Graph | Callable[[], Graph] | None = None,
    locator: Locator | None = None, core_in_oxigraph: bool = True,
) -> ValidationReport:
    """Check `data` (already inferred, ontology included) against `shapes`.

    `asserted` is the data as written, without what inference added: it tells a misspelt IRI (that no file
    describes) from a real one, and the follow-on findings of a mistake from the mistake. It may come as a
    function that makes it, called only when there is a finding (data that conforms never needs it). With
    `core_in_oxigraph`, the core constraints `validation_core` can translate run as SPARQL in Oxigraph; without,
    pyshacl checks them (the reference the translation is tested against).
    """
    import pyshacl  # imported here so that `kraeftgraf --help` stays fast

    left_to_pyshacl, sparql_checks = split_sparql_checks(shapes)
    core_checks: list[CoreCheck] = []
    if core_in_oxigraph:
        left_to_pyshacl, core_checks = split_core_checks(left_to_pyshacl)
    _conforms, results_graph, _text = pyshacl.validate(
        data, shacl_graph=left_to_pyshacl, inference="none", advanced=True, allow_warnings=True, inplace=True
    )
    if sparql_checks or core_checks:
        store = store_of(data)
        run_sparql_checks(sparql_checks, store, results_graph)
        run_core_checks(core_checks, store, results_graph)
    findings = read_findings(results_graph, shapes)
    results: dict[tuple[object, ...], ValidationResult] = {}
    if not findings:
        return _report([], results_graph)
    as_written = asserted() if callable(asserted) else asserted if asserted is not None else data
    findings = refine(findings, asserted=as_written, shapes=shapes)
    suggester = Suggester(data=data, asserted=as_written)
    for finding in findings:
        result = _result(finding.with_hint(suggester.hint(finding)), data, locator)
        # Two constraints of one shape (sh:datatype and sh:languageIn) can fail on one value with one message.
        key = (result.source_file, str(result.line), result.focus_node, result.path, result.value, result.severity,
               *sorted(result.messages.items()))
        results.setdefault(key, result)
    return _report(list(results.values()), results_graph)


def _report(results: list[ValidationResult], graph: Graph) -> ValidationReport:
    results.sort(key=lambda r: (r.source_file, r.line, r.owner, r.path, r.message()))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=graph)


def _result(finding: Finding, data: Graph, locator: Locator | None) -> ValidationResult:
    shown, location = _where(finding, data, locator)
    owner = owner_of(data, shown)
    messages = {lang: f"{text} {finding.hint[lang]}" if lang in finding.hint else text
                for lang, text in finding.messages.items()}
    return ValidationResult(
        focus_node=shorten(shown),
        owner=shorten(owner),
        path=shorten(finding.referrer[1] if finding.referrer else finding.path),
        value=shorten(finding.value),
        severity=shorten(finding.severity).removeprefix("sh:"),
        messages=messages,
        shape=shorten(finding.shape),
        source_file=str(location.path) if location else "",
        line=location.line if location else 0,
    )


def _where(finding: Finding, data: Graph, locator: Locator | None) -> tuple[Node, Location | None]:
    """The resource to show for a finding, and where it is written."""
    if finding.referrer is not None:  # a misspelt IRI: where it is referred to
        subject, prop = finding.referrer
        return subject, locator.statement(subject, prop, finding.value) if locator else None
    # A SPARQL constraint may be checked on a container (the plan) or the whole dataset while the culprit is
    # the value (an item).
    culprit = finding.value if finding.sparql_based and isinstance(finding.value, URIRef | BNode) else finding.focus
    if locator is None:
        return culprit, None
    if finding.sparql_based and isinstance(finding.path, URIRef) and culprit is not finding.focus:
        stated = locator.statement(culprit, finding.path)
        if stated is not None:
            return culprit, stated
    stating = (finding.path, finding.value) if isinstance(finding.path, URIRef) else None
    location = locator.node(culprit, stating=stating) or locator.node(owner_of(data, culprit))
    return culprit, location
