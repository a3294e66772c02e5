"""The ontology as a readable page: classes, properties and concept schemes, in Danish and English."""

from collections import defaultdict
from collections.abc import Iterable
from html import escape

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ..namespaces import ID, KG, ONTOLOGY_IRI, PREFIXES
from .common import LANGUAGES, page, resource_href, shorten_text

_SECTIONS = (
    ("classes", "Classes · Klasser", OWL.Class),
    ("object-properties", "Object properties · Objektegenskaber", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties · Dataegenskaber", OWL.DatatypeProperty),
)


def render_ontology(graph: Graph, *, root: str) -> str:
    """The ontology page: metadata, then every class, property and concept scheme with its labels."""
    ontology = URIRef(ONTOLOGY_IRI)
    titles = _texts(graph, ontology, DCTERMS.title)
    title = titles.get("en") or titles.get("da") or "Ontology"
    parts = [f"<h1>{escape(title)}</h1>", _metadata(graph, ontology)]
    toc = [f'<li><a href="#{anchor}">{escape(heading)}</a></li>' for anchor, heading, _ in _SECTIONS]
    toc.append('<li><a href="#schemes">Concept schemes · Begrebssystemer</a></li>')
    parts.append(f'<nav class="toc"><ul>{"".join(toc)}</ul></nav>')
    for anchor, heading, kind in _SECTIONS:
        terms = sorted((t for t in graph.subjects(RDF.type, kind) if _is_own(t)), key=lambda t: _name(graph, t))
        parts.append(f'<section id="{anchor}"><h2>{escape(heading)}</h2>'
                     + "".join(_term(graph, t, root=root) for t in terms) + "</section>")
    parts.append('<section id="schemes"><h2>Concept schemes · Begrebssystemer</h2>'
                 + "".join(_scheme(graph, s, root=root) for s in _iris(graph.subjects(RDF.type, SKOS.ConceptScheme)))
                 + "</section>")
    return page(title, '<article class="ontology">' + "\n".join(parts) + "</article>", root=root, lang="en")


def _metadata(graph: Graph, ontology: URIRef) -> str:
    rows = [("IRI", f"<code>{escape(ONTOLOGY_IRI)}</code>"),
            ("Namespace", f"<code>{escape(str(KG))}</code> (prefix <code>kg:</code>)")]
    for predicate, name in ((OWL.versionInfo, "Version"), (DCTERMS.license, "License")):
        value = graph.value(ontology, predicate)
        if value is not None:
            rows.append((name, _external(value) if isinstance(value, URIRef) else escape(str(value))))
    for lang, text in sorted(_texts(graph, ontology, DCTERMS.description).items()):
        rows.append((f"Description ({lang})", f'<span lang="{lang}">{escape(text)}</span>'))
    for lang, text in sorted(_texts(graph, ontology, RDFS.comment).items()):
        rows.append((f"Citing a fact ({lang})", f'<span lang="{lang}">{escape(text)}</span>'))
    rows.append(("Download", '<a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a>'
                             ' · <a href="?format=rdfxml">RDF/XML</a>'))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="statements"><tbody>{body}</tbody></table>'


def _term(graph: Graph, term: Node, *, root: str) -> str:
    anchor = _anchor(term)
    labels = _texts(graph, term, RDFS.label)
    heading = (" · ".join(escape(labels[lang]) for lang in LANGUAGES if lang in labels)
               or escape(shorten_text(str(term))))
    rows = [("IRI", f"<code>{escape(str(term))}</code>")]
    for lang in LANGUAGES:
        if lang in labels:
            rows.append((f"Label ({lang})", f'<span lang="{lang}">{escape(labels[lang])}</span>'))
    for predicate, name in ((SKOS.definition, "Definition"), (SKOS.example, "Example")):
        for lang, text in sorted(_texts(graph, term, predicate).items()):
            rows.append((f"{name} ({lang})", f'<span lang="{lang}">{escape(text)}</span>'))
    for predicate, name in ((RDFS.subClassOf, "Subclass of"), (RDFS.subPropertyOf, "Subproperty of"),
                            (RDFS.domain, "Domain"), (RDFS.range, "Range"), (OWL.inverseOf, "Inverse of")):
        targets = _iris(graph.objects(term, predicate))
        if targets:
            rows.append((name, ", ".join(_term_link(graph, t, root=root) for t in targets)))
    for predicate, name in ((RDFS.subClassOf, "Subclasses"), (RDFS.domain, "Properties with this domain")):
        sources = [s for s in _iris(graph.subjects(predicate, term)) if _is_own(s)]
        if sources:
            rows.append((name, ", ".join(_term_link(graph, s, root=root) for s in sources)))
    if (term, OWL.deprecated, None) in graph:
        rows.append(("Deprecated", "yes"))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (f'<div class="term" id="{escape(anchor)}"><h3>{heading}</h3>'
            f'<table class="statements"><tbody>{body}</tbody></table></div>')


def _scheme(graph: Graph, scheme: Node, *, root: str) -> str:
    labels = _texts(graph, scheme, RDFS.label) or _texts(graph, scheme, SKOS.prefLabel)
    heading = " · ".join(escape(labels[lang]) for lang in LANGUAGES if lang in labels)
    definitions = "".join(f'<p lang="{lang}">{escape(text)}</p>'
                          for lang, text in sorted(_texts(graph, scheme, SKOS.definition).items()))
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    children: dict[Node, list[Node]] = defaultdict(list)
    for concept in concepts:
        for broader in graph.objects(concept, SKOS.broader):
            if broader in concepts:
                children[broader].append(concept)
    tops = [c for c in concepts if not any(b in concepts for b in graph.objects(c, SKOS.broader))]

    def tree(nodes: list[Node]) -> str:
        items = []
        for concept in sorted(nodes, key=lambda c: _name(graph, c)):
            concept_labels = _texts(graph, concept, SKOS.prefLabel) or _texts(graph, concept, RDFS.label)
            names = " · ".join(f'<span lang="{lang}">{escape(concept_labels[lang])}</span>'
                               for lang in LANGUAGES if lang in concept_labels)
            definition = _texts(graph, concept, SKOS.definition)
            text = " ".join(f'<span class="definition" lang="{lang}">{escape(definition[lang])}</span>'
                            for lang in LANGUAGES if lang in definition)
            href = resource_href(str(concept), root=root)
            nested = tree(children[concept]) if children[concept] else ""
            items.append(f'<li id="{escape(_anchor(concept))}"><a href="{escape(href)}">{names}</a> '
                         f"<code>{escape(shorten_text(str(concept)))}</code><br>{text}{nested}</li>")
        return f'<ul class="concepts">{"".join(items)}</ul>'

    return (f'<div class="scheme" id="{escape(_anchor(scheme))}"><h3>{heading}</h3>{definitions}'
            f"{tree(tops)}</div>")


def _term_link(graph: Graph, term: Node, *, root: str) -> str:
    if _is_own(term):
        return f'<a href="#{escape(_anchor(term))}">{escape(_name(graph, term))}</a>'
    if isinstance(term, URIRef) and str(term).startswith(str(ID)):
        return f'<a href="{escape(resource_href(str(term), root=root))}">{escape(_name(graph, term))}</a>'
    return _external(term)


def _external(term: Node) -> str:
    text = shorten_text(str(term))
    for name, iri in PREFIXES.items():
        if str(term).startswith(iri) and name not in ("kg", "id"):
            text = f"{name}:{str(term)[len(iri):]}"
    return f'<a href="{escape(str(term))}">{escape(text)}</a>'


def _is_own(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(KG))


def _anchor(term: Node) -> str:
    text = str(term)
    for namespace in (str(KG), str(ID)):
        if text.startswith(namespace):
            return text[len(namespace):]
    return text


def _name(graph: Graph, term: Node) -> str:
    labels = _texts(graph, term, RDFS.label)
    return labels.get("en") or labels.get("da") or shorten_text(str(term))


def _texts(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {(getattr(o, "language", None) or ""): str(o) for o in graph.objects(subject, predicate)}


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef)})
