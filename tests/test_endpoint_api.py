"""The saved-query API over the embedded data: the listing, running a query with parameters, OpenAPI, /docs."""

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib.query import Result

from kraeftgraf.endpoint import service as endpoint_service
from kraeftgraf.endpoint.app import create_app
from kraeftgraf.endpoint.service import EndpointService, start_service
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID, PREFIXES
from kraeftgraf.queries.saved import load_queries
from kraeftgraf.resources import resource_dir

from .endpoint_support import app_client, in_source

SETTINGS = EndpointSettings(workers=2, timeout=60)
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, SETTINGS, origin="the embedded data") as client:
        yield client


@pytest.fixture(scope="module")
def listing(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/api/queries")
    assert response.status_code == 200
    entries: list[dict[str, Any]] = response.json()
    return entries


def rows(response_json: dict[str, Any]) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in response_json["results"]["bindings"]]


def test_the_listing_has_every_saved_query_file_with_its_metadata(listing: list[dict[str, Any]]) -> None:
    files = {path.stem for path in resource_dir("queries").glob("*.rq")}
    assert {entry["name"] for entry in listing} == files
    assert [entry["name"] for entry in listing] == list(load_queries())
    for entry, query in zip(listing, load_queries().values(), strict=True):
        assert entry["summary"] == {"da": query.summary.da, "en": query.summary.en}
        assert entry["description"] == {"da": query.description.da, "en": query.description.en}
        assert entry["tags"] == list(query.tags)
        assert [p["name"] for p in entry["params"]] == [p.name for p in query.params]
        assert entry["path"] == f"api/queries/{query.name}"


def test_the_listing_offers_the_values_a_parameter_takes_with_their_labels(listing: list[dict[str, Any]]) -> None:
    entry = next(e for e in listing if e["name"] == "plan-items-by-theme")
    theme = next(p for p in entry["params"] if p["name"] == "theme")
    assert theme["type"] == "iri"
    labels = {choice["value"]: choice["label"] for choice in theme["choices"]}
    assert labels[str(ID["theme-late-effects"])] == "Senfølger"  # ontology/themes.ttl
    assert theme["default"] in labels


def test_a_saved_query_with_a_parameter_answers_from_the_documents(client: TestClient, sources_dir: Path) -> None:
    response = client.get("/api/queries/plan-items-by-theme", params={"theme": "id:theme-late-effects"},
                          headers=JSON_RESULTS)
    assert response.status_code == 200
    answer = rows(response.json())
    recommendation = [r for r in answer if r["item"] == str(ID["recommendation-hovedstaden-del-2-5"])
                      and r["document"] == str(ID["document-hovedstaden-kraeftplan-del-2-anbefalinger"])]
    assert recommendation and recommendation[0]["numberInDocument"] == "5"  # "Anbefaling 5" in 000_...txt
    assert in_source(recommendation[0]["quote"], sources_dir / "000_959267de805e99f3.txt")


def test_a_status_is_given_as_the_report_writes_it(client: TestClient, sources_dir: Path) -> None:
    response = client.get("/api/queries/recommendation-initiatives",
                          params={"item": str(ID["recommendation-hovedstaden-del-2-4"])}, headers=JSON_RESULTS)
    assert response.status_code == 200
    clinic = [r for r in rows(response.json()) if "senfølgeklinik" in r.get("initiativeLabel", "").lower()
              and "Hvidovre" in r.get("hospitalLabel", "")]
    assert clinic and {r["statusText"] for r in clinic} == {"Etableret"}
    assert in_source("senfølgeklinik på Hvidovre Hospital. Etableret", sources_dir / "001_1a32248d27a47157.txt")


@pytest.mark.parametrize(("media_type", "rdflib_format"), [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
])
def test_a_saved_query_answers_in_each_result_format(client: TestClient, media_type: str, rdflib_format: str) -> None:
    response = client.get("/api/queries/plan-items-by-theme", params={"theme": "id:theme-late-effects"},
                          headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    result = Result.parse(io.BytesIO(response.content), format=rdflib_format)
    assert str(ID["recommendation-hovedstaden-del-2-5"]) in {str(row[0]) for row in result}  # type: ignore[index]


def test_a_saved_query_in_a_format_that_does_not_fit_is_406(client: TestClient) -> None:
    response = client.get("/api/queries/plan-items-by-theme", headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert "text/csv" in response.json()["detail"]


def test_a_value_the_parameter_does_not_accept_is_400_naming_it_and_the_choices(client: TestClient) -> None:
    response = client.get("/api/queries/plan-items-by-theme", params={"theme": "id:theme-late-efects"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "Parameter 'theme'" in detail and "id:theme-late-effects" in detail


def test_a_number_parameter_refuses_text(client: TestClient) -> None:
    response = client.get("/api/queries/initiatives-in-year", params={"year": "soon"})
    assert response.status_code == 400
    assert "Parameter 'year'" in response.json()["detail"]


def test_an_unknown_parameter_is_400(client: TestClient) -> None:
    response = client.get("/api/queries/plan-items-by-theme", params={"colour": "red"})
    assert response.status_code == 400
    assert "no such parameter" in response.json()["detail"]


def test_a_parameter_given_twice_is_400(client: TestClient) -> None:
    response = client.get("/api/queries/plan-items-by-theme?theme=id:theme-palliation&theme=id:theme-screening")
    assert response.status_code == 400
    assert "more than once" in response.json()["detail"]


def test_an_unknown_query_is_404_and_suggests_the_closest_name(client: TestClient) -> None:
    response = client.get("/api/queries/plan-items-by-themes")
    assert response.status_code == 404
    assert "Did you mean 'plan-items-by-theme'?" in response.json()["detail"]


def test_openapi_shows_each_saved_query_as_its_own_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for query in load_queries().values():
        operation = document["paths"][f"/api/queries/{query.name}"]["get"]
        assert operation["operationId"] == f"query_{query.name}"
        assert operation["summary"] == query.summary.en
        assert query.description.en in operation["description"]
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        assert list(parameters) == [p.name for p in query.params]
        for param in query.params:
            assert parameters[param.name]["in"] == "query"
            assert parameters[param.name]["required"] is param.required
            assert parameters[param.name]["schema"].get("default") == param.default
        assert "text/csv" in operation["responses"]["200"]["content"]
    assert "/api/queries/{name}" not in document["paths"]


def test_the_api_docs_page_loads_everything_from_the_package(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "/openapi.json" in page.text


def test_the_prefixes_every_query_may_use_are_listed(client: TestClient) -> None:
    assert client.get("/api/prefixes").json() == PREFIXES


def test_graph_answers_use_the_projects_prefixes(client: TestClient) -> None:
    query = "CONSTRUCT { ?r a kg:Recommendation } WHERE { ?r a kg:Recommendation } LIMIT 3"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "@prefix kg: <https://w3id.org/kraeftgraf/vocab#>" in response.text


def test_create_app_without_a_service_serves_the_embedded_data_and_stops_its_workers(
        built: BuiltDataset, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[EndpointService] = []
    original_close = EndpointService.close

    def start_built(paths: object, *, settings: EndpointSettings) -> EndpointService:
        assert paths is None  # the embedded data, already built once for the session
        return start_service(built.dataset, settings=EndpointSettings(workers=1), origin="the embedded data")

    def close(service: EndpointService) -> None:
        closed.append(service)
        original_close(service)

    monkeypatch.setattr("kraeftgraf.endpoint.app.start_built", start_built)
    monkeypatch.setattr(endpoint_service.EndpointService, "close", close)
    with TestClient(create_app()) as client:
        response = client.get("/sparql", params={"query": "ASK { ?r a kg:Recommendation }"})
        assert response.json()["boolean"] is True
        assert not closed
    assert len(closed) == 1
