"""The ontology documents itself in Danish and English, and its schemes are well formed."""

import re
import tomllib

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kraeftgraf import resources
from kraeftgraf.graph.load import load_graph
from kraeftgraf.namespaces import ID, KG, ONTOLOGY_IRI

from .conftest import REPO


def _ontology() -> Graph:
    return load_graph(resources.ontology_files())


def _languages(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {getattr(o, "language", None) or "" for o in graph.objects(subject, predicate)}


def test_every_ontology_term_has_danish_and_english_label_and_definition() -> None:
    graph = _ontology()
    terms = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(KG))}
    assert len(terms) > 60
    missing = [
        (term, predicate)
        for term in sorted(terms)
        for predicate in (RDFS.label, SKOS.definition)
        if not {"da", "en"} <= _languages(graph, term, predicate)
    ]
    assert missing == []


def test_every_theme_and_status_concept_has_danish_and_english_labels() -> None:
    graph = _ontology()
    for scheme, cls in ((ID["scheme-themes"], KG.Theme), (ID["scheme-statuses"], KG.Status)):
        concepts = set(graph.subjects(SKOS.inScheme, scheme))
        assert concepts, scheme
        for concept in concepts:
            assert isinstance(concept, URIRef), concept
            assert (concept, RDF.type, cls) in graph
            assert {"da", "en"} <= _languages(graph, concept, SKOS.prefLabel), concept


def test_ontology_version_matches_the_package_version() -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    graph = _ontology()
    ontology = URIRef(ONTOLOGY_IRI)
    assert str(graph.value(ontology, OWL.versionInfo)) == version
    assert graph.value(ontology, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{version}")


def test_ontology_metadata_names_a_licence_and_an_organisation_as_creator() -> None:
    from rdflib.namespace import DCTERMS

    graph = _ontology()
    ontology = URIRef(ONTOLOGY_IRI)
    assert graph.value(ontology, DCTERMS.license) is not None
    creator = graph.value(ontology, DCTERMS.creator)
    assert (creator, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in graph


def test_recommendation_and_plan_point_share_one_superclass() -> None:
    # A Region Hovedstaden "anbefaling" and a Region Sjælland "punkt" must be found by one query.
    graph = _ontology()
    assert (KG.Recommendation, RDFS.subClassOf, KG.PlanItem) in graph
    assert (KG.PlanPoint, RDFS.subClassOf, KG.PlanItem) in graph


def test_late_effects_is_a_narrower_theme_of_follow_up() -> None:
    # 004: the follow-up plan covers "håndtering af senfølger"; late effects belong under follow-up.
    graph = _ontology()
    assert (ID["theme-late-effects"], SKOS.broader, ID["theme-follow-up"]) in graph
    assert (ID["theme-screening"], SKOS.broader, ID["theme-early-detection"]) in graph


def test_status_words_of_the_documents_normalise_to_top_concepts() -> None:
    # The words used in 001's Status column, each mapped to one of the small normalised set.
    graph = _ontology()
    expected = {
        "Implementeret": "implemented", "Etableret": "implemented", "Anvendes": "implemented",
        "Igangsat": "in-progress", "Igangværende": "in-progress", "Gennemført": "completed",
        "Offentliggjort": "completed", "Løbende": "ongoing", "Ikke relevant": "not-relevant",
    }
    statuses = set(graph.subjects(SKOS.inScheme, ID["scheme-statuses"]))
    by_label = {str(label): concept for concept, label in graph.subject_objects(SKOS.prefLabel)
                if getattr(label, "language", None) == "da" and concept in statuses}
    for word, normalised in expected.items():
        assert graph.value(by_label[word], KG.normalisesTo) == ID[f"status-{normalised}"], word


def test_instance_slugs_are_ascii_lowercase_with_hyphens() -> None:
    graph = load_graph([*resources.ontology_files(), *resources.data_files()])
    bad = {str(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))
           and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(s)[len(str(ID)):])}
    assert bad == set()
