"""Inference adds what the ontology implies, and exactly what owlrl's full OWL RL closure adds about the data."""

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kraeftgraf import resources
from kraeftgraf.graph.inference import expand, owlrl_expand
from kraeftgraf.graph.load import load_graph
from kraeftgraf.namespaces import ID, KG, ORG

from .conftest import TESTS

SAMPLE = TESTS / "data" / "inference-sample.ttl"


def _ontology() -> Graph:
    return load_graph(resources.ontology_files())


def _data(*extra: object) -> Graph:
    reference = [p for p in resources.data_files() if p.name.startswith("reference-")]
    return load_graph([*reference, SAMPLE])


def _about_the_data(graph: Graph, ontology: Graph) -> set[tuple[object, object, object]]:
    """Triples whose subject is not a class or property of the ontology (the ABox)."""
    schema_terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and "/vocab#" in str(s)}
    schema_terms |= {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)
                     and str(s).startswith(("http://www.w3.org/", "http://purl.org/"))}
    return {t for t in graph if t[0] not in schema_terms and not str(t[0]).startswith("http://www.w3.org/")
            and not str(t[0]).startswith("http://purl.org/")}


def test_fast_inference_gives_the_same_facts_about_the_data_as_owlrl() -> None:
    ontology = _ontology()
    data = load_graph(resources.data_files())
    assert _about_the_data(expand(data, ontology), ontology) == _about_the_data(owlrl_expand(data, ontology), ontology)


def test_fast_inference_matches_owlrl_on_a_sample_using_every_axiom_kind() -> None:
    ontology = _ontology()
    data = _data()
    fast = _about_the_data(expand(data, ontology), ontology)
    assert fast == _about_the_data(owlrl_expand(data, ontology), ontology)
    assert fast  # the sample does entail something


def test_a_late_effects_recommendation_also_addresses_follow_up() -> None:
    inferred = expand(_data(), _ontology())
    assert (ID["sample-recommendation"], KG.addressesTheme, ID["theme-follow-up"]) in inferred


def test_a_status_claim_gets_its_normalised_status() -> None:
    inferred = expand(_data(), _ontology())
    claims = list(inferred.subjects(KG.normalisedStatus, ID["status-implemented"]))
    assert len(claims) == 1


def test_inverse_and_sub_properties_are_materialised() -> None:
    inferred = expand(_data(), _ontology())
    assert (ID["sample-recommendation"], KG.implementedBy, ID["sample-initiative"]) in inferred
    assert (ID["sample-initiative"], KG.involvesOrganisation, ID["hospital-rigshospitalet"]) in inferred
    assert (ID["hospital-rigshospitalet"], ORG.hasUnit, ID["sample-department"]) in inferred


def test_a_municipal_partner_puts_the_initiative_in_cross_sector_work() -> None:
    inferred = expand(_data(), _ontology())
    assert (ID["sample-initiative"], KG.involvesSector, ID["sector-municipalities"]) in inferred
    assert (ID["sample-department"], RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in inferred
