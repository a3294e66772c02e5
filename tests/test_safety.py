"""What a query may not do: the inspection that refuses it with a reason, and the sealed worker process."""

import subprocess
import sys
import textwrap

import pytest

from kraeftgraf.engine import DatasetSelection
from kraeftgraf.errors import QueryRefusedError, SparqlSyntaxError
from kraeftgraf.safety import inspect_query

GRAPHS = frozenset({"http://example.org/g1", "http://example.org/g2"})


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "ASK { GRAPH ?g { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
])
def test_service_anywhere_in_a_query_is_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE <http://example.org/sparql>: this endpoint does not call"):
        inspect_query(query, graphs=GRAPHS)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <http://example.org/g1> FROM <http://example.org/elsewhere> { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } FROM <https://example.net/dump.nt> WHERE { ?s ?p ?o }",
    "DESCRIBE ?s FROM <ftp://example.org/x> WHERE { ?s ?p ?o }",
])
def test_from_a_graph_outside_the_dataset_is_refused_naming_it(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="is not a graph of this dataset") as refused:
        inspect_query(query, graphs=GRAPHS)
    assert "never fetches data from elsewhere" in str(refused.value)


def test_from_and_from_named_graphs_of_the_dataset_are_allowed() -> None:
    inspected = inspect_query("SELECT * FROM <http://example.org/g1> FROM NAMED <http://example.org/g2> "
                              "WHERE { ?s ?p ?o }", graphs=GRAPHS)
    assert inspected.form == "SELECT"
    assert inspected.from_graphs == ("http://example.org/g1",)
    assert inspected.from_named_graphs == ("http://example.org/g2",)


def test_a_protocol_dataset_outside_the_dataset_is_refused() -> None:
    outside = DatasetSelection(default_graphs=("http://example.org/g1",), named_graphs=("file:///etc/passwd",))
    with pytest.raises(QueryRefusedError, match="<file:///etc/passwd> is not a graph"):
        inspect_query("ASK { ?s ?p ?o }", graphs=GRAPHS, dataset=outside)


@pytest.mark.parametrize(("update", "named"), [
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", "INSERT DATA"),
    ("DELETE DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", "DELETE DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
    ("CLEAR ALL", "CLEAR"),
    ("DROP GRAPH <http://example.org/g1>", "DROP"),
    ("CREATE GRAPH <http://example.org/g3>", "CREATE"),
    ("COPY <http://example.org/g1> TO <http://example.org/g2>", "COPY"),
    ("MOVE <http://example.org/g1> TO <http://example.org/g2>", "MOVE"),
    ("ADD <http://example.org/g1> TO <http://example.org/g2>", "ADD"),
])
def test_sparql_update_is_refused_as_read_only_naming_the_operation(update: str, named: str) -> None:
    with pytest.raises(QueryRefusedError, match="read-only") as refused:
        inspect_query(update, graphs=GRAPHS)
    assert named in str(refused.value)


def test_a_syntax_error_names_line_and_column() -> None:
    with pytest.raises(SparqlSyntaxError) as error:
        inspect_query("SELECT ?s\nWHERE { ?s ?p }", graphs=GRAPHS)
    assert "line 2, column" in str(error.value)


def test_an_undeclared_prefix_is_a_syntax_error_that_names_it() -> None:
    with pytest.raises(SparqlSyntaxError, match="nope"):
        inspect_query("SELECT * WHERE { ?s nope:p ?o }", graphs=GRAPHS)


def test_the_projects_prefixes_need_no_declaration() -> None:
    inspected = inspect_query("SELECT * WHERE { ?r a kg:Recommendation ; rdfs:label ?l ; kg:inPlan id:x }",
                              graphs=GRAPHS)
    assert inspected.form == "SELECT"


@pytest.mark.parametrize(("query", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"), ("ASK { ?s ?p ?o }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"), ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
])
def test_inspection_gives_the_query_form(query: str, form: str) -> None:
    assert inspect_query(query, graphs=GRAPHS).form == form


def test_a_query_nested_too_deeply_to_parse_is_refused_not_crashed() -> None:
    deep = "SELECT * WHERE { " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000 + " }"
    with pytest.raises((QueryRefusedError, SparqlSyntaxError)):
        inspect_query(deep, graphs=GRAPHS)


def _run_sealed(code: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh Python after seal_process(): the audit hook is for good, so never in this process."""
    script = "from kraeftgraf.safety import seal_process\nseal_process()\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


def test_a_sealed_process_cannot_reach_the_network() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        done = _run_sealed(f"""
            import socket, urllib.request
            from kraeftgraf.errors import QueryRefusedError
            for attempt in (lambda: urllib.request.urlopen("http://127.0.0.1:{port}/x", timeout=2),
                            lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2)):
                try:
                    attempt()
                except QueryRefusedError as refused:
                    print("BLOCKED", refused)
            """)
        with pytest.raises(TimeoutError):
            listener.accept()  # nothing ever connected
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("BLOCKED") == 2
    assert "never reaches outside its own data" in done.stdout


def test_a_sealed_process_cannot_read_files_or_start_programs() -> None:
    done = _run_sealed("""
        import subprocess
        from kraeftgraf.errors import QueryRefusedError
        for attempt in (lambda: open("/etc/passwd").read(), lambda: subprocess.run(["true"])):
            try:
                print("leaked:", attempt())
            except QueryRefusedError as refused:
                print("BLOCKED", refused)
        import rdflib.plugins.sparql.parser  # its own code still loads
        print("imports work")
        """)
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stdout
    assert "root:" not in done.stdout
    assert done.stdout.count("BLOCKED") == 2
    assert "imports work" in done.stdout


def test_a_sealed_process_makes_rdflib_refuse_to_load_unknown_from_graphs() -> None:
    done = _run_sealed("""
        from rdflib import Dataset
        dataset = Dataset(default_union=True)
        try:
            rows = list(dataset.query("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"))
            print("rows:", len(rows))
        except Exception as error:
            print("error:", type(error).__name__)
        """)
    assert done.returncode == 0, done.stderr
    assert "rows: 0" in done.stdout or "error:" in done.stdout
    assert "root:" not in done.stdout + done.stderr


# An engine that parses strictly itself (Oxigraph) skips rdflib's parser where SERVICE and FROM cannot occur.
@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { sErViCe <http://example.org/sparql> { ?s ?p ?o } }",
    "# a comment line first\nSELECT * WHERE { ?s ?p ?o . SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } # a trailing comment\n; SERVICE",
])
def test_an_engine_that_checks_syntax_still_has_service_refused(query: str) -> None:
    with pytest.raises((QueryRefusedError, SparqlSyntaxError)):
        inspect_query(query, graphs=GRAPHS, engine_checks_syntax=True)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "select * from named <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_an_engine_that_checks_syntax_still_has_outside_graphs_refused(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="is not a graph of this dataset"):
        inspect_query(query, graphs=GRAPHS, engine_checks_syntax=True)


def test_an_update_is_refused_as_read_only_for_an_engine_that_checks_syntax_too() -> None:
    with pytest.raises(QueryRefusedError, match="read-only"):
        inspect_query("INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }", graphs=GRAPHS,
                      engine_checks_syntax=True)


def test_without_service_or_from_the_syntax_is_left_to_the_engine_that_checks_it() -> None:
    broken = "# SERVICE and FROM in a comment line are no code\nSELECT * WHERE { ?s ?p }"
    assert inspect_query(broken, graphs=GRAPHS, engine_checks_syntax=True).form == "SELECT"
    with pytest.raises(SparqlSyntaxError):  # the reference engine's parser is always asked
        inspect_query(broken, graphs=GRAPHS)


def test_a_word_that_might_be_service_or_from_makes_the_query_parsed_after_all() -> None:
    with pytest.raises(SparqlSyntaxError):  # the trailing comment is not a comment line: parse, to be sure
        inspect_query("SELECT * WHERE { ?s ?p } # from here", graphs=GRAPHS, engine_checks_syntax=True)
