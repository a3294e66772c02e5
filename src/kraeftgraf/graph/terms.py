"""Small helpers for showing and locating RDF terms in reports."""

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..namespaces import PREFIXES


def owner_of(graph: Graph, node: Node) -> Node:
    """The nearest IRI a blank node (evidence, status claim) hangs from, or the node itself."""
    seen: set[Node] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parent = next(graph.subjects(None, node), None)
        if parent is None:
            break
        node = parent
    return node


def shorten(node: Node | None) -> str:
    """A compact form of a term: a prefixed name where a project prefix fits."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        for name, iri in [*PREFIXES.items(), ("sh", str(SH))]:
            if text.startswith(iri):
                return f"{name}:{text[len(iri):]}"
        return f"<{text}>"
    if isinstance(node, BNode):
        return "[]"
    return str(node)
