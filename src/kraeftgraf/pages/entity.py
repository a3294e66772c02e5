"""A page for every resource of the dataset: labels, types, links both ways, and the source quotes behind it."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from ..engines.base import QueryEngine
from ..errors import ResourceNotFoundError
from ..links import source_href
from ..namespaces import ID, KG
from .common import LANGUAGES, Labels, label, lang_suffix, link, page, resource_href
from .texts import other_language, say

_INCOMING_LIMIT = 1000
# Who points at the resource: directly, or through one or two blank nodes (evidence, status claims).
_INCOMING = f"""SELECT DISTINCT ?subject ?p1 ?p2 ?p3 WHERE {{
  {{ ?subject ?p1 ?entity . FILTER(isIRI(?subject)) }}
  UNION {{ ?b1 ?p2 ?entity . FILTER(isBlank(?b1)) ?subject ?p1 ?b1 . FILTER(isIRI(?subject)) }}
  UNION {{ ?b2 ?p3 ?entity . FILTER(isBlank(?b2)) ?b1 ?p2 ?b2 . FILTER(isBlank(?b1))
          ?subject ?p1 ?b1 . FILTER(isIRI(?subject)) }}
}} LIMIT {_INCOMING_LIMIT}"""
# A document is named by its short citation label ("Region Sjælland 2021, 8-punktsplan for kræftområdet") wherever
# it is linked; everything else by its rdfs:label.
_LABELS = """SELECT ?thing ?label WHERE {
  { ?thing <http://purl.org/dc/terms/bibliographicCitation> ?label }
  UNION
  { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label
    FILTER NOT EXISTS { ?thing <http://purl.org/dc/terms/bibliographicCitation> ?citation } }
  FILTER(isIRI(?thing))
}"""
_SHOWN_APART = {RDF.type, RDFS.label, KG.hasEvidence, KG.hasStatus}

Linker = Callable[[str], str]  # an IRI to an <a> element


@dataclass(frozen=True)
class Term:
    """A value on a page: an IRI, a literal, or a blank node shown through its own statements."""

    iri: str | None = None
    text: str | None = None
    lang: str | None = None
    nested: tuple[tuple[str, tuple["Term", ...]], ...] = ()


@dataclass(frozen=True)
class Evidence:
    """Where a source document says it: the quote, the document, the page, the document's own number, the note."""

    quote: str | None
    document: str | None
    page: str | None
    number: str | None
    note: str | None = None  # kg:evidenceNote: the fact box, list or differing wording the quote stands in
    start_line: int | None = None  # where the build located the quote in the document's source text
    end_line: int | None = None


@dataclass(frozen=True)
class StatusClaim:
    """A document's claim about a status: the words it uses, the normalised status, its other details."""

    text: str | None
    details: tuple[tuple[str, tuple[Term, ...]], ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Incoming:
    """A resource that points at this one, through the properties in `path`."""

    subject: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class EntityDescription:
    """Everything the page shows about one resource."""

    iri: str
    own_labels: dict[str, str]
    types: tuple[str, ...]
    properties: tuple[tuple[str, tuple[Term, ...]], ...]
    evidence: tuple[Evidence, ...]
    statuses: tuple[StatusClaim, ...]
    incoming: tuple[Incoming, ...]
    uses_as_property: int
    labels: Labels
    lang: str


def label_index(engine: QueryEngine) -> dict[str, dict[str, str]]:
    """Every rdfs:label in the dataset, by IRI and language tag."""
    index: dict[str, dict[str, str]] = defaultdict(dict)
    for row in engine.query(_LABELS).rows:
        value = row["label"]
        index[str(row["thing"])][getattr(value, "language", None) or ""] = str(value)
    return dict(index)


def entity_graph(engine: QueryEngine, iri: str) -> Graph:
    """The resource's concise bounded description (its statements and its blank nodes'); 404 when it has none."""
    result = engine.query("DESCRIBE ?entity WHERE {}", bindings={"entity": URIRef(iri)})
    graph = result.graph if result.graph is not None else Graph()
    if len(graph) == 0 and not engine.query("ASK { { ?s ?p ?entity } UNION { ?s ?entity ?o } }",
                                            bindings={"entity": URIRef(iri)}).boolean:
        raise ResourceNotFoundError(iri)
    return graph


def describe_entity(engine: QueryEngine, iri: str, labels: Labels, *, lang: str = "da") -> EntityDescription:
    """What the dataset says about the resource and who points at it; ResourceNotFoundError when nothing."""
    graph = entity_graph(engine, iri)
    subject = URIRef(iri)
    incoming = engine.query(_INCOMING, bindings={"entity": subject}).rows
    uses = engine.query("SELECT (COUNT(*) AS ?uses) WHERE { ?s ?entity ?o }", bindings={"entity": subject}).rows
    own_labels = {(getattr(o, "language", None) or ""): str(o) for o in graph.objects(subject, RDFS.label)}
    return EntityDescription(
        iri=iri,
        own_labels=own_labels,
        types=tuple(sorted(str(t) for t in graph.objects(subject, RDF.type))),
        properties=_properties(graph, subject, skip=_SHOWN_APART),
        evidence=_evidence_of(graph, subject),
        statuses=tuple(_status(graph, claim) for claim in graph.objects(subject, KG.hasStatus)),
        incoming=tuple(Incoming(subject=str(row["subject"]),
                                path=tuple(str(row[p]) for p in ("p1", "p2", "p3") if p in row)) for row in incoming),
        uses_as_property=int(uses[0]["uses"]) if uses else 0,  # type: ignore[call-overload]
        labels=labels,
        lang=lang,
    )


def _properties(graph: Graph, subject: Node, *, skip: Iterable[Node] = ()) -> tuple[tuple[str, tuple[Term, ...]], ...]:
    values: dict[str, list[Term]] = defaultdict(list)
    skipped = set(skip)
    for predicate, obj in graph.predicate_objects(subject):
        if predicate not in skipped:
            values[str(predicate)].append(_term(graph, obj, seen={subject}))
    return tuple((p, tuple(sorted(v, key=_sort_key))) for p, v in sorted(values.items()))


def _term(graph: Graph, node: Node, *, seen: set[Node]) -> Term:
    if isinstance(node, URIRef):
        return Term(iri=str(node))
    if isinstance(node, Literal):
        return Term(text=str(node), lang=node.language)
    if isinstance(node, BNode) and node not in seen:
        nested: dict[str, list[Term]] = defaultdict(list)
        for predicate, obj in graph.predicate_objects(node):
            nested[str(predicate)].append(_term(graph, obj, seen=seen | {node}))
        return Term(nested=tuple((p, tuple(v)) for p, v in sorted(nested.items())))
    return Term(text="[…]")


def _sort_key(term: Term) -> str:
    return term.iri or term.text or ""


def _evidence_of(graph: Graph, subject: Node) -> tuple[Evidence, ...]:
    found = [Evidence(quote=_text(graph, node, KG.quote), document=_text(graph, node, KG.inDocument),
                      page=_text(graph, node, KG.page), number=_text(graph, node, KG.numberInDocument),
                      note=_text(graph, node, KG.evidenceNote),
                      start_line=_number(graph, node, KG.startLine), end_line=_number(graph, node, KG.endLine))
             for node in graph.objects(subject, KG.hasEvidence)]
    return tuple(sorted(found, key=lambda e: (e.document or "", e.page or "", e.quote or "")))


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return str(value) if value is not None else None


def _number(graph: Graph, subject: Node, predicate: URIRef) -> int | None:
    value = graph.value(subject, predicate)
    return int(value) if isinstance(value, Literal) and str(value).isdigit() else None


def _status(graph: Graph, claim: Node) -> StatusClaim:
    details = _properties(graph, claim, skip={RDF.type, KG.statusText, KG.hasEvidence})
    return StatusClaim(text=_text(graph, claim, KG.statusText), details=details, evidence=_evidence_of(graph, claim))


def render_entity(entity: EntityDescription, *, root: str) -> str:
    """The resource's HTML page."""
    lang = entity.lang
    other = other_language(lang)

    def a(iri: str) -> str:
        return link(iri, entity.labels, root=root, lang=lang)

    title = entity.own_labels.get(lang) or label(entity.iri, entity.labels, lang)
    subtitle = entity.own_labels.get(other)
    parts = [f'<article class="entity">\n<h1>{escape(title)}</h1>']
    if subtitle and subtitle != title:
        parts.append(f'<p class="alt-label" lang="{other}">{escape(subtitle)}</p>')
    for citation in _texts_of(entity.properties, str(DCTERMS.bibliographicCitation)):
        parts.append(f'<p class="citation">{say("entity.cite", lang)} <cite lang="da">{escape(citation)}</cite></p>')
    formats = " · ".join(f'<a href="?format={f}">{name}</a>'
                         for f, name in (("turtle", "Turtle"), ("jsonld", "JSON-LD")))
    parts.append(f'<p class="iri"><code>{escape(entity.iri)}</code> · {formats}</p>')
    if entity.types:
        parts.append(f'<p class="types">{say("entity.type", lang)} {", ".join(a(t) for t in entity.types)}</p>')
    if entity.uses_as_property:
        parts.append(f'<p class="uses">{say("entity.uses", lang, count=entity.uses_as_property)}</p>')
    if any(p == str(KG.sourceFile) for p, _ in entity.properties) and entity.iri.startswith(str(ID)):
        href = f"{root}/source/{entity.iri[len(str(ID)):]}{lang_suffix(lang)}"
        parts.append(f'<p class="read-source"><a href="{escape(href)}">{say("entity.read", lang)}</a></p>')
    if entity.evidence:
        parts.append(f"<section><h2>{say('entity.sources', lang)}</h2>"
                     + _evidence_html(entity.evidence, a, root=root, lang=lang) + "</section>")
    if entity.statuses:
        items = []
        for claim in entity.statuses:
            words = f'<p class="status-text">“{escape(claim.text)}”</p>' if claim.text else ""
            sources = _evidence_html(claim.evidence, a, root=root, lang=lang)
            items.append(f"<li>{words}{_table(claim.details, entity, a)}{sources}</li>")
        parts.append(f'<section><h2>{say("entity.status", lang)}</h2><ul class="statuses">{"".join(items)}</ul>'
                     "</section>")
    if entity.properties:
        parts.append(f"<section><h2>{say('entity.statements', lang)}</h2>" + _table(entity.properties, entity, a)
                     + "</section>")
    if entity.incoming:
        rows = "".join(f"<tr><td>{a(i.subject)}</td><td>{' / '.join(a(p) for p in i.path)}</td></tr>"
                       for i in sorted(entity.incoming, key=lambda i: (i.path, label(i.subject, entity.labels, lang))))
        more = (f"<p>{say('entity.first', lang, count=_INCOMING_LIMIT)}</p>"
                if len(entity.incoming) >= _INCOMING_LIMIT else "")
        parts.append(f'<section><h2>{say("entity.incoming", lang)}</h2><table class="incoming"><thead><tr>'
                     f'<th>{say("entity.resource", lang)}</th><th>{say("entity.through", lang)}</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>{more}</section>")
    parts.append("</article>")
    alternates = {code: resource_href(entity.iri, root=root, lang=code) for code in LANGUAGES}
    return page(title, "\n".join(parts), root=root, lang=lang, alternates=alternates)


def _texts_of(properties: tuple[tuple[str, tuple[Term, ...]], ...], predicate: str) -> list[str]:
    return [term.text for p, values in properties if p == predicate for term in values if term.text is not None]


def _evidence_html(evidence: tuple[Evidence, ...], a: Linker, *, root: str, lang: str) -> str:
    items = []
    for item in evidence:
        source = [a(item.document)] if item.document else []
        if item.document and item.start_line is not None and item.end_line is not None:
            lines = (say("entity.line", lang, first=item.start_line) if item.start_line == item.end_line
                     else say("entity.lines", lang, first=item.start_line, last=item.end_line))
            href = source_href(item.document, item.start_line, item.end_line, root=root, lang=lang)
            source.append(f'<a class="in-source" href="{escape(href)}">{lines}</a>')
        if item.page:
            source.append(say("entity.page", lang, page=escape(item.page)))
        if item.number:
            source.append(say("entity.number", lang, number=escape(item.number)))
        quote = f'<blockquote lang="da">{escape(item.quote)}</blockquote>' if item.quote else ""
        note = f'<p class="note" lang="da">{escape(item.note)}</p>' if item.note else ""
        items.append(f'<li>{quote}<p class="source">— {", ".join(source)}</p>{note}</li>')
    return f'<ul class="evidence">{"".join(items)}</ul>' if items else ""


def _table(rows: tuple[tuple[str, tuple[Term, ...]], ...], entity: EntityDescription, a: Linker) -> str:
    if not rows:
        return ""
    body = "".join(f"<tr><th>{a(p)}</th><td>{'<br>'.join(_value(v, entity, a) for v in values)}</td></tr>"
                   for p, values in rows)
    return f'<table class="statements"><tbody>{body}</tbody></table>'


def _value(term: Term, entity: EntityDescription, a: Linker) -> str:
    if term.iri is not None:
        return a(term.iri)
    if term.nested:
        return _table(term.nested, entity, a)
    lang = f' lang="{escape(term.lang)}"' if term.lang else ""
    tag = f' <span class="lang">@{escape(term.lang)}</span>' if term.lang else ""
    return f"<span{lang}>{escape(term.text or '')}</span>{tag}"
