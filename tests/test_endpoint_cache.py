"""Answers kept per dataset version, with weak ETags and 304 Not Modified (RFC 9110, sections 8.8.3 and 13.1.2)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kraeftgraf.endpoint.cache import AnswerCache, matches
from kraeftgraf.endpoint.jobs import SparqlJob
from kraeftgraf.endpoint.service import start_files
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.endpoint.workers import Answer

from .endpoint_support import EX, PROTOCOL_DATA, app_client, load_protocol_dataset, service_client

SETTINGS = EndpointSettings(workers=1, max_rows=5)
JSON = {"Accept": "application/sparql-results+json"}
QUERY = f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }}"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client(load_protocol_dataset(), SETTINGS) as client:
        yield client


def test_a_repeated_query_has_the_same_etag_and_the_same_answer(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": QUERY}, headers=JSON)
    second = client.get("/sparql", params={"query": QUERY}, headers=JSON)
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"].startswith('W/"')
    assert second.headers["etag"] == first.headers["etag"]
    assert second.content == first.content
    assert first.headers["cache-control"] == "no-cache"


def test_if_none_match_with_the_current_etag_is_304_without_a_body(client: TestClient) -> None:
    etag = client.get("/sparql", params={"query": QUERY}, headers=JSON).headers["etag"]
    again = client.get("/sparql", params={"query": QUERY}, headers={**JSON, "If-None-Match": f'"other", {etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get("/sparql", params={"query": QUERY}, headers={**JSON, "If-None-Match": 'W/"stale"'})
    assert stale.status_code == 200


def test_the_etag_names_the_representation_so_it_differs_by_query_and_by_accept(client: TestClient) -> None:
    json_tag = client.get("/sparql", params={"query": QUERY}, headers=JSON).headers["etag"]
    csv_tag = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"}).headers["etag"]
    other_tag = client.get("/sparql", params={"query": QUERY + " LIMIT 1"}, headers=JSON).headers["etag"]
    assert len({json_tag, csv_tag, other_tag}) == 3


def test_saved_queries_and_the_listing_carry_etags(client: TestClient) -> None:
    listing = client.get("/api/queries")
    assert listing.status_code == 200 and listing.headers["etag"]
    answer = client.get("/api/queries/plans-and-documents", headers=JSON)
    assert answer.status_code == 200
    revalidated = client.get("/api/queries/plans-and-documents",
                             headers={**JSON, "If-None-Match": answer.headers["etag"]})
    assert revalidated.status_code == 304


def test_a_post_gets_no_etag_and_a_conditional_post_is_answered_in_full(client: TestClient) -> None:
    response = client.post("/sparql", content=QUERY, headers={**JSON, "Content-Type": "application/sparql-query",
                                                               "If-None-Match": "*"})
    assert response.status_code == 200
    assert "etag" not in response.headers


def test_an_error_is_never_kept(client: TestClient) -> None:
    too_many = "SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }}"  # more than max_rows=5 rows
    for _ in range(2):
        response = client.get("/sparql", params={"query": too_many}, headers=JSON)
        assert response.status_code == 422
        assert "etag" not in response.headers


def test_with_no_cache_memory_there_are_no_etags() -> None:
    with app_client(load_protocol_dataset(), EndpointSettings(workers=1, cache_mb=0)) as client:
        response = client.get("/sparql", params={"query": QUERY}, headers=JSON)
    assert response.status_code == 200
    assert "etag" not in response.headers


def _etag_served_from(files: list[Path]) -> str:
    service = start_files(files, settings=SETTINGS)
    try:
        with service_client(service) as client:
            return client.get("/sparql", params={"query": QUERY}, headers=JSON).headers["etag"]
    finally:
        service.close()


def test_replicas_serving_the_same_file_agree_on_etags_and_other_data_does_not(tmp_path: Path) -> None:
    # A load balancer may send the revalidation to another replica: equal data must give equal tags.
    assert _etag_served_from([PROTOCOL_DATA]) == _etag_served_from([PROTOCOL_DATA])
    changed = tmp_path / PROTOCOL_DATA.name
    changed.write_bytes(PROTOCOL_DATA.read_bytes() + b"\n# one more line\n")
    assert _etag_served_from([changed]) != _etag_served_from([PROTOCOL_DATA])


def _answer(size: int) -> Answer:
    return Answer("text/plain", b"x" * size)


def test_the_cache_drops_the_least_recently_used_answers_to_stay_within_its_bytes() -> None:
    cache = AnswerCache("v1", max_bytes=100)
    tags = [cache.etag(SparqlJob(query=f"ASK {{ }} # {n}", dataset=None, accept=None)) for n in range(3)]
    assert all(tags)
    first, second, third = (tag or "" for tag in tags)
    cache.put(first, _answer(40))
    cache.put(second, _answer(40))
    assert cache.get(first) is not None  # now the most recently used
    cache.put(third, _answer(40))  # 120 bytes: the least recently used (second) goes
    assert cache.get(second) is None
    assert cache.get(first) is not None and cache.get(third) is not None
    cache.put("too big", _answer(101))
    assert cache.get("too big") is None


def test_without_a_dataset_version_nothing_is_kept() -> None:
    cache = AnswerCache(None, max_bytes=100)
    assert cache.etag(SparqlJob(query="ASK {}", dataset=None, accept=None)) is None


@pytest.mark.parametrize(("header", "expected"), [
    ('W/"abc"', True), ('"abc"', True), ('"x", W/"abc"', True), ("*", True), ('"abcd"', False), ("", False),
])
def test_if_none_match_uses_the_weak_comparison(header: str, expected: bool) -> None:
    assert matches(header, 'W/"abc"') is expected



def test_only_get_answers_are_kept_so_one_off_posts_cannot_push_them_out(client: TestClient) -> None:
    answers = client.app.state.service.answers  # type: ignore[attr-defined]
    query = f"ASK {{ <{EX}a> ?p ?o }}"
    hits_before = answers.hits
    for _ in range(2):
        assert client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"}).is_success
    assert answers.hits == hits_before
    for _ in range(2):
        assert client.get("/sparql", params={"query": query}).is_success
    assert answers.hits == hits_before + 1
