"""SHACL-SPARQL constraints on target nodes, evaluated by Oxigraph instead of rdflib's pure-Python SPARQL.

The dataset-wide checks (unique numbering, no contact details) scan every triple: through pyshacl they
took five of the build's eight seconds on the seed data. They stay declared in the shapes file as
standard SHACL-SPARQL constraints; this module takes them out of the shapes pyshacl sees, runs each
with $this pre-bound to the target node (SHACL 1.0, section 5.3), and adds its results to pyshacl's
report in the same form pyshacl writes them.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .oxigraph_terms import term_converter, to_oxigraph, to_rdflib
from .terms import shorten

_SPECIAL = {"this", "path", "value"}  # the variables that become the focus node, sh:resultPath, sh:value


@dataclass(frozen=True)
class SparqlCheck:
    """One SPARQL-based constraint of a node shape that targets given nodes."""

    shape: Node
    constraint: Node
    select: str
    targets: tuple[Node, ...]
    messages: tuple[Literal, ...]
    severity: Node


def split_sparql_checks(shapes: Graph) -> tuple[Graph, list[SparqlCheck]]:
    """The shapes without the SPARQL constraints of shapes whose only targets are sh:targetNode, and those."""
    checks: list[SparqlCheck] = []
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        if not _targets_only_given_nodes(shapes, shape) or _deactivated(shapes, shape, constraint):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        checks.append(SparqlCheck(
            shape=shape, constraint=constraint, select=_prefix_declarations(shapes, constraint) + str(select),
            targets=tuple(shapes.objects(shape, SH.targetNode)),
            messages=_messages(shapes, constraint) or _messages(shapes, shape),
            severity=shapes.value(shape, SH.severity) or SH.Violation,
        ))
        rest.remove((shape, SH.sparql, constraint))
    return rest, checks


def store_of(data: Graph) -> ox.Store:
    """The data graph in a new Oxigraph store, as its default graph: what the checks run over."""
    store = ox.Store()
    convert = term_converter()
    store.bulk_extend(ox.Quad(convert(s), convert(p), convert(o))  # type: ignore[arg-type]
                      for s, p, o in data)
    return store


def run_sparql_checks(checks: Iterable[SparqlCheck], store: ox.Store, report: Graph) -> bool:
    """Run the checks over the data in the store (see `store_of`), add a result to the report for each solution;
    True when none is a violation."""
    conforms = True
    report_node = report.value(None, RDF.type, SH.ValidationReport) or BNode()
    for check in checks:
        for target in check.targets:
            solutions = store.query(check.select, substitutions={ox.Variable("this"): to_oxigraph(target)})
            seen: set[tuple[tuple[str, Node], ...]] = set()
            for solution in solutions:  # type: ignore[union-attr]
                bound = {v.value: to_rdflib(solution[v]) for v in solutions.variables  # type: ignore[union-attr]
                         if solution[v] is not None}
                key = tuple(sorted(bound.items()))
                if key in seen:
                    continue
                seen.add(key)
                _add_result(report, report_node, check, target, bound)
                conforms = conforms and check.severity != SH.Violation
    if not conforms:
        report.set((report_node, SH.conforms, Literal(False)))
    return conforms


def _add_result(report: Graph, report_node: Node, check: SparqlCheck, focus: Node, bound: dict[str, Node]) -> None:
    result = BNode()
    report.add((report_node, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, bound.get("this", focus)))
    report.add((result, SH.resultSeverity, check.severity))
    report.add((result, SH.sourceShape, check.shape))
    report.add((result, SH.sourceConstraint, check.constraint))
    report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    if "value" in bound:
        report.add((result, SH.value, bound["value"]))
    if "path" in bound:
        report.add((result, SH.resultPath, bound["path"]))
    for message in check.messages:
        report.add((result, SH.resultMessage, Literal(_fill(str(message), bound), lang=message.language)))


def _fill(template: str, bound: dict[str, Node]) -> str:
    """The message with each {?var} or {$var} replaced by the variable's value (SHACL 1.0, section 5.3.2).

    An IRI is shown in its prefixed form where a project prefix fits (kg:partner), as the data files write it.
    """
    def value(match: re.Match[str]) -> str:
        node = bound.get(match.group(1))
        return match.group(0) if node is None else str(node) if isinstance(node, Literal) else shorten(node)

    return re.sub(r"\{[?$](\w+)\}", value, template)


def _messages(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    return tuple(m for m in shapes.objects(node, SH.message) if isinstance(m, Literal))


def _targets_only_given_nodes(shapes: Graph, shape: Node) -> bool:
    others = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    return (shape, SH.targetNode, None) in shapes and not any((shape, p, None) in shapes for p in others) and (
        shape, RDF.type, SH.NodeShape) in shapes


def _deactivated(shapes: Graph, *nodes: Node) -> bool:
    return any(shapes.value(node, SH.deactivated) == Literal(True) for node in nodes)


def _prefix_declarations(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines for every sh:declare of the constraint's sh:prefixes (SHACL 1.0, section 5.2.1)."""
    lines = []
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{URIRef(str(namespace))}>\n")
    return "".join(lines)
