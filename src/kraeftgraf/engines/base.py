"""One small interface in front of every SPARQL engine, so callers never depend on which one answers."""

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result
from rdflib.term import Identifier, Node

from ..namespaces import PREFIXES
from ..sparql.reading import QueryForm, read_query, where_clause_start

__all__ = ["DatasetSelection", "HoldsHandles", "QueryEngine", "QueryForm", "QueryResult", "RdflibEngine",
           "WritesAnswers", "from_rdflib_result", "query_form", "rows_as_tuples", "with_inline_values"]


@dataclass
class QueryResult:
    """The answer to one query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT and DESCRIBE."""

    form: QueryForm
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


@dataclass(frozen=True)
class DatasetSelection:
    """The RDF dataset a client names (SPARQL Protocol default-graph-uri, named-graph-uri), replacing FROM clauses."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


class QueryEngine(Protocol):
    """Answers SPARQL 1.1 queries over one dataset; parameters are bound as values, never spliced in."""

    name: str
    # True when the engine parses each query strictly itself and raises SparqlSyntaxError for a bad one,
    # so that the endpoint need not parse it first (it still looks for SERVICE and FROM).
    checks_syntax: bool
    # True when another program parses the query in the end (a remote store): its reading cannot be checked here.
    parsed_elsewhere: bool

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None,
              dataset: DatasetSelection | None = None, base: str | None = None,
              max_rows: int | None = None) -> QueryResult:
        """Run a query with optional variable bindings, on the named graphs `dataset` selects if given.

        The project's prefixes (kg:, id:, rdfs:, ...) are predeclared; relative IRIs resolve against `base`
        unless the query sets its own BASE. With `max_rows`, the engine stops reading the answer after one row
        or triple more than that (enough to tell it is too large), so a huge answer is never held whole.
        """
        ...


@runtime_checkable
class HoldsHandles(Protocol):
    """An engine with open files (an on-disk store) that a forked process must not inherit."""

    def release(self) -> None:
        """Close them; the engine reopens them in whichever process next asks a query."""
        ...


@runtime_checkable
class WritesAnswers(Protocol):
    """An engine that can also write an answer itself, in some formats, faster than through QueryResult."""

    def writes(self, form: QueryForm, format_name: str) -> bool:
        """True when `serialized` can write answers of this query form in this format (a name in FORMATS)."""
        ...

    def serialized(self, sparql: str, format_name: str, *, max_rows: int,
                   dataset: DatasetSelection | None = None, base: str | None = None) -> bytes:
        """The answer in the format; ResultTooLargeError past `max_rows` rows or triples."""
        ...


class RdflibEngine:
    """The reference engine: rdflib's SPARQL over an in-memory Dataset (union of named graphs)."""

    name = "rdflib"
    checks_syntax = False  # it parses, but the endpoint's inspection gives the better message first
    parsed_elsewhere = False

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None,
              dataset: DatasetSelection | None = None, base: str | None = None,
              max_rows: int | None = None) -> QueryResult:
        init: dict[str, Identifier] = {k: v for k, v in (bindings or {}).items() if isinstance(v, Identifier)}
        if dataset is None:
            result = self.dataset.query(sparql, initNs=PREFIXES, initBindings=init, base=base)
            return from_rdflib_result(result, max_rows=max_rows)
        # rdflib reads the dataset from the algebra's FROM clauses: the client's selection replaces them.
        prepared = prepareQuery(sparql, initNs=PREFIXES, base=base)
        prepared.algebra["datasetClause"] = [
            *(CompValue("DatasetClause", default=URIRef(g)) for g in dataset.default_graphs),
            *(CompValue("DatasetClause", named=URIRef(g)) for g in dataset.named_graphs),
        ]
        return from_rdflib_result(self.dataset.query(prepared, initBindings=init), max_rows=max_rows)


def from_rdflib_result(result: Result, *, max_rows: int | None = None) -> QueryResult:
    """Convert rdflib's result object to a QueryResult, reading at most `max_rows` + 1 rows or triples."""
    form: QueryForm = result.type  # type: ignore[assignment]
    if form == "SELECT":
        variables = [str(v) for v in (result.vars or [])]
        rows = [{name: value for name, value in zip(variables, row, strict=True) if value is not None}
                for row in itertools.islice(result, None if max_rows is None else max_rows + 1)
                if isinstance(row, tuple)]
        return QueryResult(form=form, variables=variables, rows=rows)
    if form == "ASK":
        return QueryResult(form=form, boolean=bool(result.askAnswer))
    graph = Graph()
    for triple in result:
        if isinstance(triple, tuple) and len(triple) == 3:
            subject, predicate, obj = triple
            graph.add((subject, predicate, obj))
            if max_rows is not None and len(graph) > max_rows:
                break
    return QueryResult(form=form, graph=graph)


def rows_as_tuples(result: QueryResult, variables: Sequence[str] | None = None) -> list[tuple[Node | None, ...]]:
    """Rows as tuples in variable order, for comparing engines."""
    names = list(variables or result.variables)
    return [tuple(row.get(name) for name in names) for row in result.rows]


def with_inline_values(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with the parameters as an inline VALUES block opening its WHERE clause.

    This is how an engine without rdflib's initBindings (a remote endpoint) receives parameters: as
    data in a VALUES block (terms in their N-Triples form, so a value can never become query
    syntax) joined with the whole WHERE group, so its filters see them bound, as with initBindings.
    """
    if not bindings:
        return sparql
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    at = where_clause_start(sparql)
    return f"{sparql[:at]} VALUES ({names}) {{ ({values}) }} {sparql[at:]}"


def query_form(sparql: str) -> QueryForm:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the keyword that opens the query after its prologue."""
    form = read_query(sparql).form
    if form is None:
        raise ValueError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
    return form
