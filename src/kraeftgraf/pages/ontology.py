"""The ontology as a readable page: classes, properties and concept schemes, in Danish and English."""

from collections import defaultdict
from collections.abc import Iterable
from html import escape

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ..namespaces import ID, KG, ONTOLOGY_IRI, PREFIXES
from .common import LANGUAGES, lang_suffix, page, resource_href, shorten_text
from .texts import other_language, say

_SECTIONS = (
    ("classes", "ontology.classes", OWL.Class),
    ("object-properties", "ontology.objectProperties", OWL.ObjectProperty),
    ("datatype-properties", "ontology.datatypeProperties", OWL.DatatypeProperty),
)


def render_ontology(graph: Graph, *, root: str, lang: str = "da") -> str:
    """The ontology page in `lang`: metadata, then every class, property and concept scheme with its labels and
    definitions in both languages, the chosen one first and naming each term."""
    ontology = URIRef(ONTOLOGY_IRI)
    titles = _texts(graph, ontology, DCTERMS.title)
    title = titles.get(lang) or titles.get(other_language(lang)) or say("ontology.title", lang)
    parts = [f"<h1>{escape(title)}</h1>", _metadata(graph, ontology, lang=lang)]
    toc = [f'<li><a href="#{anchor}">{escape(say(key, lang))}</a></li>' for anchor, key, _ in _SECTIONS]
    toc.append(f'<li><a href="#schemes">{escape(say("ontology.schemes", lang))}</a></li>')
    parts.append(f'<nav class="toc"><ul>{"".join(toc)}</ul></nav>')
    for anchor, key, kind in _SECTIONS:
        terms = sorted((t for t in graph.subjects(RDF.type, kind) if _is_own(t)),
                       key=lambda t: _name(graph, t, lang).lower())
        parts.append(f'<section id="{anchor}"><h2>{escape(say(key, lang))}</h2>'
                     + "".join(_term(graph, t, root=root, lang=lang) for t in terms) + "</section>")
    parts.append(f'<section id="schemes"><h2>{escape(say("ontology.schemes", lang))}</h2>'
                 + "".join(_scheme(graph, s, root=root, lang=lang)
                           for s in _iris(graph.subjects(RDF.type, SKOS.ConceptScheme)))
                 + "</section>")
    alternates = {code: f"{root}/ontology{lang_suffix(code)}" for code in LANGUAGES}
    return page(title, '<article class="ontology">' + "\n".join(parts) + "</article>", root=root, lang=lang,
                alternates=alternates)


def _in_order(lang: str) -> tuple[str, str]:
    """The two languages, the chosen one first."""
    return lang, other_language(lang)


def _metadata(graph: Graph, ontology: URIRef, *, lang: str) -> str:
    rows = [("IRI", f"<code>{escape(ONTOLOGY_IRI)}</code>"),
            (say("ontology.namespace", lang),
             f"<code>{escape(str(KG))}</code> ({say('ontology.prefix', lang)} <code>kg:</code>)")]
    for predicate, key in ((OWL.versionInfo, "ontology.version"), (DCTERMS.license, "ontology.license")):
        value = graph.value(ontology, predicate)
        if value is not None:
            rows.append((say(key, lang), _external(value) if isinstance(value, URIRef) else escape(str(value))))
    for predicate, key in ((DCTERMS.description, "ontology.description"), (RDFS.comment, "ontology.citing")):
        texts = _texts(graph, ontology, predicate)
        for code in _in_order(lang):
            if code in texts:
                rows.append((say(key, lang, code=code), f'<span lang="{code}">{escape(texts[code])}</span>'))
    rows.append((say("ontology.download", lang),
                 '<a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a>'
                 ' · <a href="?format=rdfxml">RDF/XML</a>'))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="statements"><tbody>{body}</tbody></table>'


def _term(graph: Graph, term: Node, *, root: str, lang: str) -> str:
    anchor = _anchor(term)
    labels = _texts(graph, term, RDFS.label)
    heading = escape(_name(graph, term, lang))
    rows = [("IRI", f"<code>{escape(str(term))}</code>")]
    for code in _in_order(lang):
        if code in labels:
            rows.append((say("ontology.label", lang, code=code), f'<span lang="{code}">{escape(labels[code])}</span>'))
    for predicate, key in ((SKOS.definition, "ontology.definition"), (SKOS.example, "ontology.example")):
        texts = _texts(graph, term, predicate)
        for code in _in_order(lang):
            if code in texts:
                rows.append((say(key, lang, code=code), f'<span lang="{code}">{escape(texts[code])}</span>'))
    for predicate, key in ((RDFS.subClassOf, "ontology.subClassOf"), (RDFS.subPropertyOf, "ontology.subPropertyOf"),
                           (RDFS.domain, "ontology.domain"), (RDFS.range, "ontology.range"),
                           (OWL.inverseOf, "ontology.inverseOf")):
        targets = _iris(graph.objects(term, predicate))
        if targets:
            rows.append((say(key, lang), ", ".join(_term_link(graph, t, root=root, lang=lang) for t in targets)))
    for predicate, key in ((RDFS.subClassOf, "ontology.subclasses"), (RDFS.domain, "ontology.withDomain")):
        sources = [s for s in _iris(graph.subjects(predicate, term)) if _is_own(s)]
        if sources:
            rows.append((say(key, lang), ", ".join(_term_link(graph, s, root=root, lang=lang) for s in sources)))
    if (term, OWL.deprecated, None) in graph:
        rows.append((say("ontology.deprecated", lang), say("ontology.yes", lang)))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (f'<div class="term" id="{escape(anchor)}"><h3 lang="{lang if lang in labels else other_language(lang)}">'
            f'{heading}</h3><table class="statements"><tbody>{body}</tbody></table></div>')


def _scheme(graph: Graph, scheme: Node, *, root: str, lang: str) -> str:
    labels = _texts(graph, scheme, RDFS.label) or _texts(graph, scheme, SKOS.prefLabel)
    heading = " · ".join(escape(labels[code]) for code in _in_order(lang) if code in labels)
    scheme_definitions = _texts(graph, scheme, SKOS.definition)
    definitions = "".join(f'<p lang="{code}">{escape(scheme_definitions[code])}</p>'
                          for code in _in_order(lang) if code in scheme_definitions)
    concepts = set(graph.subjects(SKOS.inScheme, scheme))
    children: dict[Node, list[Node]] = defaultdict(list)
    for concept in concepts:
        for broader in graph.objects(concept, SKOS.broader):
            if broader in concepts:
                children[broader].append(concept)
    tops = [c for c in concepts if not any(b in concepts for b in graph.objects(c, SKOS.broader))]

    def tree(nodes: list[Node]) -> str:
        items = []
        for concept in sorted(nodes, key=lambda c: _name(graph, c, lang).lower()):
            concept_labels = _texts(graph, concept, SKOS.prefLabel) or _texts(graph, concept, RDFS.label)
            names = " · ".join(f'<span lang="{code}">{escape(concept_labels[code])}</span>'
                               for code in _in_order(lang) if code in concept_labels)
            definition = _texts(graph, concept, SKOS.definition)
            text = " ".join(f'<span class="definition" lang="{code}">{escape(definition[code])}</span>'
                            for code in _in_order(lang) if code in definition)
            href = resource_href(str(concept), root=root, lang=lang)
            nested = tree(children[concept]) if children[concept] else ""
            items.append(f'<li id="{escape(_anchor(concept))}"><a href="{escape(href)}">{names}</a> '
                         f"<code>{escape(shorten_text(str(concept)))}</code><br>{text}{nested}</li>")
        return f'<ul class="concepts">{"".join(items)}</ul>'

    return (f'<div class="scheme" id="{escape(_anchor(scheme))}"><h3>{heading}</h3>{definitions}'
            f"{tree(tops)}</div>")


def _term_link(graph: Graph, term: Node, *, root: str, lang: str) -> str:
    if _is_own(term):
        return f'<a href="#{escape(_anchor(term))}">{escape(_name(graph, term, lang))}</a>'
    if isinstance(term, URIRef) and str(term).startswith(str(ID)):
        return (f'<a href="{escape(resource_href(str(term), root=root, lang=lang))}">'
                f"{escape(_name(graph, term, lang))}</a>")
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


def _name(graph: Graph, term: Node, lang: str) -> str:
    """The term's rdfs:label (or skos:prefLabel) in `lang`, else in the other language, else its prefixed name."""
    labels = _texts(graph, term, RDFS.label) or _texts(graph, term, SKOS.prefLabel)
    return labels.get(lang) or labels.get(other_language(lang)) or shorten_text(str(term))


def _texts(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {(getattr(o, "language", None) or ""): str(o) for o in graph.objects(subject, predicate)}


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef)})
