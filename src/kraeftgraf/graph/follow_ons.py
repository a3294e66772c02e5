"""One mistake, one finding: drop the findings that only follow from another one, and report references to an
IRI that nothing describes where they are made.

A misspelt IRI gets its types from the ranges of the properties that refer to it (a misspelt status becomes a
kg:Status), so every shape for those types fails on it, and properties inferred through it (kg:normalisedStatus)
go missing on the resource that refers to it. Those findings say nothing the first one does not, and their
advice (edit the status vocabulary) misleads.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from .findings import Finding

# Value checks whose finding says "this value is the wrong thing here": the value is a wrong reference.
VALUE_CHECKS = {SH.NodeConstraintComponent, SH.ClassConstraintComponent}


def refine(findings: Sequence[Finding], *, asserted: Graph, shapes: Graph) -> list[Finding]:
    """The findings less their follow-ons, those about an undescribed IRI moved to each place that refers to it."""
    wrong = {(f.focus, f.path, f.value) for f in findings if f.component in VALUE_CHECKS
             and isinstance(f.path, URIRef) and isinstance(f.value, URIRef) and f.value != f.focus}
    wrong_values: set[Node] = {value for _focus, _path, value in wrong if value is not None}
    # A property inferred through a wrong or missing one (kg:normalisedStatus through kg:status) is missing too.
    chained = _chain_implied(asserted)
    causes = {(focus, path) for focus, path, _value in wrong} | {
        (f.focus, f.path) for f in findings if f.component == SH.MinCountConstraintComponent}
    inferred_through = {(focus, implied) for focus, path in causes if path is not None
                        for implied in chained.get(path, ()) if implied != path}
    kept: list[Finding] = []
    for finding in findings:
        focus = finding.focus
        if (focus, finding.path) in inferred_through and finding.component == SH.MinCountConstraintComponent:
            continue
        suspect = isinstance(focus, URIRef) and (focus in wrong_values or not is_described(focus, asserted))
        if suspect and not _holds_without_inferred_types(finding, focus, asserted, shapes):
            continue
        kept.append(finding)
    covered: set[tuple[Node, Node]] = {(focus, path) for focus, path, _value in wrong if path is not None}
    return _move_to_referrers(kept, asserted, covered=covered)


def is_described(node: Node, asserted: Graph) -> bool:
    """True when some file says something about the node itself (not only refers to it)."""
    return (node, None, None) in asserted


def _holds_without_inferred_types(finding: Finding, node: Node, asserted: Graph, shapes: Graph) -> bool:
    """Whether a finding on a node would hold without the types inferred for it from the references to it."""
    targets = _target_classes(finding.shape, shapes)
    return not targets or bool(targets & _asserted_classes(node, asserted))


def _move_to_referrers(findings: list[Finding], asserted: Graph, *, covered: set[tuple[Node, Node]]) -> list[Finding]:
    """A finding about an undescribed IRI, once for each resource and property that refer to it, in their file."""
    moved: list[Finding] = []
    seen: set[tuple[Node, Node, Node]] = set()
    # Of the two "referred to" findings on an IRI with neither label nor type, "never described" says it best.
    for finding in sorted(findings, key=lambda f: f.path != RDFS.label):
        culprit = _culprit(finding)
        if not isinstance(culprit, URIRef) or is_described(culprit, asserted):
            moved.append(finding)
            continue
        for referrer, prop in sorted(asserted.subject_predicates(culprit)):
            if (referrer, prop) in covered or (referrer, prop, culprit) in seen or not isinstance(prop, URIRef):
                continue
            seen.add((referrer, prop, culprit))
            moved.append(replace(finding, value=culprit, referrer=(referrer, prop)))
    return moved


def _culprit(finding: Finding) -> Node | None:
    if finding.sparql_based and isinstance(finding.value, URIRef):
        return finding.value
    return finding.focus


def _chain_implied(ontology: Graph) -> dict[Node, set[Node]]:
    """For each property, the properties the ontology infers through it: kg:status -> kg:normalisedStatus."""
    implied: dict[Node, set[Node]] = {}
    for prop, chain in ontology.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(ontology, chain))
        if steps:
            implied.setdefault(steps[0], set()).add(prop)
    return implied


def _target_classes(shape: Node | None, shapes: Graph) -> set[Node]:
    """The classes a shape applies to: its own sh:targetClass, or those of the node shapes that use it."""
    if shape is None:
        return set()
    owners: Iterable[Node] = [shape, *shapes.subjects(SH.property, shape)]
    return {cls for owner in owners for cls in shapes.objects(owner, SH.targetClass)}


def _asserted_classes(node: Node, asserted: Graph) -> set[Node]:
    """The node's stated classes and their superclasses in the ontology."""
    found: set[Node] = set()
    todo = list(asserted.objects(node, RDF.type))
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.add(cls)
            todo.extend(asserted.objects(cls, RDFS.subClassOf))
    return found
