"""rdflib terms as pyoxigraph terms and back, for code that hands a graph to Oxigraph (validation, the engine)."""

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


def is_valid_iri(text: str) -> bool:
    """True for an absolute IRI that Oxigraph accepts (RFC 3987, checked by its own parser, oxiri)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} in oxigraph")


def term_converter() -> Callable[[Node], ox.NamedNode | ox.BlankNode | ox.Literal]:
    """`to_oxigraph` remembering what it converted: a graph repeats its predicates, classes and shared resources
    so often that copying one into Oxigraph takes a quarter of the time. rdflib's terms are equal only when they
    are the same term (same kind, text, datatype and language), so a remembered one is always the right one."""
    converted: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def convert(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        known = converted.get(term)
        if known is None:
            known = converted[term] = to_oxigraph(term)
        return known

    return convert


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as the rdflib term the rdflib engine would give for it."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected term from oxigraph: {term!r}")
