"""Every saved query answers alike on Virtuoso 7 (Debian's virtuoso-opensource) and on the embedded engine.

Virtuoso is the store most research groups and public data portals run; the issue found saved queries it refuses
(an aggregate's alias reused in the same projection), answers differently (booleans as 0/1) or answers with
duplicate rows. These tests start a private Virtuoso, bulk-load the built dataset and compare every answer.
"""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kraeftgraf.cli.main import PUBLISH_PASSWORD, main
from kraeftgraf.engines.base import QueryResult, RdflibEngine
from kraeftgraf.engines.publish import DEFAULT_GRAPH
from kraeftgraf.engines.remote import RemoteEngine
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import KG
from kraeftgraf.queries.saved import SavedQuery, load_queries, run_saved_query

from .virtuoso_support import PUBLISHER, PUBLISHER_PASSWORD, Virtuoso, require_virtuoso, running_virtuoso

QUERIES = sorted(load_queries().values(), key=lambda q: q.name)
_JOINED = " | "  # how saved queries join the values of a many-valued column
_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module")
def loaded(built: BuiltDataset, virtuoso: Virtuoso) -> RemoteEngine:
    """The built dataset bulk-loaded into the graph `kraeftgraf publish` writes, asked as a remote endpoint."""
    virtuoso.load(built.require_valid().dataset, DEFAULT_GRAPH)
    return RemoteEngine(virtuoso.sparql, graph=DEFAULT_GRAPH, timeout=120)


@pytest.fixture(scope="module")
def reference(built: BuiltDataset) -> RdflibEngine:
    return RdflibEngine(built.require_valid().dataset)


def _cell(node: Node | None) -> object:
    """A value with its datatype. Numbers and booleans by value: Virtuoso writes the same xsd:decimal 4.0 as 4
    and xsd:boolean true as 1, other lexical forms of the same values (XML Schema 1.1, 3.3.2 and 3.3.3).
    A value that a saved query joins (" | ") compares as the multiset of its parts: SPARQL 1.1 (18.5.1.7,
    GROUP_CONCAT) leaves the order of the joined values to the store, and Virtuoso does not follow the order of
    the subquery feeding it."""
    if isinstance(node, Literal) and node.datatype in _NUMERIC:
        return ("number", str(node.datatype), float(node.toPython()))
    if isinstance(node, Literal) and node.datatype == XSD.boolean:
        return ("boolean", node.toPython())
    if isinstance(node, Literal) and node.datatype is None and not node.language and _JOINED in node:
        return ("joined", tuple(sorted(str(node).split(_JOINED))))
    return node


def _rows(result: QueryResult) -> list[tuple[object, ...]]:
    return [tuple(_cell(row.get(v)) for v in result.variables) for row in result.rows]


def test_the_loaded_store_holds_every_triple_of_the_built_dataset(
        built: BuiltDataset, loaded: RemoteEngine) -> None:
    union = {triple for triple in built.require_valid().dataset.triples((None, None, None))}
    count = loaded.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    assert int(str(count)) == len(union)


def test_an_ask_query_is_answered_true_and_false_by_virtuoso(loaded: RemoteEngine) -> None:
    # Virtuoso 7 writes ASK answers as a one-row table (__ASK_RETVAL 1/0), not the standard `boolean`.
    assert loaded.query("ASK { ?s a kg:Theme }").boolean is True
    assert loaded.query("ASK { ?s a kg:NoSuchClass }").boolean is False


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_virtuoso_answers_every_saved_query_like_the_embedded_engine(
        query: SavedQuery, reference: RdflibEngine, loaded: RemoteEngine) -> None:
    expected = run_saved_query(query, reference)
    actual = run_saved_query(query, loaded)
    assert actual.form == expected.form
    if expected.form == "ASK":
        assert actual.boolean == expected.boolean
        return
    assert actual.variables == expected.variables
    want, got = _rows(expected), _rows(actual)
    assert len(got) == len(want), "row multiplicity differs"
    assert Counter(got) == Counter(want)
    # Every saved query orders its rows totally (test_queries_catalogue), so the order must agree too.
    assert got == want, "same rows, another order"


_PUBLISHED = "http://example.org/kraeftgraf-published"  # a graph of its own, apart from the bulk-loaded one


@pytest.fixture(scope="module")
def publisher(virtuoso: Virtuoso) -> str:
    """The account `kraeftgraf publish --user` writes as, with the one-time settings the README gives."""
    virtuoso.create_publisher()
    return PUBLISHER


def test_publish_replaces_a_graph_at_virtuoso_with_digest_authentication(
        built: BuiltDataset, virtuoso: Virtuoso, publisher: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(PUBLISH_PASSWORD, PUBLISHER_PASSWORD)
    arguments = ["publish", "--endpoint", virtuoso.graph_store, "--user", publisher, "--graph", _PUBLISHED]
    assert main(arguments) == 0
    assert main(arguments) == 0  # twice: the graph is replaced, not added to
    union = {triple for triple in built.require_valid().dataset.triples((None, None, None))}
    assert f"with {len(union)} triples" in capsys.readouterr().out
    engine = RemoteEngine(virtuoso.sparql, graph=_PUBLISHED, timeout=120)
    count = engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    assert int(str(count)) == len(union)


def test_publish_with_a_wrong_password_is_refused_with_a_clear_error(
        virtuoso: Virtuoso, publisher: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(PUBLISH_PASSWORD, "not-the-password")
    assert main(["publish", "--endpoint", virtuoso.graph_store, "--user", publisher, "--graph", _PUBLISHED]) == 2
    error = capsys.readouterr().err
    assert "401" in error and repr(publisher) in error


def test_publish_without_a_user_is_refused_by_the_authenticated_endpoint(
        virtuoso: Virtuoso, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "--endpoint", virtuoso.graph_store, "--graph", _PUBLISHED]) == 2
    assert "401" in capsys.readouterr().err


def test_publish_with_a_user_but_no_password_variable_names_the_variable(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(PUBLISH_PASSWORD, raising=False)
    assert main(["publish", "--endpoint", "http://127.0.0.1:9/sparql-graph-crud-auth", "--user", "someone"]) == 2
    assert PUBLISH_PASSWORD in capsys.readouterr().err


def test_serve_with_virtuoso_as_backend_answers_a_saved_query_like_the_embedded_engine(
        loaded: RemoteEngine, virtuoso: Virtuoso, reference: RdflibEngine) -> None:
    import httpx

    from .endpoint_support import running_server

    query = next(q for q in QUERIES if q.name == "theme-coverage-two-regions")
    expected = run_saved_query(query, reference)
    with running_server(["--backend", virtuoso.sparql]) as server:
        response = httpx.get(f"{server.url}/api/queries/{query.name}",
                             headers={"Accept": "application/sparql-results+json"}, timeout=120)
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
        assert len(rows) == len(expected.rows)
        # The endpoint's own refusals still apply in front of the backend.
        service = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        assert httpx.get(f"{server.url}/sparql", params={"query": service}).status_code == 400


def test_the_benchmark_starts_virtuoso_on_the_built_dataset_and_stops_it(
        built: BuiltDataset, tmp_path: Path) -> None:
    """bench/servers.py lists Virtuoso where it is installed; started as the benchmark starts servers, it answers
    only once the whole dataset is loaded, and stopping it leaves no process behind."""
    from bench.servers import server_specs, start_server

    require_virtuoso()
    trig = tmp_path / "built.trig"
    built.require_valid().dataset.serialize(destination=trig, format="trig")
    [spec] = server_specs(trig, tmp_path / "oxigraph", tmp_path / "store", only=("virtuoso",))  # no peers needed
    union = {triple for triple in built.require_valid().dataset.triples((None, None, None))}
    themes = {s for s, p, o in union if p == RDF.type and o == KG.Theme}
    with start_server(spec, tmp_path / "logs", ready_timeout_s=300) as server:
        engine = RemoteEngine(f"http://127.0.0.1:{server.port}{spec.sparql_path}", timeout=60)
        found = engine.query("SELECT DISTINCT ?theme WHERE { ?theme a kg:Theme }").rows
        assert {row["theme"] for row in found} == themes
    assert server.process.poll() is not None


def test_a_missing_virtuoso_skips_with_its_reason_but_fails_where_ci_requires_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import virtuoso as launcher

    from .virtuoso_support import REQUIRE

    monkeypatch.setattr(launcher, "binary", lambda: None)
    monkeypatch.delenv(REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install virtuoso-opensource"):
        require_virtuoso()
    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE}=1 but virtuoso-t"):
        require_virtuoso()
