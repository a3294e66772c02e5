"""The endpoint's limits: query length, body size, result rows, memory; CORS; malformed input is never a 500."""

import socket
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from kraeftgraf.endpoint.problems import problem_for
from kraeftgraf.endpoint.service import start_service
from kraeftgraf.endpoint.settings import EndpointSettings, describe_settings, settings_from
from kraeftgraf.errors import QueryTimeoutError, ServerBusyError, SettingError

from .endpoint_support import app_client, load_protocol_dataset, service_client, without_fault_handler

LIMITS = EndpointSettings(workers=2, timeout=10, max_query_length=2000, max_rows=5, max_body=2048,
                          memory_limit_mb=64)
DIRECT = {"Content-Type": "application/sparql-query"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client(load_protocol_dataset(), LIMITS) as client:
        yield client


def padded(query: str, length: int) -> str:
    """The query followed by a comment, to exactly `length` characters."""
    return query + "\n#" + "x" * (length - len(query) - 2)


def test_a_query_at_the_length_limit_runs_and_one_character_more_is_413(client: TestClient) -> None:
    assert client.post("/sparql", content=padded("ASK {}", 2000), headers=DIRECT).status_code == 200
    response = client.get("/sparql", params={"query": padded("ASK {}", 2001)})
    assert response.status_code == 413
    assert "2001 characters" in response.text and "at most 2000" in response.text


def test_a_body_over_the_limit_is_413_by_its_content_length(client: TestClient) -> None:
    body = urlencode({"query": "ASK {}", "padding": "x" * 3000})  # over 2048 bytes, though the query is short
    response = client.post("/sparql", content=body, headers=FORM)
    assert response.status_code == 413
    assert "larger than 2048 bytes" in response.text


def test_a_streamed_body_over_the_limit_is_413_too(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"query=ASK%20%7B%7D&padding="
        for _ in range(10):
            yield b"x" * 500

    response = client.post("/sparql", content=chunks(), headers=FORM)
    assert response.status_code == 413


def test_an_answer_over_the_row_limit_is_422_and_says_how_to_page(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert "more than 5 rows" in response.text and "LIMIT and OFFSET" in response.text
    assert "at most 5 (--max-rows)" in response.text
    assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}).status_code == 200


CARTESIAN = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r"  # 13 triples to the 6th: 4.8 million


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_a_huge_answer_stops_at_the_row_limit_without_being_built_whole(client: TestClient, accept: str) -> None:
    # Written whole, this answer would take gigabytes, far past the 64 MB a worker may use: it must be stopped
    # for its rows, not for its memory.
    response = client.get("/sparql", params={"query": f"SELECT * WHERE {{ {CARTESIAN} }}"}, headers={"Accept": accept})
    assert response.status_code == 422
    assert "more than 5 rows" in response.text and "memory" not in response.text


def test_a_huge_graph_stops_at_the_triple_limit_without_being_built_whole(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"CONSTRUCT {{ ?a ?b ?f . ?d ?e ?r }} WHERE {{ {CARTESIAN} }}"})
    assert response.status_code == 422
    assert "more than 5 triples" in response.text and "memory" not in response.text


def test_the_reference_engine_stops_a_huge_select_answer_at_the_row_limit_too() -> None:
    # (rdflib builds a CONSTRUCT answer whole before it yields a triple: there the time and memory limits act.)
    service = start_service(load_protocol_dataset(), settings=LIMITS, origin="test data", engine="rdflib")
    try:
        with service_client(service) as rdflib_client:
            response = rdflib_client.get("/sparql", params={"query": f"SELECT * WHERE {{ {CARTESIAN} }}"})
            assert response.status_code == 422, response.text
            assert "more than 5 rows" in response.text
    finally:
        service.close()


def test_a_graph_over_the_limit_is_422_counting_triples(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert "more than 5 triples" in response.text


RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r . "
           "?s ?t ?u }")  # 13**7 combinations of the 13 triples: far longer than a second


def test_a_query_stopped_at_the_time_limit_is_503_with_retry_after_naming_the_limit() -> None:
    with app_client(load_protocol_dataset(), EndpointSettings(workers=1, timeout=1)) as client:
        response = client.get("/sparql", params={"query": RUNAWAY})
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 1
        assert "time limit of 1 s (--timeout)" in response.text
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # the worker was replaced


def test_all_workers_busy_is_503_with_retry_after_too() -> None:
    busy = problem_for(ServerBusyError(2, 2.5))
    assert busy.status == 503
    assert int(busy.headers["Retry-After"]) >= 1
    assert "All 2 query workers" in busy.message
    stopped = problem_for(QueryTimeoutError(0.2))
    assert stopped.status == 503 and int(stopped.headers["Retry-After"]) >= 1  # a whole number of seconds


def test_a_query_that_needs_too_much_memory_is_stopped_with_422_and_the_worker_is_replaced() -> None:
    # A text that doubles 25 times: 10 characters become 335 million, far beyond the 64 MB allowed.
    doublings = "".join(f"BIND(CONCAT(?s{n}, ?s{n}) AS ?s{n + 1}) " for n in range(25))
    query = f'SELECT (STRLEN(?s25) AS ?length) WHERE {{ BIND("0123456789" AS ?s0) {doublings}}}'
    # The worker is expected to abort when Oxigraph's allocation fails: its workers start without pytest's
    # fault handler, so that the expected abort prints no "Fatal Python error" and a real crash elsewhere stands out.
    with without_fault_handler(), app_client(load_protocol_dataset(), LIMITS) as client:
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 422
        assert "memory" in response.text and "64 MB, --memory-limit-mb" in response.text  # which limit, its value
        for _ in range(3):  # every worker still answers
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(("origin", "allowed"), [("https://notebook.example", True), ("https://other.example", False)])
def test_cors_lets_the_configured_origins_query(origin: str, allowed: bool) -> None:
    settings = EndpointSettings(workers=1, cors_origins=("https://notebook.example",))
    with app_client(load_protocol_dataset(), settings) as client:
        response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": origin})
        assert response.status_code == 200
        assert response.headers.get("access-control-allow-origin") == (origin if allowed else None)
        preflight = client.options("/sparql", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert (preflight.status_code == 200) is allowed


def test_by_default_any_origin_may_query(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}", headers={**DIRECT, "Origin": "https://lab.example"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_no_cors_headers_when_no_origin_is_configured() -> None:
    with app_client(load_protocol_dataset(), EndpointSettings(workers=1, cors_origins=())) as client:
        response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://lab.example"})
        assert "access-control-allow-origin" not in response.headers


# (method, URL, headers, body, the status the protocol or the endpoint's own rules call for)
MALFORMED: list[tuple[str, str, dict[str, str], bytes | None, int]] = [
    ("GET", "/sparql?query=%FF%FE%00", {}, None, 400),  # not UTF-8, then a NUL: no SPARQL token
    ("GET", "/sparql?query=" + "(" * 2000, {}, None, 400),  # no query form, and no end to the brackets
    ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20FILTER(1%2F0)%20%7D", {}, None, 200),
    ("GET", "/sparql?query=SELECT%20(1%2F0%20AS%20%3Fx)%20%7B%7D", {}, None, 200),  # an error leaves ?x unbound
    ("GET", "/sparql?query=SELECT%20*%20%7B%20BIND(%3Cnot%20an%20iri%3E%20AS%20%3Fx)%20%7D", {}, None, 400),
    ("GET", "/sparql?query=ASK%7B%7D", {"Accept": ";;;,/,q=x;q=nan,*/*;q=-1"}, None, 406),  # q=-1 counts as 0
    ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "*/*;q=0"}, None, 406),  # q=0: "not acceptable" (RFC 9110)
    ("GET", "/sparql?default-graph-uri=%00", {}, None, 400),  # a dataset but no query
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=" + "%FF" * 10, {}, None, 400),  # not a graph of ours
    ("POST", "/sparql", FORM, b"\xff\xfe\x00garbage", 400),
    ("POST", "/sparql", FORM, b"query=%ZZ&&==", 400),
    ("POST", "/sparql", DIRECT, b"\x00\x01\x02", 400),
    ("POST", "/sparql", DIRECT, b"SELECT * WHERE { ?s ?p ?o } ORDER BY", 400),
    ("POST", "/sparql", DIRECT, b"SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999", 400),
    ("POST", "/sparql", {"Content-Type": "multipart/form-data; boundary=x"}, b"--x\r\n\r\nASK{}\r\n--x--", 400),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query; charset"}, b"ASK {}", 400),
    ("POST", "/sparql", {"Content-Type": "application/json"}, b'{"query": "ASK {}"}', 400),
    ("POST", "/sparql", {"Content-Length": "-5", **DIRECT}, b"", 400),  # no length at all, not a large one
    ("GET", "/resource/%00%FF", {}, None, 404),
    ("GET", "/resource/..%2F..%2Fetc%2Fpasswd", {}, None, 404),
    ("GET", "/resource?iri=", {}, None, 400),
    ("GET", "/resource?iri=javascript:alert(1)", {}, None, 404),  # an absolute IRI the data says nothing about
    ("GET", "/resource?iri=http://example.org/%3E%20%7B%7D", {}, None, 400),
    ("GET", "/resource/x?format=exe", {}, None, 400),
    ("GET", "/resource/x?lang=xx", {}, None, 400),
    ("GET", "/ontology?format=%00", {}, None, 400),
    ("GET", "/api/queries/%2E%2E", {}, None, 404),
    ("GET", "/static/..%2F..%2Fendpoint.py", {}, None, 404),
    ("GET", "/nowhere", {}, None, 404),
]


@pytest.mark.parametrize(("method", "url", "headers", "body", "status"), MALFORMED,
                         ids=[m[1][:60] for m in MALFORMED])
def test_malformed_input_gets_the_4xx_it_calls_for_with_a_message_never_a_500(
        client: TestClient, method: str, url: str, headers: dict[str, str], body: bytes | None, status: int) -> None:
    response = client.request(method, url, headers=headers, content=body)
    assert response.status_code == status, response.text
    if status >= 400:
        assert response.text.strip()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ ?s ?p ?o OPTIONAL {{ service silent <{url}> {{ ?s ?q ?r }} }} }}",
    "# a comment line\nASK {{ {{ SELECT * WHERE {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }} }} }}",
])
def test_the_default_engine_never_calls_a_service_even_one_that_listens(client: TestClient, template: str) -> None:
    # Oxigraph, unlike rdflib, has its own HTTP client for SERVICE, out of reach of the sealed process's hook.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(0.5)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        response = client.get("/sparql", params={"query": template.format(url=url)})
        assert response.status_code == 400, response.text
        assert "does not call other SPARQL services" in response.text
        with pytest.raises(TimeoutError):
            listener.accept()


def test_settings_come_from_defaults_then_environment_then_options() -> None:
    environment = {"KRAEFTGRAF_TIMEOUT": "2.5", "KRAEFTGRAF_MAX_ROWS": "100",
                   "KRAEFTGRAF_CORS_ORIGINS": "https://a.example, https://b.example"}
    settings = settings_from(environment, max_rows=7, workers=None)
    assert settings.timeout == 2.5
    assert settings.max_rows == 7
    assert settings.workers == EndpointSettings().workers
    assert settings.cors_origins == ("https://a.example", "https://b.example")


def test_a_setting_that_cannot_work_is_an_error_naming_it() -> None:
    with pytest.raises(SettingError, match="KRAEFTGRAF_TIMEOUT='soon': expected a number of seconds"):
        settings_from({"KRAEFTGRAF_TIMEOUT": "soon"})
    with pytest.raises(SettingError, match="workers"):
        settings_from({}, workers=0)


def test_the_base_url_setting_is_an_absolute_http_url_without_a_trailing_slash() -> None:
    settings = settings_from({"KRAEFTGRAF_BASE_URL": "https://kraeftgraf.example.org/"})
    assert settings.base_url == "https://kraeftgraf.example.org"
    assert settings_from({}, base_url="http://127.0.0.1:8080/kraeftgraf/").base_url == "http://127.0.0.1:8080/kraeftgraf"
    assert EndpointSettings().base_url is None  # the listening address, filled in when serving


@pytest.mark.parametrize("url", ["ftp://kraeftgraf.example.org", "https://kraeftgraf.example.org/?x=1",
                                 "https://kraeftgraf.example.org/#top", "/kraeftgraf", "kraeftgraf.example.org",
                                 "http://[::1", "http://kraeftgraf.example.org:port", "https://", "http://a b.org"])
def test_a_base_url_that_cannot_be_the_endpoints_address_is_an_error_naming_the_option(url: str) -> None:
    with pytest.raises(SettingError, match="--base-url"):
        settings_from({}, base_url=url)
    with pytest.raises(SettingError, match="--base-url"):
        settings_from({"KRAEFTGRAF_BASE_URL": url})


def test_every_setting_is_an_option_of_serve_and_is_documented_in_the_readme() -> None:
    import subprocess
    import sys

    from .conftest import REPO

    usage = subprocess.run([sys.executable, "-m", "kraeftgraf", "serve", "--help"], capture_output=True, text=True,
                           check=True).stdout
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for option, variable, _default in describe_settings():
        assert option in usage, option
        assert f"`{option}" in readme, f"README.md does not document {option}"
        assert variable.startswith("KRAEFTGRAF_") and variable[len("KRAEFTGRAF_"):] == option[2:].replace(
            "-", "_").upper()


def test_a_refused_request_still_tells_a_page_on_another_origin_why(client: TestClient) -> None:
    body = urlencode({"query": "ASK {}", "padding": "x" * 3000})
    response = client.post("/sparql", content=body, headers={**FORM, "Origin": "https://lab.example"})
    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == "*"
