"""SHACL core constraints of simple property shapes, evaluated by Oxigraph instead of pyshacl.

pyshacl checks every focus node in Python, one constraint at a time: on the curated data that is most of the
build's time. The property shapes whose constraints mean exactly the same as a SPARQL query (SHACL 1.0, section
4: the constraint components below, on a path that is one IRI, of node shapes that target classes) are taken
out of the shapes pyshacl sees; each of their constraints runs here as one query over the whole data graph, and
adds its results to pyshacl's report in the form pyshacl writes them (focus node, path, value where SHACL gives
one, severity, source shape and component, the shape's messages). Everything else stays with pyshacl: other
paths and targets, sh:node, sh:or and the qualified counts, sh:pattern (Python's regular expressions are not
XPath's), and sh:datatype other than xsd:string and rdf:langString (Oxigraph's store keeps the value of an
xsd:nonNegativeInteger, not its datatype, so it cannot tell it from an xsd:integer as pyshacl does).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from .oxigraph_terms import to_rdflib

_DESCRIPTIVE = {RDF.type, SH.path, SH.message, SH.name, SH.description, SH.severity, SH.order, SH.group}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)", SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))", SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
}
_DATATYPES = {XSD.string: 'datatype(?value) = xsd:string', RDF.langString: 'lang(?value) != ""'}
_COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_PREFIXES = ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")


@dataclass(frozen=True)
class CoreCheck:
    """One constraint of one property shape, for the focus nodes of one node shape, as a SPARQL query.

    The query's solutions are the results: ?this, and ?value where SHACL's result has a value.
    """

    node_shape: Node
    property_shape: Node
    path: URIRef
    component: URIRef
    query: str
    messages: tuple[Literal, ...]
    severity: Node


def split_core_checks(shapes: Graph) -> tuple[Graph, list[CoreCheck]]:
    """The shapes without the property shapes checked here, and the checks that replace them."""
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    checks: list[CoreCheck] = []
    for node_shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        classes = _target_classes(shapes, node_shape)
        if classes is None:
            continue
        for property_shape in list(shapes.objects(node_shape, SH.property)):
            translated = _translate(shapes, node_shape, property_shape, classes)
            if translated is not None:
                checks.extend(translated)
                rest.remove((node_shape, SH.property, property_shape))
    return rest, checks


def run_core_checks(checks: Iterable[CoreCheck], store: ox.Store, report: Graph) -> bool:
    """Run the checks over the store, add each solution to the report as a result; True when none is a violation."""
    conforms = True
    report_node = report.value(None, RDF.type, SH.ValidationReport) or BNode()
    for check in checks:
        solutions = store.query(check.query)
        for solution in solutions:  # type: ignore[union-attr]
            result = BNode()
            report.add((report_node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, to_rdflib(solution["this"])))
            report.add((result, SH.resultPath, check.path))
            if solution["value"] is not None:
                report.add((result, SH.value, to_rdflib(solution["value"])))
            report.add((result, SH.resultSeverity, check.severity))
            report.add((result, SH.sourceShape, check.property_shape))
            report.add((result, SH.sourceConstraintComponent, check.component))
            for message in check.messages:
                report.add((result, SH.resultMessage, message))
            conforms = conforms and check.severity != SH.Violation
    if not conforms:
        report.set((report_node, SH.conforms, Literal(False)))
    return conforms


def _target_classes(shapes: Graph, node_shape: Node) -> list[URIRef] | None:
    """The classes a node shape targets, when that is its only kind of target and it is active."""
    targets = [p for p in shapes.predicates(node_shape) if str(p).startswith(str(SH.target))]
    classes = [c for c in shapes.objects(node_shape, SH.targetClass) if isinstance(c, URIRef)]
    if not classes or set(targets) != {SH.targetClass} or _deactivated(shapes, node_shape):
        return None
    if (node_shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in shapes:
        return None  # an implicit class target as well
    return classes


def _translate(shapes: Graph, node_shape: Node, property_shape: Node,
               classes: list[URIRef]) -> list[CoreCheck] | None:
    """The property shape's constraints as queries, or None when one of them cannot be translated exactly."""
    path = shapes.value(property_shape, SH.path)
    messages = tuple(m for m in shapes.objects(property_shape, SH.message) if isinstance(m, Literal))
    if not isinstance(path, URIRef) or not messages or _deactivated(shapes, property_shape):
        return None
    focus = (f"{{ SELECT DISTINCT ?this WHERE {{ VALUES ?class {{ {' '.join(c.n3() for c in classes)} }} "
             "?this rdf:type/rdfs:subClassOf* ?class } }")
    severity = shapes.value(property_shape, SH.severity) or SH.Violation
    checks = []
    for constraint, parameter in shapes.predicate_objects(property_shape):
        if constraint in _DESCRIPTIVE:
            continue
        query = _query(shapes, constraint, parameter, focus, path)
        if query is None:
            return None
        name = str(constraint).removeprefix(str(SH))  # sh:minCount: sh:MinCountConstraintComponent
        component = URIRef(f"{SH}{name[:1].upper()}{name[1:]}ConstraintComponent")
        checks.append(CoreCheck(node_shape=node_shape, property_shape=property_shape, path=path, component=component,
                                query=_PREFIXES + query, messages=messages, severity=severity))
    return checks


def _query(shapes: Graph, constraint: Node, parameter: Node, focus: str, path: URIRef) -> str | None:
    """The SPARQL query whose solutions are the constraint's results (SHACL 1.0, section 4), or None."""
    step = path.n3()
    if constraint in (SH.minCount, SH.maxCount) and isinstance(parameter, Literal) \
            and parameter.datatype == XSD.integer:
        compare = "<" if constraint == SH.minCount else ">"
        return (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {step} ?v }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?v) {compare} {int(parameter)})")
    if constraint == SH.hasValue:
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {step} {parameter.n3()} }} }}"
    if constraint == SH.uniqueLang:
        if parameter != Literal(True):
            return None if parameter != Literal(False) else "SELECT ?this WHERE { FILTER(false) }"
        # SHACL: one result per language used by two values or more; the result names no value.
        return (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {step} ?a , ?b . FILTER(?a != ?b && lang(?a) != \"\" "
                "&& lcase(lang(?a)) = lcase(lang(?b))) }")
    violated = _violation(shapes, constraint, parameter)
    if violated is None:
        return None
    return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {step} ?value . FILTER({violated}) }}"


def _violation(shapes: Graph, constraint: Node, parameter: Node) -> str | None:
    """A filter that holds for a value node that violates the constraint, or None."""
    if constraint == SH["class"] and isinstance(parameter, URIRef):
        return f"NOT EXISTS {{ ?value rdf:type/rdfs:subClassOf* {parameter.n3()} }}"
    if constraint == SH.datatype and parameter in _DATATYPES:
        return f"!(isLiteral(?value) && {_DATATYPES[parameter]})"  # type: ignore[index]
    if constraint == SH.nodeKind and parameter in _NODE_KINDS:
        return f"!{_NODE_KINDS[parameter]}"  # type: ignore[index]
    if constraint in (SH.minLength, SH.maxLength) and isinstance(parameter, Literal) \
            and parameter.datatype == XSD.integer:
        compare = "<" if constraint == SH.minLength else ">"
        return f"isBlank(?value) || strlen(str(?value)) {compare} {int(parameter)}"
    if constraint in _COMPARISONS and isinstance(parameter, Literal):
        return f"!COALESCE(?value {_COMPARISONS[constraint]} {parameter.n3()}, false)"  # type: ignore[index]
    if constraint == SH.languageIn and isinstance(parameter, BNode):
        ranges = [str(item) for item in Collection(shapes, parameter)]
        if not ranges:
            return None
        matches = " || ".join(f"langMatches(lang(?value), {Literal(r).n3()})" for r in ranges)
        return f"!(isLiteral(?value) && ({matches}))"
    return None


def _deactivated(shapes: Graph, node: Node) -> bool:
    return shapes.value(node, SH.deactivated) == Literal(True)
