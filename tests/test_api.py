"""The Python API: kraeftgraf.open(), saved and ad-hoc queries, rows of plain values, DataFrames."""

import sys
from pathlib import Path

import pytest

import kraeftgraf
from kraeftgraf.api import KnowledgeGraph, Rows
from kraeftgraf.errors import MissingDependencyError, ParameterError, UnknownQueryError, ValidationFailedError

from .conftest import subject_line

TESTS = Path(__file__).resolve().parent


def test_package_exports_exactly_what_all_lists() -> None:
    assert set(kraeftgraf.__all__) == {"KnowledgeGraph", "KraeftgrafError", "Rows", "SavedQuery", "__version__", "open"}
    for name in kraeftgraf.__all__:
        assert hasattr(kraeftgraf, name), name


def test_open_builds_the_embedded_data_and_answers_a_saved_query() -> None:
    kg = kraeftgraf.open()
    rows = kg.query("numbering-across-documents")
    # 001 writes "Anbefaling IIII" for the plan's fourth recommendation of del 1.
    assert ("IV", "IIII") in {(r["numberInPlan"], r["numberInDocument"]) for r in rows}
    assert len(kg.saved_queries()) == len(kg.queries) >= 25


def test_open_refuses_data_that_does_not_conform_to_the_shapes_saying_where_and_why() -> None:
    path = TESTS / "broken" / "label-no-danish-label.ttl"
    with pytest.raises(ValidationFailedError) as raised:
        kraeftgraf.open([path])
    assert f"{path}:{subject_line(path, 'id:test-initiative')}: Violation: " in str(raised.value)
    assert raised.value.violations >= 1


def test_rows_hold_plain_python_values_and_every_variable(knowledge_graph: KnowledgeGraph) -> None:
    rows = knowledge_graph.query("figures-by-indicator", indicator="id:indicator-pathway-target-fulfilment")
    assert isinstance(rows, Rows)
    sjaelland_2020 = next(r for r in rows if r["areaLabel"] == "Region Sjælland" and r["year"] == 2020)
    # 002, "Målopfyldelse – årsopgørelse 2020": "Region Sjælland 72%"
    assert sjaelland_2020["value"] == 72.0 and isinstance(sjaelland_2020["value"], float)
    assert isinstance(sjaelland_2020["year"], int)
    assert sjaelland_2020["document"] == "https://w3id.org/kraeftgraf/id/document-sjaelland-8-punktsplan"
    assert sjaelland_2020["periodStart"] is None  # unbound: the key is there, the value is None
    assert all(list(row) == rows.variables for row in rows)


def test_rows_behave_like_a_list(knowledge_graph: KnowledgeGraph) -> None:
    rows = knowledge_graph.query("plan-items")
    assert len(rows) == len(list(rows)) == len(rows[:]) == 15  # 000: Anbefaling 1-10 and A-E
    assert rows[0] == rows[:1][0]
    assert rows.column("number")[:3] == ["1", "2", "3"]
    with pytest.raises(KeyError, match="the columns are"):
        rows.column("nummer")


def test_ad_hoc_sparql_has_the_project_prefixes_and_all_query_forms(knowledge_graph: KnowledgeGraph) -> None:
    labels = knowledge_graph.sparql(
        'SELECT ?label WHERE { id:plan-sjaelland-8-punktsplan rdfs:label ?label FILTER(LANG(?label) = "da") }')
    # 002: "8-punktsplan for kræftområdet i Region Sjælland"
    assert labels.column("label") == ["8-punktsplan for kræftområdet i Region Sjælland"]
    assert knowledge_graph.sparql("ASK { id:recommendation-hovedstaden-del-2-5 a kg:Recommendation }").boolean is True
    graph = knowledge_graph.sparql("CONSTRUCT { ?p a kg:PlanPoint } WHERE { ?p a kg:PlanPoint }").graph
    assert graph is not None and len(graph) == 8  # 002: "De 8 punkter"


def test_saved_query_parameters_are_keyword_arguments_checked_by_type(knowledge_graph: KnowledgeGraph) -> None:
    # 003: "alle kvinder født før 1948 i 2017 fået tilbudt at blive testet for HPV-infektion"
    in_2017 = knowledge_graph.query("initiatives-in-year", year=2017).column("thing")
    assert "https://w3id.org/kraeftgraf/id/programme-hpv-test-older-women" in in_2017
    with pytest.raises(ParameterError, match="'year'"):
        knowledge_graph.query("initiatives-in-year", year="2017a")


def test_unknown_query_name_suggests_the_closest_one(knowledge_graph: KnowledgeGraph) -> None:
    with pytest.raises(UnknownQueryError, match="Did you mean 'amounts'"):
        knowledge_graph.query("amount")


def test_rows_convert_to_a_dataframe_with_columns_in_query_order(knowledge_graph: KnowledgeGraph) -> None:
    pytest.importorskip("pandas", reason="pandas is optional; the DataFrame conversion needs it")
    frame = knowledge_graph.query("plan-items", plan="id:plan-sjaelland-8-punktsplan").to_dataframe()
    assert list(frame.columns) == ["number", "item", "itemLabel", "trackLabel", "text"]
    # 002: "8. Personlig Medicin udvikles og implementeres"
    assert frame.iloc[-1]["itemLabel"] == "Personlig Medicin udvikles og implementeres"


def test_dataframe_without_pandas_says_how_to_install_it(knowledge_graph: KnowledgeGraph,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    rows = knowledge_graph.query("defined-terms")
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail as if it were not installed
    with pytest.raises(MissingDependencyError, match="pip install pandas"):
        rows.to_dataframe()
