"""Queries the endpoint cannot answer get a 400 that says, in words, what is wrong and where, on both engines.

The inputs are those an outside tester sent (issue 10, part 3); none of the answers may name a Python exception
or dump the grammar, and positions are those of the text the client sent, without the hidden prefixes.
"""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef

from kraeftgraf.endpoint.problems import problem_for
from kraeftgraf.endpoint.service import start_service
from kraeftgraf.endpoint.settings import LOCAL_BASE_URL, EndpointSettings
from kraeftgraf.errors import RemoteEndpointError

from .endpoint_support import load_protocol_dataset, service_client

EXCEPTION_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(Error|Exception)\b")
GRAMMAR_DUMP = re.compile(r"\\u\{|\[_\]|'\.\.='")
NTRIPLES = {"Accept": "application/n-triples"}


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    service = start_service(load_protocol_dataset(), settings=EndpointSettings(workers=1, timeout=10),
                            origin="test data", engine=request.param)
    try:
        with service_client(service) as client:
            yield client
    finally:
        service.close()


def refused(client: TestClient, query: str) -> str:
    """The 400 answer's text, after checking it names no exception and dumps no grammar."""
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400, response.text
    assert not EXCEPTION_NAME.search(response.text), response.text
    assert not GRAMMAR_DUMP.search(response.text), response.text
    return response.text


def test_relative_iris_resolve_against_the_endpoints_address(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers=NTRIPLES)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="nt")
    assert set(graph) == {(URIRef(f"{LOCAL_BASE_URL}/s"), URIRef(f"{LOCAL_BASE_URL}/p"), Literal(1))}


def test_the_querys_own_base_wins_over_the_endpoints(client: TestClient) -> None:
    query = "BASE <http://example.org/base/> CONSTRUCT { <s> <p> 1 } WHERE {}"
    response = client.get("/sparql", params={"query": query}, headers=NTRIPLES)
    graph = Graph().parse(data=response.text, format="nt")
    assert {str(s) for s, _, _ in graph} == {"http://example.org/base/s"}


def test_a_syntax_error_is_placed_in_the_text_as_sent_not_after_hidden_prefixes(client: TestClient) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o . ?s }"  # 33 characters; the triple at column 30 has no object
    text = refused(client, query)
    place = re.search(r"line (\d+), column (\d+)", text)
    assert place is not None, text
    assert place.group(1) == "1" and int(place.group(2)) <= len(query) + 1, text
    assert query in text  # the line is shown, with a caret under the column


PROJECT_PROLOGUE = ("PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>\n"
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


@pytest.mark.parametrize("prologue", ["", PROJECT_PROLOGUE], ids=["prefixes hidden", "prefixes declared"])
@pytest.mark.parametrize("body", [
    "SELECT ?s WHERE { ?s rdfs:label ?label ?extra }",
    "SELECT ?s WHERE {\n  ?s a kg:Recommendation .\n  ?s rdfs:label ?label ?extra\n}",
], ids=["error on the first line", "error on the third line"])
def test_a_syntax_error_names_the_line_and_column_the_editor_marks(client: TestClient, prologue: str,
                                                                   body: str) -> None:
    # The grammar (SPARQL 1.1, TriplesBlock): after the object ?label only `.`, `;`, `,` or the end of the group
    # may follow, so ?extra is the first token that cannot stand where it stands.
    query = prologue + body
    before_error = query[:query.index("?extra")].split("\n")
    text = refused(client, query)
    place = re.search(r"not valid SPARQL: line (\d+), column (\d+)", text)
    assert place is not None, text
    assert (int(place.group(1)), int(place.group(2))) == (len(before_error), len(before_error[-1]) + 1), text


def test_an_unknown_prefix_is_named_in_words(client: TestClient) -> None:
    assert "line 1, column 22: unknown prefix foaf:" in refused(client, "SELECT ?x WHERE { ?x foaf:name ?n }")


def test_a_missing_brace_is_named_in_words(client: TestClient) -> None:
    assert "missing } to close the { at line 1, column 17" in refused(client, "SELECT ?x WHERE { ?x ?p ?n")


@pytest.mark.parametrize("query", ["", "   ", "\n\t \r\n", "# just a comment", "# one\n# two\n",
                                   "PREFIX ex: <http://example.org/>", "BASE <http://example.org/>\n# no query"])
def test_an_empty_query_is_400_saying_so(client: TestClient, query: str) -> None:
    assert "the query is empty" in refused(client, query)


def test_a_leading_byte_order_mark_is_ignored(client: TestClient) -> None:
    for response in (client.get("/sparql", params={"query": "\ufeffASK {}"}),
                     client.post("/sparql", content="\ufeffASK {}".encode(),
                                 headers={"Content-Type": "application/sparql-query"})):
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True


def test_an_escape_that_is_no_character_is_400_naming_it(client: TestClient) -> None:
    text = refused(client, 'SELECT ("\\UFFFFFFFF" AS ?x) {}')
    assert "\\UFFFFFFFF is not a Unicode character" in text and "line 1, column 10" in text


def test_a_function_the_endpoint_does_not_know_is_400_naming_it(client: TestClient) -> None:
    text = refused(client, "SELECT ?n WHERE { ?s ?p ?n } ORDER BY <file:///etc/passwd>(?n)")
    assert "<file:///etc/passwd> is not a function this endpoint knows" in text


@pytest.mark.parametrize("iri", ["http://h/%zz", "http://h/a#b#c", "http://h/\ufff0", "http://h/\x00"])
def test_an_iri_the_engine_would_refuse_is_400_at_the_door(client: TestClient, iri: str) -> None:
    page = client.get("/resource", params={"iri": iri})
    assert page.status_code == 400 and "not a valid absolute IRI" in page.text
    assert not EXCEPTION_NAME.search(page.text) and "not valid SPARQL" not in page.text


def test_a_query_nested_deeper_than_the_parser_can_take_is_refused_and_every_worker_lives(client: TestClient) -> None:
    deep = "SELECT * WHERE { " + "{ " * 3000 + "}" * 3000 + " }"
    assert "at most 128 levels" in refused(client, deep)
    for _ in range(3):
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_prefix_whose_iri_is_no_iri_never_trips_the_endpoint_itself(client: TestClient) -> None:
    # Oxigraph refuses the IRI (400, in words); rdflib does not check IRIs and answers (200). What broke before
    # was the endpoint's own resolution of the IRI, which made a generic 422 of it.
    response = client.get("/sparql", params={"query": "PREFIX ex: <http://e]x/> SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code in (200, 400), response.text
    assert not EXCEPTION_NAME.search(response.text) and not GRAMMAR_DUMP.search(response.text)


def test_a_remote_store_that_fails_is_502_naming_neither_its_address_nor_its_errors() -> None:
    problem = problem_for(RemoteEndpointError("http://10.0.0.7:7878/query", "QueryBadFormed: error at 1:644: [_]"))
    assert problem.status == 502
    assert "10.0.0.7" not in problem.message and "QueryBadFormed" not in problem.message
    assert "server log" in problem.message
