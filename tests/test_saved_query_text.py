"""A saved query's SPARQL over HTTP (in /api/queries, by Accept, as /queries/{name}.rq), what the forms offer for its
parameters (suggestions, the years the data holds), and a browser's link to /sparql?query=... sent to the page."""

import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import KG
from kraeftgraf.queries.header import expand_iri
from kraeftgraf.queries.saved import load_queries
from kraeftgraf.resources import resource_dir

from .endpoint_support import app_client

SETTINGS = EndpointSettings(workers=2, timeout=60)
ASK = "ASK { ?s a kg:Recommendation }"
# The Accept headers clients send, as they send them: Chromium 120+ and Firefox opening a link, curl, and SPARQLWrapper
# (read from SPARQLWrapper itself below, for its default, JSON and XML return formats).
CHROMIUM = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
            "application/signed-exchange;v=b3;q=0.7")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CURL = "*/*"


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, SETTINGS, origin="the embedded data") as client:
        yield client


@pytest.fixture(scope="module")
def listing(client: TestClient) -> dict[str, dict[str, Any]]:
    response = client.get("/api/queries")
    assert response.status_code == 200
    return {entry["name"]: entry for entry in response.json()}


def sparqlwrapper_accept(return_format: str | None) -> str:
    wrapper = SPARQLWrapper("http://localhost/sparql")
    wrapper.setQuery(ASK)
    if return_format is not None:
        wrapper.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        accept = wrapper._createRequest().get_header("Accept")
    assert isinstance(accept, str)
    return accept


def test_the_listing_gives_each_querys_sparql_as_its_file_holds_it(listing: dict[str, dict[str, Any]]) -> None:
    for path in resource_dir("queries").glob("*.rq"):
        assert listing[path.stem]["sparql"] == path.read_text(encoding="utf-8")


def test_the_query_api_gives_the_text_to_a_client_asking_for_sparql(client: TestClient) -> None:
    response = client.get("/api/queries/plan-items-by-theme", headers={"Accept": "application/sparql-query"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-query; charset=utf-8"
    assert response.text == (resource_dir("queries") / "plan-items-by-theme.rq").read_text(encoding="utf-8")


@pytest.mark.parametrize("accept", [CURL, "application/sparql-results+json", "text/csv"])
def test_the_query_api_still_runs_the_query_for_every_other_accept(client: TestClient, accept: str) -> None:
    response = client.get("/api/queries/plan-items-by-theme", headers={"Accept": accept})
    assert response.status_code == 200
    assert not response.headers["content-type"].startswith("application/sparql-query")
    assert "itemLabel" in response.text  # the query's variable, as a result's header names it


def test_a_rq_address_gives_the_querys_file(client: TestClient) -> None:
    response = client.get("/queries/initiatives-in-year.rq")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-query; charset=utf-8"
    assert response.text == (resource_dir("queries") / "initiatives-in-year.rq").read_text(encoding="utf-8")


def test_an_unknown_rq_address_is_404_naming_the_query_and_the_closest(client: TestClient) -> None:
    response = client.get("/queries/plan-items-by-thme.rq")
    assert response.status_code == 404
    assert "'plan-items-by-thme'" in response.text and "plan-items-by-theme" in response.text
    by_accept = client.get("/api/queries/nothing-like-it", headers={"Accept": "application/sparql-query"})
    assert by_accept.status_code == 404 and "'nothing-like-it'" in by_accept.json()["detail"]


def test_a_year_field_offers_the_years_the_data_holds(listing: dict[str, dict[str, Any]]) -> None:
    # initiatives-in-year asks for the years in kg:startYear and kg:completionYear: read them from the Turtle files
    data = Graph()
    for path in resource_dir("data").rglob("*.ttl"):
        data.parse(path, format="turtle")
    years = [int(year.toPython()) for prop in (KG.startYear, KG.completionYear)
             for year in data.objects(None, prop) if isinstance(year, Literal)]
    year = next(p for p in listing["initiatives-in-year"]["params"] if p["name"] == "year")
    assert year["range"] == {"min": min(years), "max": max(years)}
    assert "range" not in next(iter(listing["plan-items-by-theme"]["params"]))


def test_a_resource_field_suggests_the_headers_choices_labelled_in_both_languages(
        listing: dict[str, dict[str, Any]]) -> None:
    queries = load_queries()
    theme = next(p for p in listing["plan-items-by-theme"]["params"] if p["name"] == "theme")
    declared = queries["plan-items-by-theme"].parameter("theme").enumerate
    assert [s["value"] for s in theme["suggestions"]] == [str(expand_iri(v)) for v in declared]
    palliation = next(s for s in theme["suggestions"] if s["value"].endswith("/theme-palliation"))
    # ontology/themes.ttl line 91: rdfs:label "Palliation"@da , "Palliation"@en
    assert palliation["label"] == {"da": "Palliation", "en": "Palliation"}
    text = next(p for p in listing["search"]["params"] if p["name"] == "text")
    assert text["suggestions"] == []


@pytest.mark.parametrize("accept", [CHROMIUM, FIREFOX, "text/html"])
def test_a_browser_opening_a_sparql_link_is_sent_to_the_page_with_the_query(client: TestClient, accept: str) -> None:
    query = 'SELECT ?x WHERE { ?x a kg:Theme ; rdfs:label "Palliation"@da }'
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/"
    assert parse_qs(location.query) == {"query": [query]}


@pytest.mark.parametrize("accept", [
    CURL, sparqlwrapper_accept(None), sparqlwrapper_accept(JSON), sparqlwrapper_accept(XML), None,
    "application/sparql-results+json, text/html",  # a tie goes to the results
])
def test_sparql_clients_get_results_as_before(client: TestClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/sparql", params={"query": ASK}, headers=headers, follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+")
    assert "true" in response.text


def test_a_post_from_a_browser_form_is_answered_not_redirected(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": ASK}, headers={"Accept": CHROMIUM}, follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
