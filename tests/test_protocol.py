"""The SPARQL 1.1 Protocol's query operation at /sparql, after the W3C protocol tests (query part).

Each test is named after the W3C test it follows (sparql11-test-suite/protocol); graphs data1-data3 of
tests/data/endpoint/protocol.trig stand in for the suite's data1.rdf-data3.rdf.
"""

import io
import json
import re
from collections.abc import Iterator
from typing import cast
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.query import Result, ResultRow

from kraeftgraf.endpoint.problems import problem_for
from kraeftgraf.endpoint.service import start_service
from kraeftgraf.endpoint.settings import LOCAL_BASE_URL, EndpointSettings

from .endpoint_support import EX, app_client, load_protocol_dataset, service_client

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
DATA1, DATA2, DATA3 = (f"{EX}data{n}" for n in (1, 2, 3))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client(load_protocol_dataset(), EndpointSettings(workers=2, timeout=10)) as client:
        yield client


def ask(response_body: bytes) -> bool:
    answer = json.loads(response_body)["boolean"]
    assert isinstance(answer, bool)
    return answer


def column(response_body: bytes, variable: str) -> list[str]:
    return [row[variable]["value"] for row in json.loads(response_body)["results"]["bindings"]]


# --- positive tests -------------------------------------------------------------------------------------------


def test_query_get(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert ask(response.content) is True


def test_query_post_form(client: TestClient) -> None:
    response = client.post("/sparql", content=urlencode({"query": "ASK {}"}), headers=FORM)
    assert response.status_code == 200
    assert ask(response.content) is True


def test_query_post_direct(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}", headers=DIRECT)
    assert response.status_code == 200
    assert ask(response.content) is True


def test_query_dataset_default_graph(client: TestClient) -> None:
    response = client.post(f"/sparql?{urlencode({'default-graph-uri': DATA1})}",
                           content=f"ASK {{ <{DATA1}> ?p ?o }}", headers=DIRECT)
    assert response.status_code == 200
    assert ask(response.content) is True
    only_data1 = client.post(f"/sparql?{urlencode({'default-graph-uri': DATA1})}",
                             content=f"ASK {{ <{DATA2}> ?p ?o }}", headers=DIRECT)
    assert ask(only_data1.content) is False


def test_query_dataset_default_graphs_get(client: TestClient) -> None:
    params = [("query", f"ASK {{ <{DATA1}> ?p ?o . <{DATA2}> ?p ?o }}"),
              ("default-graph-uri", DATA1), ("default-graph-uri", DATA2)]
    response = client.get(f"/sparql?{urlencode(params)}")
    assert response.status_code == 200
    assert ask(response.content) is True


def test_query_dataset_default_graphs_post(client: TestClient) -> None:
    body = urlencode([("query", f"ASK {{ <{DATA1}> ?p ?o . <{DATA2}> ?p ?o }}"),
                      ("default-graph-uri", DATA1), ("default-graph-uri", DATA2)])
    response = client.post("/sparql", content=body, headers=FORM)
    assert response.status_code == 200
    assert ask(response.content) is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_query_dataset_named_graphs(client: TestClient, method: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    params = [("query", query), ("named-graph-uri", DATA1), ("named-graph-uri", DATA2)]
    if method == "get":
        response = client.get(f"/sparql?{urlencode(params)}")
    else:
        response = client.post("/sparql", content=urlencode(params), headers=FORM)
    assert response.status_code == 200
    assert column(response.content, "g") == [DATA1, DATA2]
    # Only named graphs given: the protocol makes the default graph empty.
    empty = client.get(f"/sparql?{urlencode([('query', 'ASK { ?s ?p ?o }'), ('named-graph-uri', DATA1)])}")
    assert ask(empty.content) is False


def test_query_dataset_full(client: TestClient) -> None:
    query = ("SELECT DISTINCT ?x ?g WHERE { ?x a <http://xmlns.com/foaf/0.1/Document> GRAPH ?g { ?s ?p ?o } } "
             "ORDER BY ?g")
    params = urlencode([("default-graph-uri", DATA3), ("named-graph-uri", DATA1), ("named-graph-uri", DATA2)])
    response = client.post(f"/sparql?{params}", content=query, headers=DIRECT)
    assert response.status_code == 200
    assert column(response.content, "x") == [DATA3, DATA3]
    assert column(response.content, "g") == [DATA1, DATA2]


def test_query_multiple_dataset(client: TestClient) -> None:
    """The protocol's default-graph-uri replaces the query's own FROM."""
    params = urlencode({"default-graph-uri": DATA2})
    from_data1 = client.post(f"/sparql?{params}", content=f"ASK FROM <{DATA1}> {{ <{DATA1}> ?p ?o }}", headers=DIRECT)
    assert from_data1.status_code == 200
    assert ask(from_data1.content) is False
    really_data2 = client.post(f"/sparql?{params}", content=f"ASK FROM <{DATA1}> {{ <{DATA2}> ?p ?o }}",
                               headers=DIRECT)
    assert ask(really_data2.content) is True


def test_from_clause_picks_a_named_graph_of_the_dataset(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"SELECT ?d FROM <{DATA1}> WHERE {{ ?d a ?type }}"})
    assert response.status_code == 200
    assert column(response.content, "d") == [DATA1]


def test_without_a_dataset_the_default_graph_is_the_union_of_the_named_graphs(client: TestClient) -> None:
    query = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <http://xmlns.com/foaf/0.1/Document> }"
    response = client.get("/sparql", params={"query": query})
    assert column(response.content, "n") == ["3"]


@pytest.mark.parametrize(("media_type", "rdflib_format"), [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
])
def test_query_content_type_select(client: TestClient, media_type: str, rdflib_format: str) -> None:
    response = client.post("/sparql", content="SELECT (1 AS ?value) {}", headers={**DIRECT, "Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    result = Result.parse(io.BytesIO(response.content), format=rdflib_format)
    rows = [cast(ResultRow, row) for row in result]
    assert len(rows) == 1
    value = rows[0][0]
    # CSV carries no datatypes (SPARQL 1.1 CSV/TSV): there the value is the plain text "1".
    assert value == (Literal("1") if rdflib_format == "csv" else Literal(1, datatype=XSD.integer))


@pytest.mark.parametrize(("media_type", "rdflib_format"), [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
])
def test_query_content_type_ask(client: TestClient, media_type: str, rdflib_format: str) -> None:
    response = client.post("/sparql", content="ASK {}", headers={**DIRECT, "Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert Result.parse(io.BytesIO(response.content), format=rdflib_format).askAnswer is True


GRAPH_TYPES = [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
               ("application/rdf+xml", "xml")]


@pytest.mark.parametrize(("media_type", "rdflib_format"), GRAPH_TYPES)
def test_query_content_type_construct(client: TestClient, media_type: str, rdflib_format: str) -> None:
    query = "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}"
    response = client.post("/sparql", content=query, headers={**DIRECT, "Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    expected = Graph()
    expected.add((URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal(1)))
    assert isomorphic(Graph().parse(data=response.content, format=rdflib_format), expected)


@pytest.mark.parametrize(("media_type", "rdflib_format"), GRAPH_TYPES)
def test_query_content_type_describe(client: TestClient, media_type: str, rdflib_format: str) -> None:
    response = client.post("/sparql", content=f"DESCRIBE <{DATA1}>", headers={**DIRECT, "Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef(DATA1), DCTERMS.title, Literal("Data one", lang="en")) in graph


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/tab-separated-values, text/csv;q=0.9", "text/tab-separated-values"),
])
def test_select_is_answered_in_the_format_the_accept_header_rates_highest(
        client: TestClient, accept: str | None, expected: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/sparql", params={"query": "SELECT (1 AS ?value) {}"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize(("query", "accept"), [
    ("SELECT (1 AS ?value) {}", "text/turtle"),
    ("ASK {}", "application/rdf+xml"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-results+json"),
    ("SELECT (1 AS ?value) {}", "image/png"),
])
def test_a_format_that_does_not_fit_the_query_form_is_406(client: TestClient, query: str, accept: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "Ask for one of" in response.text


# --- negative tests -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_bad_query_method(client: TestClient, method: str) -> None:
    response = client.request(method, "/sparql", params={"query": "ASK {}"})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_bad_multiple_queries(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    assert "2 query parameters" in response.text


def test_bad_query_wrong_media_type(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert "application/sparql-query" in response.text


def test_bad_query_missing_form_type(client: TestClient) -> None:
    response = client.post("/sparql", content="query=ASK%20%7B%7D")
    assert response.status_code == 400
    assert "Content-Type" in response.text


def test_bad_query_missing_direct_type(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}")
    assert response.status_code == 400


def test_bad_query_non_utf8(client: TestClient) -> None:
    response = client.post("/sparql", content="ASK {}".encode("utf-16"),
                           headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 400
    assert "UTF-8" in response.text
    undeclared = client.post("/sparql", content="ASK {}".encode("utf-16"), headers=DIRECT)
    assert undeclared.status_code == 400


def test_bad_query_syntax(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {"})
    assert response.status_code == 400
    assert "not valid SPARQL" in response.text
    assert "line 1, column" in response.text


def test_a_form_post_without_a_query_is_400(client: TestClient) -> None:
    response = client.post("/sparql", content=urlencode({"default-graph-uri": DATA1}), headers=FORM)
    assert response.status_code == 400
    assert "no query parameter" in response.text


def test_a_query_in_the_body_and_in_the_url_is_400(client: TestClient) -> None:
    response = client.post("/sparql?query=ASK%20%7B%7D", content="ASK {}", headers=DIRECT)
    assert response.status_code == 400


# --- read-only: updates are refused and change nothing --------------------------------------------------------

UPDATE_ATTEMPTS = [
    ("bad_update_get", "GET", {"update": "CLEAR ALL"}, None, {}),
    ("update_post_form", "POST", None, urlencode({"update": "CLEAR ALL"}), FORM),
    ("bad_multiple_updates", "POST", None, urlencode([("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")]), FORM),
    ("update_post_direct", "POST", None, "CLEAR ALL", {"Content-Type": "application/sparql-update"}),
    ("bad_update_wrong_media_type", "POST", None, "CLEAR NAMED", {"Content-Type": "text/plain"}),
    ("bad_update_missing_form_type", "POST", None, "update=CLEAR%20NAMED", {}),
    ("bad_update_missing_direct_type", "POST", None, "CLEAR NAMED", {}),
    ("bad_update_syntax", "POST", None, urlencode({"update": "CLEAR XYZ"}), FORM),
    ("update_as_query_get", "GET", {"query": f"INSERT DATA {{ <{EX}x> <{EX}p> <{EX}y> }}"}, None, {}),
    ("update_as_query_form", "POST", None, urlencode({"query": f"DROP GRAPH <{DATA1}>"}), FORM),
    ("update_as_query_direct", "POST", None, f"DELETE WHERE {{ <{DATA1}> ?p ?o }}", DIRECT),
    ("load_as_query", "POST", None, f"LOAD <{DATA1}> INTO GRAPH <{EX}copy>", DIRECT),
]


@pytest.mark.parametrize(("name", "method", "params", "body", "headers"), UPDATE_ATTEMPTS,
                         ids=[attempt[0] for attempt in UPDATE_ATTEMPTS])
def test_sparql_update_is_refused_and_changes_nothing(client: TestClient, name: str, method: str,
                                                      params: dict[str, str] | None, body: str | None,
                                                      headers: dict[str, str]) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = column(client.get("/sparql", params={"query": count}).content, "n")
    response = client.request(method, "/sparql", params=params, content=body, headers=headers)
    assert response.status_code == 400  # the protocol's answer to a request that is not a query operation
    assert "read-only" in response.text or "Content-Type" in response.text or "query" in response.text
    assert column(client.get("/sparql", params={"query": count}).content, "n") == before == ["13"]


def test_an_update_sent_as_a_query_is_refused_as_read_only_not_as_bad_syntax(client: TestClient) -> None:
    response = client.post("/sparql", content=f"INSERT DATA {{ <{EX}x> <{EX}p> <{EX}y> }}", headers=DIRECT)
    assert response.status_code == 400
    assert "read-only" in response.text
    assert "INSERT DATA" in response.text


# --- the service description ----------------------------------------------------------------------------------


def test_get_without_a_query_returns_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = URIRef(f"{LOCAL_BASE_URL}/sparql")  # an app not started by `kraeftgraf serve`, without --base-url
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = set(graph.objects(service, SD.resultFormat))
    assert {FORMATS.SPARQL_Results_JSON, FORMATS.SPARQL_Results_XML, FORMATS.SPARQL_Results_CSV,
            FORMATS.SPARQL_Results_TSV, FORMATS.Turtle, FORMATS["N-Triples"], FORMATS["JSON-LD"],
            FORMATS.RDF_XML} <= formats
    names = {str(name) for name in graph.objects(None, SD.name)}
    assert names == {DATA1, DATA2, DATA3}


def test_the_service_description_comes_in_other_rdf_syntaxes_too(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="json-ld")
    assert (None, RDF.type, SD.Service) in graph


def test_a_browser_asking_the_endpoint_is_sent_to_the_query_editor(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/#sparql"


@pytest.mark.parametrize("accept", ["*/*", None, "text/turtle", "text/*", "text/html;q=0.5, text/turtle"])
def test_a_client_that_does_not_name_html_gets_the_service_description(client: TestClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept is not None else {}  # curl sends */*, as the README's examples do
    response = client.get("/sparql", headers=headers, follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert (None, RDF.type, SD.Service) in Graph().parse(data=response.text, format="turtle")


@pytest.mark.parametrize("accept", ["text/html", "application/xhtml+xml", "text/html, */*"])
def test_a_client_that_names_html_is_sent_to_the_page(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/#sparql"


def test_the_service_description_never_names_the_host_the_request_gave(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert response.status_code == 200
    assert "evil.example" not in response.text
    graph = Graph().parse(data=response.text, format="turtle")
    assert set(graph.objects(None, SD.endpoint)) == {URIRef(f"{LOCAL_BASE_URL}/sparql")}


def test_the_service_description_names_the_base_url_setting_as_the_endpoint() -> None:
    settings = EndpointSettings(workers=1, base_url="https://kraeftgraf.example.org/")
    with app_client(load_protocol_dataset(), settings) as other:
        response = other.get("/sparql", headers={"Host": "evil.example"})
    graph = Graph().parse(data=response.text, format="turtle")
    assert set(graph.objects(None, SD.endpoint)) == {URIRef("https://kraeftgraf.example.org/sparql")}


# --- failures inside the engine -------------------------------------------------------------------------------

EXCEPTION_NAME = re.compile(r"\b[A-Z][a-z]+[A-Z]?\w*(Error|Exception)\b|\bException\b|\bre\.error\b")


def test_a_query_oxigraph_cannot_evaluate_is_4xx_and_names_no_exception_type(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT (<http://example.org/no-such-function>(1) AS ?x) {}"})
    assert response.status_code == 400  # the query's mistake, said in words
    assert "<http://example.org/no-such-function> is not a function this endpoint knows" in response.text
    assert response.text.strip()
    assert not EXCEPTION_NAME.search(response.text), response.text


@pytest.mark.parametrize(("query", "status"), [
    # rdflib stops inside (Python's re refuses the pattern; rdflib cannot group by an expression it built): 422
    ('SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, "(")) }', 422),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY (RAND())", 422),
    # the query's own mistake, found before evaluating: 400
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY <http://example.org/no-such-function>(?o)", 400),
])
def test_a_query_rdflib_cannot_evaluate_is_4xx_and_names_no_exception_type(query: str, status: int) -> None:
    service = start_service(load_protocol_dataset(), settings=EndpointSettings(workers=1), origin="test data",
                            engine="rdflib")
    try:
        with service_client(service) as rdflib_client:
            response = rdflib_client.get("/sparql", params={"query": query})
    finally:
        service.close()
    assert response.status_code == status
    assert response.text.strip()
    assert not EXCEPTION_NAME.search(response.text), response.text


def test_the_fallback_message_for_an_engine_failure_names_no_exception_type() -> None:
    for exc in (TypeError("'<' not supported"), ValueError("Invalid unicode code point"), RuntimeError("boom"),
                ConnectionRefusedError(111, "Connection refused"), Exception("Cannot eval thing")):
        problem = problem_for(exc)
        assert problem.status == 422
        assert not EXCEPTION_NAME.search(problem.message), problem.message
        assert str(exc) not in problem.message
