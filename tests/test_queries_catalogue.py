"""The saved-query collection as a whole: complete, bilingual, portable across engines, and catalogued."""

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


def test_every_query_has_a_test_of_its_answer() -> None:
    answers = (TESTS / "test_queries_answers.py").read_text(encoding="utf-8")
    for path in sorted(resources.resource_dir("queries").glob("*.rq")):
        assert f'"{path.stem}"' in answers, f"no test in test_queries_answers.py runs {path.stem}"


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
