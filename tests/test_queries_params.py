"""Parameters of saved queries: parsed by type, checked against the data, and bound as values, never spliced in."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.engines.base import QueryEngine, QueryResult, rows_as_tuples, with_inline_values
from kraeftgraf.engines.oxigraph import OxigraphEngine
from kraeftgraf.errors import ParameterError
from kraeftgraf.graph.oxigraph_terms import to_oxigraph
from kraeftgraf.namespaces import ID, KG
from kraeftgraf.queries.saved import (
    Parameter,
    SavedQuery,
    bind_parameters,
    parameter_choices,
    parse_value,
    run_saved_query,
)

from .query_support import plain_rows


def query(kg: KnowledgeGraph, name: str) -> SavedQuery:
    return kg.queries[name]


def test_prefixed_name_and_full_iri_give_the_same_term(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "plan-items-by-theme")
    expected = URIRef("https://w3id.org/kraeftgraf/id/theme-palliation")
    assert parse_value(q, "theme", "id:theme-palliation") == expected
    assert parse_value(q, "theme", str(expected)) == expected
    assert parse_value(q, "theme", f"<{expected}>") == expected


def test_text_that_is_not_an_iri_is_refused_naming_the_parameter_and_what_it_accepts(
        knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "plan-items-by-theme")
    with pytest.raises(ParameterError) as caught:
        parse_value(q, "theme", "palliation")
    assert caught.value.parameter == "theme"
    assert "'theme'" in str(caught.value) and "kg:Theme" in str(caught.value)


def test_iri_with_characters_no_iri_can_hold_is_refused(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "plan-items-by-theme")
    with pytest.raises(ParameterError, match="no IRI holds"):
        parse_value(q, "theme", "https://w3id.org/kraeftgraf/id/x> } ?s ?p ?o {")


def test_iri_that_is_not_an_instance_of_the_class_is_refused_with_valid_choices(
        knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "plan-items-by-theme")
    with pytest.raises(ParameterError) as caught:
        run_saved_query(q, knowledge_graph.engine, {"theme": "id:theme-late-effect"})
    message = str(caught.value)
    assert "id:theme-late-effect is not a kg:Theme" in message
    assert "id:theme-late-effects" in message  # the closest valid choice is offered


def test_iri_without_a_class_must_be_a_resource_the_data_describes(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "evidence-for-resource")
    with pytest.raises(ParameterError, match="not a resource in the data"):
        run_saved_query(q, knowledge_graph.engine, {"resource": "id:no-such-thing"})


def test_year_must_be_a_plausible_year(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "initiatives-in-year")
    assert parse_value(q, "year", "2021") == Literal(2021, datatype=XSD.integer)
    assert parse_value(q, "year", 2021) == Literal(2021, datatype=XSD.integer)
    with pytest.raises(ParameterError, match="not a plausible year"):
        parse_value(q, "year", "20211")
    with pytest.raises(ParameterError, match="not a whole number"):
        parse_value(q, "year", "last year")


def test_string_parameter_refuses_an_empty_text(knowledge_graph: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="empty"):
        parse_value(query(knowledge_graph, "search"), "text", "  ")


def test_missing_required_parameter_and_unknown_parameter_name_are_errors(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "plan-items-by-theme")
    with pytest.raises(ParameterError, match="its parameters: theme"):
        bind_parameters(q, {"them": "id:theme-palliation"}, knowledge_graph.engine)
    required = replace(q, params=tuple(_without_default(p) for p in q.params))
    with pytest.raises(ParameterError, match="a value is required"):
        bind_parameters(required, {}, knowledge_graph.engine)


def _without_default(param: Parameter) -> Parameter:
    return replace(param, default=None)


def test_search_text_is_bound_as_a_value_so_sparql_in_it_is_just_text(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "search")
    injection = '") || true || CONTAINS("'
    result = run_saved_query(q, knowledge_graph.engine, {"text": injection})
    assert result.rows == []  # no label contains that text, and it did not turn the filter into `true`


def test_every_enumerated_choice_and_default_is_valid_in_the_data(knowledge_graph: KnowledgeGraph) -> None:
    for q in knowledge_graph.saved_queries():
        for param in q.params:
            for value in {*param.enumerate, *([param.default] if param.default is not None else [])}:
                bind_parameters(q, {param.name: value}, knowledge_graph.engine)  # raises when not valid


def test_choices_come_from_enumerate_with_labels_or_else_from_the_class(knowledge_graph: KnowledgeGraph) -> None:
    theme = query(knowledge_graph, "plan-items-by-theme").parameter("theme")
    choices = parameter_choices(theme, knowledge_graph.engine)
    assert choices[0].value == ID["theme-late-effects"] and choices[0].label == "Senfølger"
    region = query(knowledge_graph, "initiatives-per-hospital").parameter("region")
    unlisted = replace(region, enumerate=())
    # The five Danish regions are the instances of kg:Region (reference data, official region codes).
    assert len(parameter_choices(unlisted, knowledge_graph.engine)) == 5


def _trailing_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with the SPARQL grammar's trailing VALUES clause, joined after grouping and filtering."""
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(v.n3() for v in bindings.values())
    return f"{sparql.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


Run = tuple[SavedQuery, dict[str, str]]


def _parameterised_runs(kg: KnowledgeGraph) -> list[Run]:
    """Each parameterised query with its defaults and with every other enumerated choice."""
    runs: list[Run] = []
    for q in kg.saved_queries():
        if q.params:
            runs.append((q, {}))
            runs += [(q, {p.name: c}) for p in q.params for c in p.enumerate if c != p.default]
    return runs


@pytest.fixture(scope="module")
def answers(knowledge_graph: KnowledgeGraph) -> list[tuple[Run, dict[str, Node], QueryResult]]:
    """Every parameterised run's bindings and rdflib answer, computed once for the tests below."""
    engine = knowledge_graph.engine
    done = []
    for q, values in _parameterised_runs(knowledge_graph):
        bindings = bind_parameters(q, values, engine)
        done.append(((q, values), bindings, engine.query(q.sparql, bindings=bindings)))
    return done


def test_parameterised_queries_answer_the_same_however_the_engine_receives_the_values(
        answers: list[tuple[Run, dict[str, Node], QueryResult]], oxigraph_engine: QueryEngine) -> None:
    """rdflib pre-binds the variables; Oxigraph substitutes those the query projects (SEP-0007) and gets the
    others, like a remote endpoint gets all, as a VALUES block opening the WHERE clause; the SPARQL grammar's
    trailing VALUES clause, joined after grouping and filtering, is stricter still.

    The saved queries are written so all four agree: every parameter is bound by a top-level pattern and is a
    group key where the query aggregates. The one exception is `search`, whose parameter only appears in a
    FILTER, which has run before a trailing VALUES clause is joined.
    """
    for (q, values), bindings, on_rdflib in answers:
        expected = plain_rows(on_rdflib)
        assert plain_rows(oxigraph_engine.query(q.sparql, bindings=bindings)) == expected, (q.name, values)
        leading = oxigraph_engine.query(with_inline_values(q.sparql, bindings))
        assert plain_rows(leading) == expected, (q.name, values)
        if q.name != "search":
            trailing = oxigraph_engine.query(_trailing_values(q.sparql, bindings))
            assert plain_rows(trailing) == expected, (q.name, values)


def test_non_default_parameter_values_change_the_answer(
        answers: list[tuple[Run, dict[str, Node], QueryResult]]) -> None:
    """A parameter that silently failed to bind would give the same answer (the default's, or everything) for all."""
    by_parameter: dict[tuple[str, str], set[tuple[object, ...]]] = {}
    for (q, values), _, result in answers:
        for name in values or [p.name for p in q.params]:  # the run with defaults counts for every parameter
            by_parameter.setdefault((q.name, name), set()).add(tuple(map(str, rows_as_tuples(result))))
    for (query_name, name), distinct in by_parameter.items():
        assert len(distinct) > 1, (query_name, name)


def test_a_number_with_4301_digits_is_refused_not_converted(knowledge_graph: KnowledgeGraph) -> None:
    q = query(knowledge_graph, "initiatives-in-year")
    with pytest.raises(ParameterError, match="'year'.*not a plausible year"):
        parse_value(q, "year", "2" * 4301)  # past Python's limit of 4,300 digits for int()
    as_integer = replace(q, params=tuple(replace(p, type="integer") for p in q.params))
    with pytest.raises(ParameterError, match="'year'.*not a whole number in range"):
        parse_value(as_integer, "year", "2" * 4301)
    with pytest.raises(ParameterError, match="not a whole number in range"):
        parse_value(as_integer, "year", str(2**63))
    assert parse_value(as_integer, "year", str(2**63 - 1)) == Literal(2**63 - 1, datatype=XSD.integer)
    assert parse_value(as_integer, "year", "-0042") == Literal(-42, datatype=XSD.integer)


@pytest.mark.parametrize("value", ["http://h/%zz", "id:a%zz", "kg:\ufff0x"])
def test_an_iri_parameter_the_engine_would_refuse_is_a_parameter_error(
        knowledge_graph: KnowledgeGraph, value: str) -> None:
    with pytest.raises(ParameterError, match="not a valid IRI"):
        parse_value(query(knowledge_graph, "evidence-for-resource"), "resource", value)


class _RecordingStore:
    """A pyoxigraph store that remembers the substitutions of each query it is asked."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.substitutions: list[object] = []

    def query(self, sparql: str, **options: Any) -> Any:
        self.substitutions.append(options.get("substitutions"))
        return self.store.query(sparql, **options)


def test_oxigraph_substitutes_a_projected_parameter_and_joins_any_other_as_values(
        knowledge_graph: KnowledgeGraph, oxigraph_engine: OxigraphEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Substituted, a parameter reaches the subquery that uses it (a VALUES block is only joined with the
    subquery's answer, which Oxigraph computes for every value first); a parameter the query does not project
    cannot be substituted, and must still be bound."""
    recording = _RecordingStore(oxigraph_engine.store)
    monkeypatch.setattr(oxigraph_engine, "_store", recording)
    q = query(knowledge_graph, "theme-coverage-two-regions")
    bindings = bind_parameters(q, {}, oxigraph_engine)
    projected = oxigraph_engine.query(q.sparql, bindings=bindings)
    assert recording.substitutions[-1] == {ox.Variable(n): to_oxigraph(v) for n, v in bindings.items()}
    assert {str(row["regionA"]) for row in projected.rows} == {str(ID["region-hovedstaden"])}

    palliation = ID["theme-palliation"]
    not_projected = "SELECT (COUNT(*) AS ?n) WHERE { ?thing kg:addressesTheme ?theme }"
    counted = cast(Literal, oxigraph_engine.query(not_projected, bindings={"theme": palliation}).rows[0]["n"])
    everything = cast(Literal, oxigraph_engine.query(not_projected).rows[0]["n"])
    assert recording.substitutions[-2:] == [None, None]  # refused as a substitution, then sent as VALUES
    pinned = oxigraph_engine.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?thing kg:addressesTheme <{palliation}> }}")
    assert counted == pinned.rows[0]["n"] and counted.toPython() < everything.toPython()


def test_a_text_oxigraph_refused_to_substitute_into_goes_as_values_at_once_the_next_time(
        oxigraph_engine: OxigraphEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    recording = _RecordingStore(oxigraph_engine.store)
    monkeypatch.setattr(oxigraph_engine, "_store", recording)
    not_projected = "SELECT (COUNT(*) AS ?n) WHERE { ?thing kg:addressesTheme ?theme . ?thing a ?kind }"
    first = oxigraph_engine.query(not_projected, bindings={"theme": ID["theme-palliation"]})
    assert [bool(s) for s in recording.substitutions] == [True, False]  # tried, refused, sent as VALUES
    again = oxigraph_engine.query(not_projected, bindings={"theme": ID["theme-palliation"]})
    assert [bool(s) for s in recording.substitutions] == [True, False, False] and again.rows == first.rows
    # other parameter names of the same text are a different question (this one is not projected either)
    oxigraph_engine.query(not_projected, bindings={"kind": KG.Initiative})
    assert [bool(s) for s in recording.substitutions[3:]] == [True, False]
