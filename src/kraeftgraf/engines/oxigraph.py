"""A fast embedded engine: the validated, inferred dataset loaded into an in-memory pyoxigraph store."""

import csv
import io
import itertools
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node

from ..errors import DataFileError, QueryEvaluationError, ResultTooLargeError, SparqlSyntaxError, UnknownFunctionError
from ..graph.load import expand_paths, graph_name, holds_named_graphs, rdf_format_of
from ..graph.oxigraph_terms import term_converter, to_oxigraph, to_rdflib
from ..namespaces import PREFIXES
from ..sparql.reading import read_query
from .base import DatasetSelection, QueryForm, QueryResult, query_form, with_inline_values

_UNKNOWN_FUNCTION = re.compile(r"The custom function <([^>]*)> is not supported")
# Oxigraph substitutes only variables the query projects, and says so for any other.
_NOT_PROJECTED = re.compile(r"does not contains? variable \?\S+ in its SELECT projection")
_RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
_BOOLEAN_FORMATS = {"json", "xml"}  # CSV and TSV have no standard form for ASK: the reference writer decides
# Each row of an answer holds at least one of these (JSON: an object per row and per value, XML: <result>,
# CSV/TSV: a line, and more where a CSV value holds line breaks).
_ROW_MARKS = {"json": b"{", "xml": b"<result>", "csv": b"\n", "tsv": b"\n"}
# Marks an answer holds besides its rows: JSON's document and head objects (and "results"), CSV's header line.
_MARKS_OUTSIDE_ROWS = {"json": 3, "xml": 0, "csv": 1, "tsv": 1}
_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
_OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
                     "nquads": ox.RdfFormat.N_QUADS, "xml": ox.RdfFormat.RDF_XML}


class OxigraphEngine:
    """Answers the same queries as RdflibEngine, from pyoxigraph's Rust SPARQL engine."""

    name = "oxigraph"
    checks_syntax = True
    parsed_elsewhere = False

    def __init__(self, store: ox.Store | None = None, *, location: Path | None = None) -> None:
        if (store is None) == (location is None):
            raise ValueError("give an in-memory store or the location of an on-disk one")
        self._store = store
        self.location = location
        self._opened_by = os.getpid()
        # (query text, parameter names) Oxigraph refused to substitute: sent as VALUES at once the next time, not
        # tried again (the refused attempt doubled the cost of a light query). Texts with parameters come from
        # the program and the saved queries, so this stays small.
        self._values_only: set[tuple[str, frozenset[str]]] = set()

    @property
    def store(self) -> ox.Store:
        """The store; an on-disk one is opened read-only by each process that uses it (see `release`)."""
        if self.location is not None and (self._store is None or self._opened_by != os.getpid()):
            self._store = ox.Store.read_only(str(self.location))
            self._opened_by = os.getpid()
        assert self._store is not None  # an in-memory store is never released
        return self._store

    def release(self) -> None:
        """Close this process's handle to an on-disk store: a RocksDB handle must not be inherited by fork."""
        if self.location is not None:
            self._store = None

    @classmethod
    def open(cls, location: Path) -> "OxigraphEngine":
        """Answer from an on-disk store (see `disk_store.write_store`), read-only, using little memory."""
        return cls(location=location)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> "OxigraphEngine":
        """Copy every named graph of an rdflib Dataset into a new in-memory store."""
        store = ox.Store()
        convert = term_converter()
        store.bulk_extend(
            ox.Quad(convert(s), convert(p), convert(o), _graph_name(g))  # type: ignore[arg-type]
            for s, p, o, g in dataset.quads((None, None, None, None))
        )
        return cls(store)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> "OxigraphEngine":
        """Load RDF files straight into a new in-memory store (see `load_files`)."""
        store = ox.Store()
        load_files(store, paths)
        return cls(store)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, by graph IRI."""
        counts = self.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in counts}  # type: ignore[union-attr]

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None,
              dataset: DatasetSelection | None = None, base: str | None = None,
              max_rows: int | None = None) -> QueryResult:
        answer = self._run_bound(sparql, bindings, dataset, base)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(form="ASK", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = []
            for solution in _at_most(answer, max_rows):
                row = {}
                for name in variables:
                    term = solution[name]
                    if term is not None:
                        row[name] = to_rdflib(term)
                rows.append(row)
            return QueryResult(form="SELECT", variables=variables, rows=rows)
        graph = Graph()
        for triple in answer:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
            if max_rows is not None and len(graph) > max_rows:
                break  # one more than allowed: enough to know the answer is too large
        return QueryResult(form=query_form(sparql), graph=graph)

    def writes(self, form: QueryForm, format_name: str) -> bool:
        """True when Oxigraph itself writes answers of this query form in this format (see `serialized`)."""
        if form in ("SELECT", "ASK"):
            return format_name in _RESULT_FORMATS and (form == "SELECT" or format_name in _BOOLEAN_FORMATS)
        return format_name in _GRAPH_FORMATS

    def serialized(self, sparql: str, format_name: str, *, max_rows: int,
                   dataset: DatasetSelection | None = None, base: str | None = None) -> bytes:
        """The answer written by Oxigraph's own serialisers, without rdflib terms in between.

        For the formats `writes` accepts; ResultTooLargeError past `max_rows` rows or triples. The answer is
        written as it is computed and stopped soon after it passes the limit, so a too-large answer costs about
        `max_rows` rows of memory, not the whole answer.
        """
        answer = self._run(sparql, dataset, base)
        if isinstance(answer, ox.QueryBoolean):
            return answer.serialize(format=_RESULT_FORMATS[format_name]) or b""
        if isinstance(answer, ox.QuerySolutions):
            results_format = _RESULT_FORMATS[format_name]
            # A row holds at most this many marks (JSON: its object and one per value), so more marks than the
            # limit allows means more rows, or marks inside values: then the rows are counted one by one. Under
            # it, the exact count below decides; either way no more than about `max_rows` rows are ever held.
            per_row = 1 + len(answer.variables) if format_name == "json" else 1
            writer = _MarkCountingWriter(_ROW_MARKS[format_name],
                                         most=max_rows * per_row + _MARKS_OUTSIDE_ROWS[format_name])
            try:
                answer.serialize(cast(IO[bytes], writer), format=results_format)
            except _TooManyMarks:
                if self._count_rows(sparql, dataset, base, up_to=max_rows + 1) > max_rows:
                    raise ResultTooLargeError("rows", max_rows) from None
                again = self._run(sparql, dataset, base)
                assert isinstance(again, ox.QuerySolutions)  # the same query as above
                return again.serialize(format=results_format) or b""
            body = writer.getvalue()
            if writer.marks > max_rows and _rows_in(body, results_format) > max_rows:
                raise ResultTooLargeError("rows", max_rows)
            return body
        triples: dict[ox.Triple, None] = {}  # in order, without duplicates, as a graph holds them
        for triple in answer:
            triples[triple] = None
            if len(triples) > max_rows:
                raise ResultTooLargeError("triples", max_rows)
        return ox.serialize(list(triples), format=_GRAPH_FORMATS[format_name], prefixes=dict(PREFIXES)) or b""

    def _count_rows(self, sparql: str, dataset: DatasetSelection | None, base: str | None, *, up_to: int) -> int:
        answer = self._run(sparql, dataset, base)
        return sum(1 for _ in _at_most(answer, up_to - 1)) if isinstance(answer, ox.QuerySolutions) else 1

    def _run_bound(self, sparql: str, bindings: Mapping[str, Node] | None, dataset: DatasetSelection | None,
                   base: str | None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """The query with its parameters as Oxigraph's substitutions where it projects them, else as VALUES.

        Substituted, a parameter reaches the subquery that uses it. Joined from a VALUES block it does not:
        Oxigraph then evaluates the subquery for every value (theme-coverage-two-regions computed all pairs of
        500 regions at x100, over a minute, against 0.2 s substituted). Both give the same answers.
        """
        refused = (sparql, frozenset(bindings or ()))
        if bindings and refused not in self._values_only:
            substitutions = {ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()}
            try:
                return self._run(sparql, dataset, base, substitutions)
            except QueryEvaluationError as exc:
                if not _NOT_PROJECTED.search(str(exc)):
                    raise
                self._values_only.add(refused)
        return self._run(with_inline_values(sparql, bindings), dataset, base)

    def _run(self, sparql: str, dataset: DatasetSelection | None, base: str | None,
             substitutions: Mapping[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
             ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        # The union of the named graphs is the default graph, unless the query or client names a dataset.
        names_graphs = read_query(sparql).names_graphs
        options: dict[str, object] = {"use_default_graph_as_union": dataset is None and not names_graphs,
                                       "prefixes": PREFIXES, "base_iri": base, "substitutions": substitutions}
        if dataset is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs] or ox.DefaultGraph()
            options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        try:
            return self.store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise SparqlSyntaxError("query", str(exc)) from None
        except RuntimeError as exc:  # Oxigraph's word for a query it parsed but will not evaluate
            unknown = _UNKNOWN_FUNCTION.match(str(exc))
            raise (UnknownFunctionError(unknown.group(1)) if unknown else QueryEvaluationError(str(exc))) from None


def load_files(store: ox.Store, paths: Iterable[Path]) -> None:
    """Load RDF files into the store, naming their graphs as `store.load_dataset` does; DataFileError if one fails.

    Serving a large built file this way never holds it in rdflib's far larger Python objects.
    """
    for path in expand_paths(paths):
        rdf_format = rdf_format_of(path)
        into = None if holds_named_graphs(rdf_format) else ox.NamedNode(str(graph_name(path)))
        try:
            store.bulk_load(path=str(path), format=_OXIGRAPH_FORMATS[rdf_format], to_graph=into)
        except SyntaxError as exc:
            raise DataFileError(path, f"invalid RDF syntax: {exc}") from None


class _TooManyMarks(Exception):
    """The answer being written holds more row marks than the limit allows."""


class _MarkCountingWriter:
    """A file-like sink for Oxigraph's serialisers that keeps the bytes and stops at too many row marks."""

    def __init__(self, mark: bytes, *, most: int) -> None:
        self._mark = mark
        self._most = most
        # One growing buffer, which getvalue hands over without a copy: chunks joined at the end held the answer
        # twice (about 100 MB more for `targets` at x100).
        self._written = io.BytesIO()
        self._tail = b""  # the end of the last chunk, for a mark split across two writes
        self.marks = 0

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        joined = self._tail + chunk
        self.marks += joined.count(self._mark) - self._tail.count(self._mark)
        self._tail = joined[-(len(self._mark) - 1):] if len(self._mark) > 1 else b""
        self._written.write(chunk)
        if self.marks > self._most:
            raise _TooManyMarks()
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the bytes stay in memory."""

    def getvalue(self) -> bytes:
        """Everything written so far."""
        return self._written.getvalue()


def _at_most(solutions: Iterable[ox.QuerySolution], limit: int | None) -> Iterable[ox.QuerySolution]:
    """The solutions, stopping after `limit` + 1 of them: one more than allowed shows the answer is too large."""
    return solutions if limit is None else itertools.islice(solutions, limit + 1)


def _rows_in(body: bytes, results_format: ox.QueryResultsFormat) -> int:
    if results_format == ox.QueryResultsFormat.CSV:  # lossy, so Oxigraph does not read it back
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1  # the header
    parsed = ox.parse_query_results(body, format=results_format)
    return sum(1 for _ in parsed) if isinstance(parsed, ox.QuerySolutions) else 1


def _graph_name(name: Node) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
    if isinstance(name, URIRef) and str(name) != "urn:x-rdflib:default":
        return ox.NamedNode(str(name))
    if isinstance(name, BNode):
        return ox.BlankNode(str(name))
    return ox.DefaultGraph()
