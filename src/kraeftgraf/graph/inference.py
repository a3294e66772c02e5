"""Materialise what the ontology implies, once, when the dataset is built.

`expand` applies exactly the OWL RL rules that the ontology's axioms call for (subclasses,
subproperties, domains and ranges, inverses, two-step property chains, transitive properties and
hasValue restrictions) as a forward-chaining fixpoint. It gives the same facts about the data as
owlrl's full OWL RL closure (`owlrl_expand`, kept as the reference and compared in the tests) at a
fraction of the cost, because it never tries the rules the ontology does not use.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .closure import transitive_closure

Triple = tuple[Node, Node, Node]

# Namespaces whose own axioms OWL RL restates; their triples are not facts about the data.
_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}
_REFLEXIVE = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}


@dataclass
class Schema:
    """The ontology's axioms, pre-closed, in the shape the rules look them up."""

    superclasses: dict[Node, set[Node]] = field(default_factory=dict)
    superproperties: dict[Node, set[Node]] = field(default_factory=dict)
    domains: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[Node, set[Node]] = field(default_factory=lambda: defaultdict(set))
    chains: list[tuple[Node, Node, Node]] = field(default_factory=list)  # (first, second, implied)
    transitive: set[Node] = field(default_factory=set)
    has_values: dict[Node, set[tuple[Node, Node]]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_ontology(cls, ontology: Graph) -> "Schema":
        schema = cls()
        schema.superclasses = _closure(ontology, RDFS.subClassOf, OWL.equivalentClass)
        schema.superproperties = _closure(ontology, RDFS.subPropertyOf, OWL.equivalentProperty)
        for prop, cls_ in ontology.subject_objects(RDFS.domain):
            schema.domains[prop].add(cls_)
        for prop, cls_ in ontology.subject_objects(RDFS.range):
            schema.ranges[prop].add(cls_)
        for first, second in ontology.subject_objects(OWL.inverseOf):
            schema.inverses[first].add(second)
            schema.inverses[second].add(first)
        for prop in ontology.subjects(RDF.type, OWL.SymmetricProperty):
            schema.inverses[prop].add(prop)
        schema.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        for implied, chain in ontology.subject_objects(OWL.propertyChainAxiom):
            steps = list(Collection(ontology, chain))
            if len(steps) != 2:
                raise ValueError(f"property chains of length {len(steps)} are not supported ({implied})")
            schema.chains.append((steps[0], steps[1], implied))
        for restriction, value in ontology.subject_objects(OWL.hasValue):
            on_property = ontology.value(restriction, OWL.onProperty)
            for cls_, supers in schema.superclasses.items():
                if restriction in supers and on_property is not None:
                    schema.has_values[cls_].add((on_property, value))
        return schema


def expand(data: Graph, ontology: Graph) -> Graph:
    """The facts the ontology's axioms add to the data (and to the instances the ontology holds), as a graph.

    `data` may hold the ontology's triples too: what is already in either graph is never returned.
    """
    inferred = Graph()
    for triple in inferred_triples(data, ontology):
        inferred.add(triple)
    return inferred


def inferred_triples(data: Graph, ontology: Graph) -> list[Triple]:
    """`expand`'s facts, each once, for a caller that adds them to graphs of its own (no graph made for nothing)."""
    schema = Schema.from_ontology(ontology)
    facts = _Facts()
    pending: list[Triple] = []
    for source in (ontology, data):
        for triple in source.triples((None, None, None)):
            if facts.add(triple):
                pending.append(triple)
    while pending:
        triple = pending.pop()
        for derived in _consequences(triple, schema, facts):
            if facts.add(derived):
                pending.append(derived)
    ontology_bnodes = _blank_nodes(ontology)
    return [triple for triple in facts.all()
            if triple not in data and triple not in ontology and is_informative(triple, ontology_bnodes)]


def owlrl_expand(data: Graph, ontology: Graph) -> Graph:
    """The reference: owlrl's full OWL RL closure, reduced to the same informative triples."""
    import owlrl  # slow to import and to run; used by the tests to check `expand`

    closure = Graph()
    for source in (ontology, data):
        for triple in source.triples((None, None, None)):
            closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    ontology_bnodes = _blank_nodes(ontology)
    inferred = Graph()
    for triple in closure.triples((None, None, None)):
        if triple not in data and triple not in ontology and is_informative(triple, ontology_bnodes):
            inferred.add(triple)
    return inferred


def is_informative(triple: Triple, ontology_bnodes: set[Node]) -> bool:
    """False for OWL RL's bookkeeping: literals as subjects, sameAs, trivial types, built-ins."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal) or predicate == OWL.sameAs:
        return False
    if subject in ontology_bnodes or obj in ontology_bnodes or str(subject).startswith(_BUILT_IN):
        return False
    if predicate == RDF.type and obj in _TRIVIAL_TYPES:
        return False
    return not (predicate in _REFLEXIVE and subject == obj)


class _Facts:
    """The growing set of triples, indexed by (predicate, subject) and (predicate, object) for the chain rules."""

    def __init__(self) -> None:
        self._all: set[Triple] = set()
        self._by_subject: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self._by_object: dict[tuple[Node, Node], set[Node]] = defaultdict(set)

    def add(self, triple: Triple) -> bool:
        if triple in self._all:
            return False
        self._all.add(triple)
        subject, predicate, obj = triple
        self._by_subject[(predicate, subject)].add(obj)
        self._by_object[(predicate, obj)].add(subject)
        return True

    def objects(self, subject: Node, predicate: Node) -> set[Node]:
        return self._by_subject.get((predicate, subject), set())

    def subjects(self, predicate: Node, obj: Node) -> set[Node]:
        return self._by_object.get((predicate, obj), set())

    def all(self) -> Iterable[Triple]:
        return self._all


def _consequences(triple: Triple, schema: Schema, facts: _Facts) -> Iterable[Triple]:
    subject, predicate, obj = triple
    if predicate == RDF.type:
        for cls_ in schema.superclasses.get(obj, ()):
            yield subject, RDF.type, cls_
        for prop, value in schema.has_values.get(obj, ()):
            yield subject, prop, value
        return
    for prop in schema.superproperties.get(predicate, ()):
        yield subject, prop, obj
    for cls_ in schema.domains.get(predicate, ()):
        yield subject, RDF.type, cls_
    if not isinstance(obj, Literal):
        for cls_ in schema.ranges.get(predicate, ()):
            yield obj, RDF.type, cls_
        for inverse in schema.inverses.get(predicate, ()):
            yield obj, inverse, subject
    for first, second, implied in schema.chains:
        if predicate == first:
            for end in list(facts.objects(obj, second)):
                yield subject, implied, end
        if predicate == second:
            for start in list(facts.subjects(first, subject)):
                yield start, implied, obj
    if predicate in schema.transitive:
        for end in list(facts.objects(obj, predicate)):
            yield subject, predicate, end
        for start in list(facts.subjects(predicate, subject)):
            yield start, predicate, obj


def _closure(graph: Graph, sub: Node, equivalent: Node) -> dict[Node, set[Node]]:
    """For each term, every term above it (itself excluded) through `sub` and `equivalent` links."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for lower, upper in graph.subject_objects(sub):
        direct[lower].add(upper)
    for left, right in graph.subject_objects(equivalent):
        direct[left].add(right)
        direct[right].add(left)
    return transitive_closure(direct)


def _blank_nodes(graph: Graph) -> set[Node]:
    return {s for s in graph.subjects() if isinstance(s, BNode)}
