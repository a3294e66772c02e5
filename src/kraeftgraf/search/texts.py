"""What the documents say, read from a dataset: every text worth searching, the resource it is about, its documents.

Read through the query-engine interface, so the same texts come from the built dataset, an in-memory or on-disk
Oxigraph store, or RDF files served as they are. A quote or an evidence note comes from the one document its
evidence names (with the evidence node and, where the data gives them, its page and lines); a status text from the
documents of its claim's evidence; any other text from the documents that give evidence for its resource.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..engines.base import QueryEngine
from ..graph.closure import transitive_closure
from ..namespaces import PREFIXES

# The texts a resource carries, by property, with the field name a hit reports. Labels count more in ranking.
RESOURCE_FIELDS: Mapping[str, str] = {
    "rdfs:label": "label", "skos:prefLabel": "label", "skos:altLabel": "altLabel", "dcterms:title": "title",
    "dcterms:description": "description", "kg:text": "text", "kg:purpose": "purpose", "kg:targetGroup": "targetGroup",
    "kg:milestone": "milestone", "skos:definition": "definition",
}
# An evidence note is written as kg:evidenceNote (a subproperty of dcterms:description) or, in older data, as
# dcterms:description itself; both are read, and a note stated both ways is one text.
EVIDENCE_FIELDS: Mapping[str, str] = {"kg:quote": "quote", "kg:evidenceNote": "evidenceNote",
                                      "dcterms:description": "evidenceNote"}
STATUS_FIELD = "statusText"
# The fields whose words are the document's own, each tied to one place in one document: they answer "which
# documents say this?" (a label or description is the curators' wording, shared by every document of its resource).
VERBATIM_FIELDS = ("quote", STATUS_FIELD)
FIELDS = tuple(dict.fromkeys([*RESOURCE_FIELDS.values(), STATUS_FIELD, *EVIDENCE_FIELDS.values()]))
# Terms of the ontology describe the vocabulary, not what a document says: they are left out.
_VOCABULARY_TYPES = ("owl:Ontology", "owl:Class", "rdfs:Class", "rdf:Property", "owl:ObjectProperty",
                     "owl:DatatypeProperty", "owl:AnnotationProperty", "owl:Restriction")
_GENERIC_CLASSES = frozenset(f"{PREFIXES[p]}{n}" for p, n in (("owl", "Thing"), ("owl", "NamedIndividual"),
                                                              ("rdfs", "Resource"), ("prov", "Entity")))


@dataclass(frozen=True)
class Source:
    """A document a text comes from, with where in it, when the data says."""

    document: str
    evidence: str | None = None  # the evidence node: an IRI, or "_:label" for a blank node (named only in this index)
    page: int | None = None
    start_line: int | None = None
    end_line: int | None = None


@dataclass(frozen=True)
class Text:
    """One searchable text: the resource it is about, the field it is in, its language and its sources."""

    resource: str
    field: str
    text: str
    lang: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Corpus:
    """The texts of a dataset with what a hit shows besides: labels, the classes of resources, their documents."""

    texts: tuple[Text, ...]
    labels: Mapping[str, Mapping[str, str]]  # IRI -> language -> label
    classes: Mapping[str, tuple[str, ...]]  # resource -> its most specific classes
    types: Mapping[str, frozenset[str]]  # resource -> every class it has, inferred ones too (for filtering)
    documents: Mapping[str, tuple[str, ...]]  # resource -> the documents that give evidence for it

    def label(self, iri: str, lang: str = "da") -> str:
        """The label in the language, else in another, else empty."""
        labels = self.labels.get(iri, {})
        return labels.get(lang) or labels.get("en" if lang == "da" else "da") or next(iter(labels.values()), "")


def read_corpus(engine: QueryEngine) -> Corpus:
    """Every searchable text of the dataset behind the engine, with labels, classes and documents."""
    vocabulary = {str(row["term"]) for row in _select(engine, _VOCABULARY)}
    documents = _documents(engine)
    texts: list[Text] = []
    for row in _select(engine, _RESOURCE_TEXTS):
        resource = str(row["resource"])
        if resource in vocabulary:
            continue
        field = RESOURCE_FIELDS[_short(row["property"])]
        texts.append(_text(resource, field, row["text"], tuple(Source(d) for d in documents.get(resource, ()))))
    claims: dict[tuple[str, Node, Literal], list[Source]] = defaultdict(list)
    for row in _select(engine, _STATUS_TEXTS):
        sources = claims[(str(row["resource"]), row["claim"], _literal(row["text"]))]
        if "document" in row:
            sources.append(_source(row))
    for (resource, _claim, literal), sources in claims.items():
        texts.append(_text(resource, STATUS_FIELD, literal, tuple(dict.fromkeys(sources))))
    for row in _select(engine, _EVIDENCE_TEXTS):
        field = EVIDENCE_FIELDS[_short(row["property"])]
        texts.append(_text(str(row["resource"]), field, row["text"], (_source(row),)))
    types: dict[str, set[str]] = defaultdict(set)
    for row in _select(engine, _TYPES):
        types[str(row["resource"])].add(str(row["class"]))
    broader = _superclasses(engine)
    about = {text.resource for text in texts} | {d for ds in documents.values() for d in ds}
    return Corpus(
        texts=tuple(dict.fromkeys(texts)),
        labels=_labels(engine),
        classes={r: _most_specific(types.get(r, set()), broader) for r in about},
        types={r: frozenset(types.get(r, set())) for r in about},
        documents=documents,
    )


def _select(engine: QueryEngine, sparql: str) -> list[dict[str, Node]]:
    return engine.query(sparql).rows


def _text(resource: str, field: str, node: Node, sources: tuple[Source, ...]) -> Text:
    literal = _literal(node)
    return Text(resource=resource, field=field, text=str(literal), lang=literal.language or "", sources=sources)


def _literal(node: Node) -> Literal:
    if not isinstance(node, Literal):
        raise TypeError(f"expected a literal, got {node!r}")
    return node


def _source(row: Mapping[str, Node]) -> Source:
    return Source(document=str(row["document"]), evidence=_node_name(row.get("evidence")),
                  page=_number(row.get("page")), start_line=_number(row.get("startLine")),
                  end_line=_number(row.get("endLine")))


def _node_name(node: Node | None) -> str | None:
    if isinstance(node, BNode):
        return f"_:{node}"
    return None if node is None else str(node)


def _number(node: Node | None) -> int | None:
    if not isinstance(node, Literal):
        return None
    try:
        return int(str(node))
    except ValueError:
        return None


def _short(node: Node) -> str:
    iri = str(node)
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri


def _documents(engine: QueryEngine) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in _select(engine, _RESOURCE_DOCUMENTS):
        found[str(row["resource"])].add(str(row["document"]))
    return {resource: tuple(sorted(documents)) for resource, documents in found.items()}


def _labels(engine: QueryEngine) -> dict[str, dict[str, str]]:
    """Each thing's label per language; of several in one language, the first in code-point order (chosen here:
    an ORDER BY in the query took Oxigraph 10 of its 12 s at x100)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _select(engine, _LABELS):
        literal = _literal(row["label"])
        kept = labels[str(row["thing"])]
        language, text = literal.language or "", str(literal)
        if language not in kept or text < kept[language]:
            kept[language] = text
    return labels


def _superclasses(engine: QueryEngine) -> dict[str, set[str]]:
    """Each class's broader classes, transitively."""
    direct: dict[str, set[str]] = defaultdict(set)
    for row in _select(engine, _SUBCLASSES):
        if isinstance(row["sub"], URIRef) and isinstance(row["super"], URIRef) and row["sub"] != row["super"]:
            direct[str(row["sub"])].add(str(row["super"]))
    return transitive_closure(direct)


def _most_specific(types: Iterable[str], broader: Mapping[str, set[str]]) -> tuple[str, ...]:
    """The classes of a resource that no other of its classes is a subclass of (generic ones only if alone)."""
    named = set(types)
    specific = {t for t in named if not any(t in broader.get(other, ()) for other in named if other != t)}
    return tuple(sorted(specific - _GENERIC_CLASSES or specific))


_VOCABULARY = f"""SELECT DISTINCT ?term WHERE {{
  VALUES ?type {{ {" ".join(_VOCABULARY_TYPES)} }}
  ?term a ?type .
}}"""
# Evidence named by an IRI has its texts read with its resource's (below), not as a resource of its own.
_RESOURCE_TEXTS = f"""SELECT DISTINCT ?resource ?property ?text WHERE {{
  VALUES ?property {{ {" ".join(RESOURCE_FIELDS)} }}
  ?resource ?property ?text .
  FILTER(isIRI(?resource) && isLiteral(?text))
  FILTER NOT EXISTS {{ ?resource a kg:Evidence }}
}}"""
_STATUS_TEXTS = """SELECT DISTINCT ?resource ?claim ?text ?evidence ?document ?page ?startLine ?endLine WHERE {
  ?resource kg:hasStatus ?claim . ?claim kg:statusText ?text .
  OPTIONAL {
    ?claim kg:hasEvidence ?evidence . ?evidence kg:inDocument ?document .
    OPTIONAL { ?evidence kg:page ?page } OPTIONAL { ?evidence kg:startLine ?startLine }
    OPTIONAL { ?evidence kg:endLine ?endLine }
  }
  FILTER(isIRI(?resource) && isLiteral(?text))
}"""
# The evidence pattern first, the way to it after: rdflib took 17 times as long the other way round. The way is a
# path, not a UNION of its two branches: Oxigraph joined that UNION so that at x100 (2.5 million quads) the query
# had not ended after 12 minutes; the path takes 14 s there, and at x1 0.05 s instead of 0.24 (rdflib 4.8 s, not 6.8).
_EVIDENCE_TEXTS = f"""SELECT DISTINCT ?resource ?evidence ?property ?text ?document ?page ?startLine ?endLine WHERE {{
  ?evidence kg:inDocument ?document ; ?property ?text .
  FILTER(?property IN ({", ".join(EVIDENCE_FIELDS)}))
  ?resource kg:hasEvidence|(kg:hasStatus/kg:hasEvidence) ?evidence .
  OPTIONAL {{ ?evidence kg:page ?page }} OPTIONAL {{ ?evidence kg:startLine ?startLine }}
  OPTIONAL {{ ?evidence kg:endLine ?endLine }}
  FILTER(isIRI(?resource) && isLiteral(?text))
}}"""
_RESOURCE_DOCUMENTS = """SELECT DISTINCT ?resource ?document WHERE {
  { ?resource kg:hasEvidence ?evidence . ?evidence kg:inDocument ?document }
  UNION { ?resource a kg:SourceDocument . BIND(?resource AS ?document) }
  FILTER(isIRI(?resource))
}"""
_TYPES = """SELECT DISTINCT ?resource ?class WHERE { ?resource a ?class . FILTER(isIRI(?resource) && isIRI(?class)) }"""
_SUBCLASSES = """SELECT DISTINCT ?sub ?super WHERE { ?sub rdfs:subClassOf ?super }"""
_LABELS = """SELECT DISTINCT ?thing ?label WHERE {
  ?thing rdfs:label ?label . FILTER(isIRI(?thing) && isLiteral(?label))
}"""
