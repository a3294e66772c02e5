"""The words the generators build requests from: the ontology's classes and properties, the concepts and
resources the saved queries name, and the saved queries themselves with their parameters."""

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kraeftgraf import resources
from kraeftgraf.graph.terms import shorten
from kraeftgraf.namespaces import PREFIXES
from kraeftgraf.queries.saved import load_queries

# Properties every dataset of the project uses, beside the ontology's own.
_COMMON_PROPERTIES = ("rdfs:label", "skos:prefLabel", "skos:definition", "skos:broader", "skos:inScheme",
                      "dcterms:title", "dcterms:source", "rdfs:comment", "owl:sameAs")


@dataclass(frozen=True)
class SavedParameter:
    """A saved query's parameter: its name, type and the values its header offers."""

    name: str
    type: str  # iri | string | langstring | integer | year
    choices: tuple[str, ...]  # the default and the enumerated values, as written in the header


@dataclass(frozen=True)
class SavedQueryText:
    """A saved query: its name (the API path), its SPARQL text and its parameters."""

    name: str
    sparql: str
    params: tuple[SavedParameter, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Prefixed names to build queries from, and the saved queries."""

    classes: tuple[str, ...]
    object_properties: tuple[str, ...]
    data_properties: tuple[str, ...]
    instances: tuple[str, ...]
    saved: tuple[SavedQueryText, ...]
    prefixes: tuple[tuple[str, str], ...]

    def expand(self, name: str) -> str:
        """`kg:Theme` as `<https://w3id.org/kraeftgraf/vocab#Theme>` (a full IRI in angle brackets)."""
        prefix, _, local = name.partition(":")
        return f"<{dict(self.prefixes)[prefix]}{local}>"


@cache
def load_vocabulary() -> Vocabulary:
    """Read the ontology files and the saved queries of the installed kraeftgraf (the same on every call)."""
    ontology = Graph()
    for path in resources.ontology_files():
        ontology.parse(path, format="turtle")

    def named(kind: URIRef) -> tuple[str, ...]:
        return tuple(sorted({shorten(s) for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef)}))

    concepts = {shorten(s) for s in ontology.subjects(SKOS.inScheme, None) if isinstance(s, URIRef)}
    saved = []
    for query in sorted(load_queries().values(), key=lambda q: q.name):
        params = tuple(SavedParameter(p.name, p.type, tuple(dict.fromkeys(
            [*([p.default] if p.default is not None else []), *p.enumerate]))) for p in query.params)
        saved.append(SavedQueryText(query.name, query.sparql, params))
    named_in_queries = {c for q in saved for p in q.params if p.type == "iri" for c in p.choices}
    return Vocabulary(
        classes=named(OWL.Class),
        object_properties=tuple(sorted({*named(OWL.ObjectProperty), "skos:broader", "skos:inScheme", "owl:sameAs",
                                        "dcterms:source"})),
        data_properties=tuple(sorted({*named(OWL.DatatypeProperty), *_COMMON_PROPERTIES} - {
            "skos:broader", "skos:inScheme", "owl:sameAs", "dcterms:source"})),
        instances=tuple(sorted(concepts | named_in_queries)),
        saved=tuple(saved),
        prefixes=tuple(PREFIXES.items()),
    )
