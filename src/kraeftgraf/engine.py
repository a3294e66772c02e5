"""One small interface in front of every SPARQL engine, so callers never depend on which one answers."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from rdflib import Dataset, Graph
from rdflib.query import Result
from rdflib.term import Node, Variable

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]


@dataclass
class QueryResult:
    """The answer to one query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT and DESCRIBE."""

    form: QueryForm
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class QueryEngine(Protocol):
    """Answers SPARQL 1.1 queries over one dataset; parameters are bound as values, never spliced in."""

    name: str

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a query with optional variable bindings."""
        ...


class RdflibEngine:
    """The reference engine: rdflib's SPARQL over an in-memory Dataset (union of named graphs)."""

    name = "rdflib"

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        return from_rdflib_result(self.dataset.query(sparql, initBindings=init))


def from_rdflib_result(result: Result) -> QueryResult:
    """Convert rdflib's result object to a QueryResult."""
    form: QueryForm = result.type  # type: ignore[assignment]
    if form == "SELECT":
        variables = [str(v) for v in (result.vars or [])]
        rows = [{name: value for name, value in zip(variables, row, strict=True) if value is not None}
                for row in result]  # type: ignore[arg-type]
        return QueryResult(form=form, variables=variables, rows=rows)
    if form == "ASK":
        return QueryResult(form=form, boolean=bool(result.askAnswer))
    graph = Graph()
    for triple in result:  # type: ignore[union-attr]
        graph.add(triple)  # type: ignore[arg-type]
    return QueryResult(form=form, graph=graph)


def rows_as_tuples(result: QueryResult, variables: Sequence[str] | None = None) -> list[tuple[Node | None, ...]]:
    """Rows as tuples in variable order, for comparing engines."""
    names = list(variables or result.variables)
    return [tuple(row.get(name) for name in names) for row in result.rows]
