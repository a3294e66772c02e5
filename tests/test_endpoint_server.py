"""`kraeftgraf serve` as a real process on loopback, queried by real clients: SPARQLWrapper and rdflib's SPARQLStore."""

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast
from urllib.error import HTTPError
from xml.dom.minidom import Document, Text

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, Namespace
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.query import ResultRow
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from .conftest import subject_line
from .endpoint_support import (
    ENDPOINT_DATA,
    EX,
    PROTOCOL_DATA,
    RunningServer,
    free_port,
    kraeftgraf_command,
    running_server,
)

TIMEOUT = 2.0
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r . "
           "?s ?t ?u }")  # 13**7 combinations of the 13 triples: minutes of work for rdflib


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server(["--data", str(PROTOCOL_DATA), "--timeout", str(TIMEOUT), "--workers", "2"]) as server:
        yield server


def sparql(server: RunningServer) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setTimeout(30)
    return client


def test_sparqlwrapper_reads_select_results_as_json(server: RunningServer) -> None:
    client = sparql(server)
    client.setQuery("PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
                    "SELECT ?name WHERE { ?p foaf:name ?name } ORDER BY ?name")
    client.setReturnFormat(JSON)
    answer = cast(dict[str, Any], client.queryAndConvert())
    assert [b["name"]["value"] for b in answer["results"]["bindings"]] == ["Alice", "Bob", "Carol"]


def test_sparqlwrapper_reads_select_results_as_xml_by_post(server: RunningServer) -> None:
    client = sparql(server)
    client.setMethod(POST)
    client.setQuery("SELECT ?age WHERE { ?p <http://xmlns.com/foaf/0.1/age> ?age }")
    client.setReturnFormat(XML)
    document = cast(Document, client.queryAndConvert())
    literals = [cast(Text, node.firstChild).data for node in document.getElementsByTagName("literal")]
    assert literals == ["41"]


def test_sparqlwrapper_asks(server: RunningServer) -> None:
    client = sparql(server)
    client.setQuery(f"ASK {{ <{EX}data2> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert cast(dict[str, Any], client.queryAndConvert())["boolean"] is True


def test_sparqlwrapper_constructs_a_graph(server: RunningServer) -> None:
    client = sparql(server)
    client.setQuery("CONSTRUCT { ?doc <http://purl.org/dc/terms/title> ?title } "
                    "WHERE { ?doc <http://purl.org/dc/terms/title> ?title }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=cast(bytes, client.queryAndConvert()), format="turtle")
    assert set(graph.objects(None, DCTERMS.title)) == {Literal("Data one", lang="en"), Literal("Data two", lang="en"),
                                                        Literal("Data three", lang="en")}


def test_sparqlwrapper_reports_a_bad_query_as_bad_formed(server: RunningServer) -> None:
    client = sparql(server)
    client.setQuery("SELECT ?x WHERE { ?x }")
    with pytest.raises(QueryBadFormed, match="not valid SPARQL"):
        client.query()


def test_rdflib_sparqlstore_queries_the_endpoint(server: RunningServer) -> None:
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql"))
    rows = list(graph.query("SELECT ?doc ?title WHERE { ?doc <http://purl.org/dc/terms/title> ?title } ORDER BY ?doc"))
    assert [(str(r[0]), str(r[1])) for r in cast(list[ResultRow], rows)] == [
        (f"{EX}data1", "Data one"), (f"{EX}data2", "Data two"), (f"{EX}data3", "Data three")]
    assert set(graph.objects(URIRef(f"{EX}carol"), FOAF.name)) == {Literal("Carol")}


def test_an_update_through_rdflibs_update_store_is_refused_and_changes_nothing(server: RunningServer) -> None:
    endpoint = f"{server.url}/sparql"
    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    graph = Graph(store=store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = counts(graph, count)
    with pytest.raises(HTTPError) as refused:
        store.update(f"INSERT DATA {{ <{EX}x> <{EX}p> <{EX}y> }}")
    refused.value.close()  # the error holds the open response
    assert refused.value.code == 400
    assert counts(graph, count) == before == [13]


def counts(graph: Graph, query: str) -> list[int]:
    return [int(cast(Literal, cast(ResultRow, row)[0])) for row in graph.query(query)]


class LoopbackListener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


def test_no_query_makes_the_server_reach_out(server: RunningServer) -> None:
    listener = LoopbackListener()
    here = f"http://127.0.0.1:{listener.port}"
    attempts = [
        {"query": f"SELECT * WHERE {{ SERVICE <{here}/sparql> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * WHERE {{ SERVICE SILENT <{here}/sparql> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT * FROM <{here}/data.ttl> WHERE {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{here}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{here}/data.ttl"},
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{here}/data.ttl"},
        {"query": f"LOAD <{here}/data.ttl>"},
    ]
    try:
        for params in attempts:
            response = httpx.post(f"{server.url}/sparql", data=params, timeout=30)
            assert response.status_code == 400, params
            assert "refused" in response.text.lower() or "read-only" in response.text
        time.sleep(0.5)
    finally:
        listener.close()
    assert listener.connections == 0


def test_a_file_url_leaks_nothing(server: RunningServer) -> None:
    attempts = [
        {"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"},
        {"query": "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"},
    ]
    for params in attempts:
        response = httpx.get(f"{server.url}/sparql", params=params, timeout=30)
        assert response.status_code == 400
        assert "file:///etc/passwd> is not a graph of this dataset" in response.text
        assert "root:" not in response.text
    page = httpx.get(f"{server.url}/resource", params={"iri": "file:///etc/passwd"}, timeout=30)
    assert page.status_code == 404
    assert "root:" not in page.text


def test_a_runaway_query_is_stopped_within_the_limit_while_other_requests_are_answered(
        server: RunningServer) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        runaway = pool.submit(httpx.get, f"{server.url}/sparql", params={"query": RUNAWAY}, timeout=60)
        time.sleep(0.3)
        answered_meanwhile = 0
        while not runaway.done():
            quick = httpx.get(f"{server.url}/sparql", params={"query": f"ASK {{ <{EX}data1> ?p ?o }}"}, timeout=30)
            assert quick.status_code == 200
            answered_meanwhile += not runaway.done()
            time.sleep(0.1)
        response = runaway.result()
        elapsed = time.monotonic() - started
    assert response.status_code == 503  # as Apache Jena Fuseki answers a timeout; not 422, the answer-too-large
    assert f"time limit of {TIMEOUT:g} s (--timeout)" in response.text
    assert int(response.headers["retry-after"]) >= 1
    assert elapsed >= TIMEOUT  # stopped by the limit, not before it
    assert answered_meanwhile >= 3  # other requests were answered while it ran
    for _ in range(4):  # the stopped worker was replaced: both workers answer again
        assert httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_an_iri_urls_cannot_parse_is_400_and_the_connection_keeps_serving(server: RunningServer) -> None:
    connection = http.client.HTTPConnection(server.url.removeprefix("http://"), timeout=30)
    try:
        connection.request("GET", "/resource?iri=https://w3id.o%5B")
        refused = connection.getresponse()
        assert refused.status == 400
        assert b"not a valid absolute IRI" in refused.read()
        kept = connection.sock
        assert kept is not None  # the server did not close the connection
        connection.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": "application/sparql-results+json"})
        answered = connection.getresponse()
        assert answered.status == 200
        assert b'"boolean":true' in answered.read().replace(b" ", b"")
        assert connection.sock is kept  # the same connection answered
    finally:
        connection.close()


def test_the_service_description_names_the_listening_address_never_the_host_header(server: RunningServer) -> None:
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    response = httpx.get(f"{server.url}/sparql", headers={"Host": "evil.example", "Accept": "*/*"}, timeout=30)
    assert response.status_code == 200
    assert "evil.example" not in response.text
    graph = Graph().parse(data=response.text, format="turtle")
    assert set(graph.objects(None, sd.endpoint)) == {URIRef(f"{server.url}/sparql")}


def test_serving_other_files_says_they_are_not_validated(server: RunningServer) -> None:
    assert "without the project's ontology, inference or shapes" in server.log_text()


def _serve_exit(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*kraeftgraf_command(), "serve", "--port", str(free_port()), *arguments],
                          capture_output=True, text=True, timeout=300)


def test_serve_refuses_data_that_does_not_conform_to_the_shapes() -> None:
    path = ENDPOINT_DATA / "nonconforming.ttl"
    done = _serve_exit([str(path)])
    assert done.returncode == 1
    assert "does not conform to the shapes" in done.stderr
    line = subject_line(path, "id:recommendation-test-without-evidence")
    assert f"{path}:{line}: Violation: id:recommendation-test-without-evidence kg:hasEvidence" in done.stderr
    assert "serving http" not in done.stderr


def test_serve_names_a_data_file_it_cannot_read() -> None:
    missing = ENDPOINT_DATA / "no-such-file.trig"
    done = _serve_exit(["--data", str(missing)])
    assert done.returncode == 2
    assert str(missing) in done.stderr and "no such file" in done.stderr


def test_serve_says_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([*kraeftgraf_command(), "serve", "--data", str(PROTOCOL_DATA), "--port", str(port)],
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert f"Cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr


def test_serve_refuses_a_base_url_that_is_no_http_url_naming_the_option() -> None:
    done = _serve_exit(["--data", str(PROTOCOL_DATA), "--base-url", "kraeftgraf.example.org/sparql?x"])
    assert done.returncode == 2
    assert "--base-url" in done.stderr and "serving http" not in done.stderr


def test_serve_refuses_a_limit_that_cannot_work() -> None:
    done = _serve_exit(["--data", str(PROTOCOL_DATA), "--timeout", "0"])
    assert done.returncode == 2
    assert "timeout" in done.stderr


def test_when_the_process_that_forks_workers_dies_serve_stops_with_an_error_instead_of_shrinking() -> None:
    with running_server(["--data", str(PROTOCOL_DATA), "--workers", "1", "--fast-workers", "0"]) as served:
        children = Path(f"/proc/{served.process.pid}/task/{served.process.pid}/children")
        if not children.exists():
            pytest.skip("this kernel does not list a process's children in /proc (CONFIG_PROC_CHILDREN)")
        [zygote] = [int(pid) for pid in children.read_text().split()]
        os.kill(zygote, signal.SIGKILL)
        time.sleep(0.3)
        response = httpx.get(f"{served.url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert response.status_code == 503 and "restart" in response.text
        assert served.process.wait(timeout=30) == 2  # it stops on its own, so that a supervisor restarts it
        assert "the process that starts query workers died" in served.log_text()
        assert not Path(f"/proc/{zygote}").exists()  # reaped: no zombie


def test_each_request_is_logged_unless_the_access_log_is_off(server: RunningServer) -> None:
    marker = "access-log-marker-7361"
    assert httpx.get(f"{server.url}/sparql", params={"query": f"ASK {{}} # {marker}"}, timeout=30).status_code == 200
    assert '"GET /sparql?query=ASK' in server.log_text() and marker in server.log_text()  # on by default
    with running_server(["--data", str(PROTOCOL_DATA), "--no-access-log", "--workers", "1"]) as quiet:
        answer = httpx.get(f"{quiet.url}/sparql", params={"query": f"ASK {{}} # {marker}"}, timeout=30)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        assert marker not in quiet.log_text() and '"GET /sparql?' not in quiet.log_text()
