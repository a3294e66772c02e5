"""Every engine gives the same answers: rdflib (the reference), embedded pyoxigraph, and a remote store."""

import io
import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.term import Node, Variable

from kraeftgraf.engines.base import QueryEngine, QueryResult, RdflibEngine
from kraeftgraf.engines.disk_store import write_store
from kraeftgraf.engines.oxigraph import OxigraphEngine
from kraeftgraf.engines.publish import DEFAULT_GRAPH, publish
from kraeftgraf.engines.remote import RemoteEngine
from kraeftgraf.errors import DataFileError, ResultTooLargeError
from kraeftgraf.graph.load import graph_name, load_dataset
from kraeftgraf.graph.oxigraph_terms import term_converter, to_oxigraph
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.queries.saved import SavedQuery, load_queries, run_saved_query

from .endpoint_support import PROTOCOL_DATA, free_port, running_oxigraph_server

QUERIES = sorted(load_queries().values(), key=lambda q: q.name)
_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


def _comparable(node: Node | None) -> object:
    """Numbers compare by value: stores may write 21.0 as 21 (the same xsd:decimal)."""
    if isinstance(node, Literal) and node.datatype in _NUMERIC:
        return ("number", float(node.toPython()))
    return node


def _rows(result: QueryResult) -> list[tuple[object, ...]]:
    return [tuple(_comparable(row.get(v)) for v in result.variables) for row in result.rows]


def assert_same_answer(query: SavedQuery, expected: QueryResult, actual: QueryResult) -> None:
    assert actual.form == expected.form
    if expected.form == "ASK":
        assert actual.boolean == expected.boolean
    elif expected.form == "SELECT":
        assert actual.variables == expected.variables
        if "ORDER BY" in query.sparql.upper():
            assert _rows(actual) == _rows(expected)
        else:
            assert Counter(_rows(actual)) == Counter(_rows(expected))
    else:
        assert expected.graph is not None and actual.graph is not None
        assert isomorphic(expected.graph, actual.graph)


@pytest.fixture(scope="module")
def reference(built: BuiltDataset) -> RdflibEngine:
    return RdflibEngine(built.dataset)


@pytest.fixture(scope="module")
def oxigraph(built: BuiltDataset) -> OxigraphEngine:
    return OxigraphEngine.from_dataset(built.dataset)


def test_there_are_saved_queries_to_compare() -> None:
    assert len(QUERIES) >= 25


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_embedded_oxigraph_answers_every_saved_query_like_rdflib(
    query: SavedQuery, reference: RdflibEngine, oxigraph: OxigraphEngine
) -> None:
    expected = run_saved_query(query, reference)
    assert_same_answer(query, expected, run_saved_query(query, oxigraph))


@pytest.fixture(scope="module")
def on_disk(built: BuiltDataset, tmp_path_factory: pytest.TempPathFactory) -> OxigraphEngine:
    folder = tmp_path_factory.mktemp("disk")
    trig = folder / "built.trig"
    built.dataset.serialize(destination=trig, format="trig")
    assert write_store([trig], folder / "store") == sum(1 for _ in built.dataset.quads((None, None, None, None)))
    return OxigraphEngine.open(folder / "store")


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_an_on_disk_store_answers_every_saved_query_like_rdflib(
    query: SavedQuery, reference: RdflibEngine, on_disk: OxigraphEngine
) -> None:
    assert_same_answer(query, run_saved_query(query, reference), run_saved_query(query, on_disk))


def test_an_on_disk_store_is_reopened_by_a_forked_process(on_disk: OxigraphEngine) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    here = on_disk.query(count).rows
    on_disk.release()  # as the worker pool does before it forks
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child asks through its own handle and reports the row
        os.close(read)
        os.write(write, str(on_disk.query(count).rows[0]["n"]).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        child = answer.read()
    assert os.waitpid(pid, 0)[1] == 0
    assert child == str(here[0]["n"])


def test_parameters_reach_oxigraph_as_values_not_as_query_text(oxigraph: OxigraphEngine) -> None:
    hostile = Literal('x" } ; DROP ALL ; SELECT * { "')
    result = oxigraph.query("SELECT ?text WHERE { }", bindings={"text": hostile})
    assert result.rows == [{"text": hostile}]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server (PyPI package `oxigraph`) on loopback, stopped after the tests."""
    with running_oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def remote(built: BuiltDataset, oxigraph_server: str) -> QueryEngine:
    publish(built.dataset, f"{oxigraph_server}/store")
    return RemoteEngine(f"{oxigraph_server}/query", graph=DEFAULT_GRAPH)


def test_publish_replaces_the_named_graph_instead_of_adding_to_it(built: BuiltDataset, oxigraph_server: str) -> None:
    first = publish(built.dataset, f"{oxigraph_server}/store")
    second = publish(built.dataset, f"{oxigraph_server}/store")
    engine = RemoteEngine(f"{oxigraph_server}/query", graph=DEFAULT_GRAPH)
    count = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    assert first == second == int(str(count))


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_a_remote_store_answers_every_saved_query_like_the_embedded_engine(
    query: SavedQuery, reference: RdflibEngine, remote: QueryEngine
) -> None:
    expected = run_saved_query(query, reference)
    assert_same_answer(query, expected, run_saved_query(query, remote))


def test_an_unreachable_remote_endpoint_is_a_clear_error() -> None:
    from kraeftgraf.errors import RemoteEndpointError

    engine = RemoteEngine(f"http://127.0.0.1:{free_port()}/query", timeout=5)
    with pytest.raises(RemoteEndpointError, match="Check that the endpoint is running"):
        engine.query("ASK {}")


def test_the_published_dataset_keeps_every_triple(built: BuiltDataset, remote: QueryEngine) -> None:
    triples = {t for t in built.dataset.triples((None, None, None)) if isinstance(t[0], URIRef)}
    count = remote.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }").rows[0]["n"]
    assert int(str(count)) == len(triples)


def test_serve_with_a_remote_backend_answers_saved_queries_like_the_embedded_engine(
    remote: QueryEngine, oxigraph_server: str, reference: RdflibEngine
) -> None:
    import httpx

    from .endpoint_support import running_server

    query = next(q for q in QUERIES if q.name == "plan-items-by-theme")
    expected = run_saved_query(query, reference)
    with running_server(["--backend", f"{oxigraph_server}/query"]) as server:
        response = httpx.get(f"{server.url}/api/queries/{query.name}",
                             headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
        assert len(rows) == len(expected.rows)
        assert "remote SPARQL endpoint" in server.log_text()
        # The endpoint's own refusals still apply in front of the backend.
        service = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        refused = httpx.get(f"{server.url}/sparql", params={"query": service})
        assert refused.status_code == 400


def test_the_relay_to_the_backend_ends_when_serve_is_killed(remote: QueryEngine, oxigraph_server: str) -> None:
    # The relay runs in a session of its own, so no signal reaches it when `serve` dies without closing it;
    # it must notice by itself, and leave no process and no socket behind.
    from .endpoint_support import running_server

    with running_server(["--backend", f"{oxigraph_server}/query"]) as server:
        relays = [pid for pid in _children(server.process.pid) if "kraeftgraf.endpoint.egress" in _command(pid)]
        assert len(relays) == 1, [_command(pid) for pid in _children(server.process.pid)]
        socket_path = Path(_command(relays[0]).split()[-3])
        assert socket_path.exists()
        os.kill(server.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{relays[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{relays[0]}").exists() or "Z" in _state(relays[0]), "the relay outlived serve"
        assert not socket_path.exists() and not socket_path.parent.exists()


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()]


def _command(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def test_query_command_can_ask_a_remote_endpoint(
    remote: QueryEngine, oxigraph_server: str, reference: RdflibEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    from kraeftgraf.cli.main import main

    query = next(q for q in QUERIES if q.name == "plans-and-documents")
    expected = run_saved_query(query, reference)
    assert main(["query", query.name, "--endpoint", f"{oxigraph_server}/query", "--format", "json"]) == 0
    import json

    answer = json.loads(capsys.readouterr().out)
    assert len(answer["results"]["bindings"]) == len(expected.rows)


def test_oxigraph_loads_files_straight_into_the_graphs_rdflib_would_name(tmp_path: Path) -> None:
    turtle = tmp_path / "extra.ttl"
    turtle.write_text("<http://example.org/x> <http://example.org/p> \"æøå\"@da .\n", encoding="utf-8")
    files = [PROTOCOL_DATA, turtle]
    direct = OxigraphEngine.from_files(files).store
    via_rdflib = OxigraphEngine.from_dataset(load_dataset(files)).store
    assert set(direct) == set(via_rdflib)
    assert ox.NamedNode(str(graph_name(turtle))) in set(direct.named_graphs())


def test_a_file_oxigraph_cannot_parse_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
                      "<http://example.org/a> <http://example.org/b> \"unterminated .\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"broken\.ttl: .*line 2"):
        OxigraphEngine.from_files([broken])


_NATIVE_SELECT = ("SELECT ?item ?label ?number WHERE { ?item a kg:PlanItem ; rdfs:label ?label . "
                  "OPTIONAL { ?item skos:notation ?number } }")
_NATIVE_GRAPH = "DESCRIBE id:recommendation-hovedstaden-del-2-5"


@pytest.mark.parametrize(("format_name", "rdflib_format"), [("json", "json"), ("xml", "xml"), ("tsv", "tsv")])
def test_oxigraph_writes_select_answers_that_read_back_as_the_reference_rows(
        reference: RdflibEngine, oxigraph: OxigraphEngine, format_name: str, rdflib_format: str) -> None:
    from rdflib.query import Result

    text = _NATIVE_SELECT
    assert oxigraph.writes("SELECT", format_name)
    body = oxigraph.serialized(text, format_name, max_rows=100_000)
    parsed = Result.parse(io.BytesIO(body), format=rdflib_format)
    read_back = Counter(tuple(_comparable(row.get(Variable(v))) for v in ("item", "label", "number"))
                        for row in parsed.bindings)
    expected = reference.query(text)
    assert read_back == Counter(_rows(expected)) and read_back


def test_oxigraph_writes_csv_with_one_line_per_row_after_the_header(
        reference: RdflibEngine, oxigraph: OxigraphEngine) -> None:
    text = _NATIVE_SELECT
    lines = oxigraph.serialized(text, "csv", max_rows=100_000).decode("utf-8").splitlines()
    assert lines[0] == "item,label,number"
    assert len(lines) - 1 == len(reference.query(text).rows)


@pytest.mark.parametrize(("format_name", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("rdfxml", "xml")])
def test_oxigraph_writes_graph_answers_isomorphic_to_the_reference(
        reference: RdflibEngine, oxigraph: OxigraphEngine, format_name: str, rdflib_format: str) -> None:
    text = _NATIVE_GRAPH
    body = oxigraph.serialized(text, format_name, max_rows=100_000)
    expected = reference.query(text).graph
    assert expected is not None and len(expected) > 0
    assert isomorphic(Graph().parse(data=body, format=rdflib_format), expected)
    if format_name == "turtle":
        assert b"@prefix kg:" in body  # the project's prefixes, as the rdflib writer uses them


@pytest.mark.parametrize("format_name", ["json", "xml", "csv", "tsv"])
def test_the_row_limit_holds_exactly_for_answers_oxigraph_writes(
        reference: RdflibEngine, oxigraph: OxigraphEngine, format_name: str) -> None:
    text = _NATIVE_SELECT
    rows = len(reference.query(text).rows)
    assert oxigraph.serialized(text, format_name, max_rows=rows)
    with pytest.raises(ResultTooLargeError, match=str(rows - 1)):
        oxigraph.serialized(text, format_name, max_rows=rows - 1)


def test_the_triple_limit_holds_for_graphs_oxigraph_writes(reference: RdflibEngine, oxigraph: OxigraphEngine) -> None:
    text = _NATIVE_GRAPH
    triples = len(reference.query(text).graph or ())
    assert oxigraph.serialized(text, "turtle", max_rows=triples)
    with pytest.raises(ResultTooLargeError):
        oxigraph.serialized(text, "turtle", max_rows=triples - 1)


def test_the_remembering_term_converter_never_mixes_up_terms_that_look_alike() -> None:
    # term_converter's docstring argues rdflib's terms are equal only when they are the same term; these are the
    # likeliest to be mixed up (same text, another kind, datatype, language or lexical form of one value).
    look_alike = [URIRef("urn:x:1"), Literal("urn:x:1"), BNode("urn_x_1"), Literal("1"),
                  Literal("1", datatype=XSD.integer), Literal("01", datatype=XSD.integer),
                  Literal("1", datatype=XSD.decimal), Literal("1", datatype=XSD.string), Literal("1", lang="da"),
                  Literal("1", lang="en"), Literal("true", datatype=XSD.boolean), Literal("1", datatype=XSD.boolean)]
    convert = term_converter()
    for _ in range(2):  # the second round is answered from what the converter remembers
        assert [convert(term) for term in look_alike] == [to_oxigraph(term) for term in look_alike]
