"""What a query may not do: the inspection that reads its tokens and refuses it with a reason (see test_sandbox for
the sealed worker process, and test_bypass for the same attempts against a running server)."""

import pytest

from kraeftgraf.endpoint.safety import inspect_query, without_byte_order_mark
from kraeftgraf.engines.base import DatasetSelection
from kraeftgraf.errors import QueryRefusedError, SparqlSyntaxError

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


@pytest.mark.parametrize("update", ["# x\rDROP ALL", "#\rLOAD <http://example.org/data.ttl>",
                                    "# a\r DELETE WHERE { ?s ?p ?o }"])
def test_an_update_after_a_comment_ended_by_a_carriage_return_is_refused_as_read_only(update: str) -> None:
    # Found by the reliability harness: rdflib reads the whole text as one comment, so its update parser found no
    # operation, and the endpoint answered 422 "internal error" instead of refusing.
    for engine_checks_syntax in (False, True):
        with pytest.raises(QueryRefusedError, match="read-only"):
            inspect_query(update, graphs=GRAPHS, engine_checks_syntax=engine_checks_syntax)


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


# An engine that parses strictly itself (Oxigraph) skips rdflib's parser where SERVICE and FROM cannot occur.
@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { sErViCe <http://example.org/sparql> { ?s ?p ?o } }",
    "# a comment line first\nSELECT * WHERE { ?s ?p ?o . SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } # a trailing comment\n; SERVICE",
    # Issue 10's forms: a line that starts with # inside a string, separators SPARQL does not end lines at,
    # an escaped quote, keywords glued to what follows.
    'SELECT ?x WHERE { BIND("""x\n#""" AS ?a) SERVICE <http://example.org/sparql> { ?s ?p ?x } }',
    "SELECT ?x WHERE { BIND('''x\n#''' AS ?a) SERVICE <http://example.org/sparql> { ?s ?p ?x } }",
    *(f'SELECT ?x WHERE {{ BIND("x{separator}#" AS ?a) SERVICE <http://example.org/sparql> {{ ?s ?p ?x }} }}'
      for separator in "\u2028\u2029\u0085\u000c\u000b\u001c\u001d\u001e"),
    'SELECT ?x WHERE { BIND("\\u0022" AS ?a) SERVICE <http://example.org/sparql> { ?s ?p ?x } BIND("\\u0022" AS ?b) }',
    "SELECT * WHERE { SERVICESILENT<http://example.org/sparql>{ ?s ?p ?o } }",
    "PREFIX : <http://example.org/> SELECT * WHERE { SERVICE:sparql { ?s ?p ?o } }",
    "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICEe:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p true\tSERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p trueSERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 1SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment that a carriage return ends\r SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?u { <http://example.org/sparql> } SERVICE ?u { ?s ?p ?o } }",
    "BASE <http://example.org/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
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


def test_a_query_that_only_mentions_service_in_strings_iris_variables_and_comments_may_run() -> None:
    harmless = ('PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> # SERVICE <http://example.org/>\n'
                'SELECT ?service WHERE { BIND("SERVICE <http://example.org/> {}" AS ?service) '
                '?service a sd:Service ; <http://example.org/service#x> ?o . } # service')
    for checks_syntax in (True, False):
        assert inspect_query(harmless, graphs=GRAPHS, engine_checks_syntax=checks_syntax).form == "SELECT"


@pytest.mark.parametrize("query", [
    # `<` might be an IRI or the less-than operator, and the two readings hide different text.
    "SELECT * WHERE { BIND(1 AS ?x) FILTER(?x<'x>a') SERVICE <http://example.org/sparql> { ?s ?p ?o } #'\n}",
    "SELECT * WHERE { BIND(1 AS ?x) FILTER(?x <http://a#b> 2) BIND('''a\nb''' AS ?y) # service\n}",
])
def test_a_query_that_reads_two_ways_and_mentions_service_is_refused_for_oxigraph(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="cannot be sure how this query reads"):
        inspect_query(query, graphs=GRAPHS, engine_checks_syntax=True)


def test_a_query_that_reads_two_ways_without_service_is_left_to_the_engine() -> None:
    # Without the letters of SERVICE, no reading of it can call out: Oxigraph reports its syntax itself.
    query = "SELECT * WHERE { BIND(1 AS ?x) FILTER(?x <http://a#b> 2) BIND('''a\nb''' AS ?y) }"
    assert inspect_query(query, graphs=GRAPHS, engine_checks_syntax=True).form == "SELECT"
    with pytest.raises(SparqlSyntaxError):  # rdflib's parser, which the reference engine runs, finds the mistake
        inspect_query(query, graphs=GRAPHS)


@pytest.mark.parametrize("query", ["", "   \n\t", "# only a comment\n", "PREFIX a: <http://a.example/>",
                                   "BASE <http://a.example/> PREFIX a: <http://a.example/> # and a comment"])
def test_an_empty_query_is_a_syntax_error_that_says_so(query: str) -> None:
    for checks_syntax in (True, False):
        with pytest.raises(SparqlSyntaxError, match="the query is empty"):
            inspect_query(query, graphs=GRAPHS, engine_checks_syntax=checks_syntax)


def test_a_leading_byte_order_mark_is_dropped() -> None:
    assert without_byte_order_mark("\ufeffASK {}") == "ASK {}"
    assert inspect_query(without_byte_order_mark("\ufeffASK {}"), graphs=GRAPHS).form == "ASK"


def test_an_escape_that_is_no_character_is_named_with_its_place() -> None:
    with pytest.raises(SparqlSyntaxError, match=r"line 1, column 10: \\UFFFFFFFF is not a Unicode character"):
        inspect_query('SELECT ("\\UFFFFFFFF" AS ?x) {}', graphs=GRAPHS)


def test_an_unknown_prefix_is_named_where_it_is_used() -> None:
    with pytest.raises(SparqlSyntaxError, match="line 2, column 14: unknown prefix foaf:"):
        inspect_query("SELECT ?name\nWHERE { ?x   foaf:name ?name }", graphs=GRAPHS, engine_checks_syntax=True)


def test_a_missing_brace_names_the_one_left_open() -> None:
    with pytest.raises(SparqlSyntaxError, match="missing } to close the { at line 1, column 16"):
        inspect_query("SELECT * WHERE { ?s ?p ?o", graphs=GRAPHS, engine_checks_syntax=True)


def test_a_syntax_error_shows_the_line_with_a_caret_under_the_column() -> None:
    with pytest.raises(SparqlSyntaxError) as error:
        inspect_query("SELECT *\nWHERE {\n  FILTER(?s = ) }", graphs=GRAPHS)
    # The place where the construct that cannot be read starts, in the text as sent (no hidden prefixes).
    assert error.value.detail.startswith("line 3, column 3: unexpected 'FILTER'")
    assert error.value.detail.endswith("\n    FILTER(?s = ) }\n    ^")


def test_a_relative_from_iri_resolves_against_the_base_before_it_is_checked() -> None:
    inspected = inspect_query("SELECT * FROM <g1> WHERE { ?s ?p ?o }", graphs=GRAPHS, engine_checks_syntax=True,
                              base="http://example.org/sparql")
    assert inspected.from_graphs == ("http://example.org/g1",)
    with pytest.raises(QueryRefusedError, match="<http://example.org/other/g1> is not a graph"):
        inspect_query("BASE <http://example.org/other/> SELECT * FROM <g1> WHERE { ?s ?p ?o }", graphs=GRAPHS,
                      engine_checks_syntax=True, base="http://example.org/sparql")
