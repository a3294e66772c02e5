"""The project's namespaces and the prefix map used in queries and output."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

KG = Namespace("https://w3id.org/kraeftgraf/vocab#")
ID = Namespace("https://w3id.org/kraeftgraf/id/")
KGSH = Namespace("https://w3id.org/kraeftgraf/shapes#")
ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")  # W3C Web Annotation: where in a source text a quote stands
ONTOLOGY_IRI = "https://w3id.org/kraeftgraf/vocab"

PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "id": str(ID),
    "kgsh": str(KGSH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "qb": str(QB),
    "oa": str(OA),
}


def sparql_prologue() -> str:
    """PREFIX lines for every project prefix, to put in front of ad-hoc queries."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
