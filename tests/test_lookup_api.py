"""GET /api/lookup: resources by the start of the words of their labels (the page's IRI fields, the editor's
completion). Expected answers come from the data files and ontology, read with rdflib, never from the lookup."""

import re
from collections.abc import Iterator
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, URIRef
from rdflib.query import ResultRow

from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.graph.quotes import fold
from kraeftgraf.namespaces import ID, KG, PREFIXES
from kraeftgraf.search.labels import MAX_LIMIT, MAX_TEXT

from .endpoint_support import app_client

SETTINGS = EndpointSettings(workers=1, timeout=60)


@pytest.fixture(scope="module")
def dataset(built: BuiltDataset) -> Dataset:
    return built.require_valid().dataset


@pytest.fixture(scope="module")
def client(dataset: Dataset) -> Iterator[TestClient]:
    with app_client(dataset, SETTINGS, origin="the embedded data") as client:
        yield client


def lookup(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/api/lookup", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    found: list[dict[str, Any]] = response.json()
    return found


def labels_of(dataset: Dataset, iri: str) -> set[str]:
    query = "SELECT ?label WHERE { ?thing rdfs:label|skos:prefLabel|skos:altLabel ?label }"
    rows = dataset.query(query, initNs=PREFIXES, initBindings={"thing": URIRef(iri)})
    return {str(cast(ResultRow, row)[0]) for row in rows}


def test_the_start_of_a_word_finds_the_theme_first_with_its_class_named_in_the_language_asked_for(
        client: TestClient, dataset: Dataset) -> None:
    # data/ttl: the theme scheme's concept theme-palliation, prefLabel "Palliation"@da; the ontology's kg:Theme is
    # "Tema"@da and "Theme"@en.
    found = lookup(client, text="pall")
    assert found[0]["iri"] == f"{ID}theme-palliation"
    assert found[0]["label"] == "Palliation" and found[0]["lang"] == "da"
    assert found[0]["class"] == f"{KG}Theme" and found[0]["classLabel"] == "Tema"
    assert lookup(client, text="pall", lang="en")[0]["classLabel"] == "Theme"


def test_every_word_typed_begins_a_word_of_one_label_of_each_resource_found(
        client: TestClient, dataset: Dataset) -> None:
    found = lookup(client, text="tidlig ops", limit="100")
    assert f"{ID}theme-early-detection" in [item["iri"] for item in found]  # "Tidlig opsporing"
    for item in found:
        words_of = [re.findall(r"\w+", fold(label)) for label in labels_of(dataset, item["iri"])]
        assert any(any(w.startswith("tidlig") for w in words) and any(w.startswith("ops") for w in words)
                   for words in words_of), item


def test_case_accents_and_danish_letters_spelt_out_are_ignored(client: TestClient) -> None:
    first = [lookup(client, text=text)[0]["iri"] for text in ("pårør", "PÅRØR", "paaroer")]
    assert first[0] == first[1] == first[2] == f"{ID}theme-relatives"  # "Pårørende"


def test_a_class_keeps_its_instances_and_those_of_its_subclasses(client: TestClient, dataset: Dataset) -> None:
    query = """SELECT DISTINCT ?thing WHERE { ?thing a/rdfs:subClassOf* kg:Plan ;
                                               rdfs:label|skos:prefLabel|skos:altLabel ?label }"""
    expected = {str(cast(ResultRow, row)[0]) for row in dataset.query(query, initNs=PREFIXES)}
    assert len(expected) > 1
    found = lookup(client, text="", **{"class": "kg:Plan"}, limit=str(MAX_LIMIT))
    assert {item["iri"] for item in found} == expected
    assert lookup(client, text="", **{"class": f"{KG}Plan"}, limit=str(MAX_LIMIT)) == found


def test_nothing_matching_is_an_empty_list_not_an_error(client: TestClient) -> None:
    assert lookup(client, text="zzzqqx") == []


@pytest.mark.parametrize(("params", "named"), [
    ({"text": "x", "lang": "fr"}, "lang="),
    ({"text": "x", "limit": "0"}, "limit="),
    ({"text": "x", "limit": str(MAX_LIMIT + 1)}, "limit="),
    ({"text": "x", "limit": "²"}, "limit="),
    ({"text": "x" * (MAX_TEXT + 1)}, "text="),
    ({"text": "x", "class": "not an iri"}, "class"),
    ({"txt": "x"}, "txt="),
])
def test_bad_parameters_get_a_400_naming_them(client: TestClient, params: dict[str, str], named: str) -> None:
    response = client.get("/api/lookup", params=params)
    assert response.status_code == 400, response.text
    assert named in response.text
