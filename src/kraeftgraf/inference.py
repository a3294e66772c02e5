"""Materialise what the ontology implies, once, when the dataset is built."""

from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

# Namespaces whose own axioms OWL RL restates; their triples are not facts about the data.
_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}
_REFLEXIVE = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty}


def expand(data: Graph, ontology: Graph) -> Graph:
    """The triples that the OWL RL closure of data and ontology adds, less OWL RL's trivial ones."""
    import owlrl  # imported here so that `kraeftgraf --help` stays fast

    closure = Graph()
    for source in (ontology, data):
        for triple in source.triples((None, None, None)):
            closure.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    ontology_bnodes = {s for s in ontology.subjects() if isinstance(s, BNode)}
    inferred = Graph()
    for triple in closure.triples((None, None, None)):
        if triple in data or triple in ontology:
            continue
        if _is_informative(*triple) and triple[0] not in ontology_bnodes:
            inferred.add(triple)
    return inferred


def _is_informative(subject: Node, predicate: Node, obj: Node) -> bool:
    if isinstance(subject, Literal) or predicate == OWL.sameAs:
        return False
    if str(subject).startswith(_BUILT_IN):
        return False
    if predicate == RDF.type and obj in _TRIVIAL_TYPES:
        return False
    return not (predicate in _REFLEXIVE and subject == obj)
