"""The saved-query collection as a whole: complete, bilingual, portable across engines, and catalogued."""

import ast
import re
from pathlib import Path

import pytest
from rdflib import BNode
from rdflib.plugins.sparql import prepareQuery

from kraeftgraf import resources
from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.engines.base import QueryEngine, QueryResult
from kraeftgraf.queries.catalogue import REGENERATE, describe_query, render_catalogue
from kraeftgraf.queries.saved import run_saved_query

from .query_support import plain_rows

TESTS = Path(__file__).resolve().parent


def test_there_are_at_least_25_saved_queries(knowledge_graph: KnowledgeGraph) -> None:
    assert len(knowledge_graph.saved_queries()) >= 25


def test_every_query_has_distinct_danish_and_english_summaries_and_descriptions(
        knowledge_graph: KnowledgeGraph) -> None:
    for q in knowledge_graph.saved_queries():
        assert q.summary.da and q.summary.en and q.summary.da != q.summary.en, q.name
        assert q.description.da and q.description.en and q.description.da != q.description.en, q.name
        assert q.tags, q.name
        for param in q.params:
            assert param.description.da and param.description.en, (q.name, param.name)


def test_every_query_is_valid_sparql_and_orders_its_rows(knowledge_graph: KnowledgeGraph) -> None:
    for q in knowledge_graph.saved_queries():
        prepareQuery(q.sparql)  # raises on a syntax error
        assert re.search(r"^ORDER BY ", q.sparql, flags=re.MULTILINE), f"{q.name} has no ORDER BY"


def asserted_queries(source: str) -> dict[str, set[str]]:
    """Saved query name -> the test functions that run it with `run(kg, "name", ...)` and assert on what it gave.

    A test counts for a query only if one of its assert statements uses the call's rows, directly or through
    a name bound (in any number of steps) from them; naming the query in a comment or a string is not enough.
    """
    found: dict[str, set[str]] = {}
    for function in ast.parse(source).body:
        if not (isinstance(function, ast.FunctionDef) and function.name.startswith("test_")):
            continue
        calls = {id(call): call.args[1].value for call in ast.walk(function)
                 if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "run"
                 and len(call.args) > 1 and isinstance(call.args[1], ast.Constant)
                 and isinstance(call.args[1].value, str)}
        derived: dict[str, set[str]] = {}  # variable -> queries whose rows it holds something of
        for statement in ast.walk(function):
            if isinstance(statement, ast.Assign | ast.AnnAssign | ast.For | ast.comprehension):
                value = statement.iter if isinstance(statement, ast.For | ast.comprehension) else statement.value
                sources = _queries_in(value, calls, derived) if value is not None else set()
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and sources:
                            derived.setdefault(name.id, set()).update(sources)
        for statement in ast.walk(function):
            if isinstance(statement, ast.Assert):
                for query in _queries_in(statement.test, calls, derived):
                    found.setdefault(query, set()).add(function.name)
    return found


def _queries_in(node: ast.AST, calls: dict[int, str], derived: dict[str, set[str]]) -> set[str]:
    queries: set[str] = set()
    for inner in ast.walk(node):
        if id(inner) in calls:
            queries.add(calls[id(inner)])
        elif isinstance(inner, ast.Name) and inner.id in derived:
            queries |= derived[inner.id]
    return queries


def test_every_query_is_run_by_a_test_that_asserts_on_its_rows() -> None:
    answered = asserted_queries((TESTS / "test_queries_answers.py").read_text(encoding="utf-8"))
    missing = [p.stem for p in sorted(resources.resource_dir("queries").glob("*.rq")) if p.stem not in answered]
    assert missing == [], f"no test in test_queries_answers.py asserts on the rows of {missing}"


def test_a_query_that_is_run_but_never_asserted_on_does_not_count() -> None:
    source = (
        "def test_a(kg):\n    rows = run(kg, 'only-run')\n    print(rows)\n    assert True  # 'named-only'\n"
        "def test_b(kg):\n    rows = run(kg, 'checked', theme='x')\n    items = column(rows, 'item')\n"
        "    assert 'i' in items\n"
        "def test_c(kg):\n    assert run(kg, 'direct')\n"
        "def test_d(kg):\n    for row in run(kg, 'looped'):\n        assert row['x']\n")
    assert asserted_queries(source) == {"checked": {"test_b"}, "direct": {"test_c"}, "looped": {"test_d"}}


def _no_blank_nodes(name: str, result: QueryResult) -> None:
    for row in result.rows:
        assert not any(isinstance(value, BNode) for value in row.values()), f"{name} returns a blank node"


def test_every_query_gives_the_same_rows_in_the_same_order_on_rdflib_and_oxigraph(
        knowledge_graph: KnowledgeGraph, oxigraph_engine: QueryEngine) -> None:
    """Engines number blank nodes and break ties differently: no blank nodes and a total ORDER BY make them agree."""
    for q in knowledge_graph.saved_queries():
        on_rdflib = run_saved_query(q, knowledge_graph.engine)
        assert on_rdflib.rows, f"{q.name} answers nothing on the embedded data"
        _no_blank_nodes(q.name, on_rdflib)
        assert plain_rows(run_saved_query(q, oxigraph_engine)) == plain_rows(on_rdflib), q.name


@pytest.fixture(scope="module")
def catalogue(knowledge_graph: KnowledgeGraph) -> str:
    return render_catalogue(knowledge_graph.saved_queries(), knowledge_graph.engine)


def test_committed_catalogue_matches_the_queries_and_their_answers(catalogue: str) -> None:
    committed = (resources.resource_dir("queries") / "README.md").read_text(encoding="utf-8")
    assert committed == catalogue, f"queries/README.md is out of date; regenerate it: {REGENERATE}"


def test_catalogue_shows_each_query_with_summaries_parameters_and_an_example(
        knowledge_graph: KnowledgeGraph, catalogue: str) -> None:
    for q in knowledge_graph.saved_queries():
        section = catalogue.split(f"\n## {q.name}\n", 1)[1].split("\n## ", 1)[0]
        assert q.summary.da in section and q.summary.en in section
        assert "Example result" in section
        for param in q.params:
            assert f"`{param.name}`" in section


def test_query_description_is_plain_json_ready_data(knowledge_graph: KnowledgeGraph) -> None:
    described = describe_query(knowledge_graph.queries["plan-items-by-theme"])
    assert described["params"][0] | {"accepts": ""} == {
        "name": "theme", "type": "iri", "class": "kg:Theme", "default": "id:theme-late-effects", "required": False,
        "enumerate": list(knowledge_graph.queries["plan-items-by-theme"].params[0].enumerate), "accepts": "",
        "description": {"da": "Temaet (undertemaer tæller med)", "en": "The theme (narrower themes count too)"},
    }
