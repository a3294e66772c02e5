"""The work the endpoint hands to its query workers; each job runs there, on the loaded dataset, within the limits."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engines.base import DatasetSelection, QueryResult, WritesAnswers
from ..errors import NotAcceptableError, ResultTooLargeError, SparqlSyntaxError
from ..namespaces import PREFIXES
from ..pages.entity import describe_entity, entity_graph, label_index, render_entity
from ..pages.source import describe_source, render_source
from ..queries.catalogue import describe_columns
from ..queries.formats import serialize
from ..queries.saved import (
    Choice,
    Parameter,
    SavedQuery,
    parameter_choices,
    parse_value,
    run_saved_query,
    suggestions,
    year_range,
)
from .protocol import GRAPH_OFFERS, media_type, negotiate, result_format
from .safety import explain_engine_syntax_error, inspect_query, without_byte_order_mark
from .workers import Answer, WorkerContext

ENTITY_OFFERS: tuple[tuple[str, str], ...] = (("text/html", "html"), ("application/xhtml+xml", "html"), *GRAPH_OFFERS)


def answer(result: QueryResult, format_name: str, max_rows: int) -> Answer:
    """The result written in the format; ResultTooLargeError when it is over the row limit."""
    if result.form == "SELECT" and len(result.rows) > max_rows:
        raise ResultTooLargeError("rows", max_rows)
    if result.graph is not None:
        if len(result.graph) > max_rows:
            raise ResultTooLargeError("triples", max_rows)
        for prefix, namespace in PREFIXES.items():  # kg:Recommendation, not ns1:Recommendation
            result.graph.bind(prefix, namespace, replace=True)
    return Answer(media_type(format_name), serialize(result, format_name))


@dataclass(frozen=True)
class SparqlJob:
    """An ad-hoc query from the SPARQL protocol or the web page's editor."""

    query: str
    dataset: DatasetSelection | None
    accept: str | None
    base: str | None = None  # the IRI relative IRIs resolve against, unless the query sets BASE: the endpoint's

    def run(self, context: WorkerContext) -> Answer:
        query = without_byte_order_mark(self.query)
        inspected = inspect_query(query, graphs=context.graphs, dataset=self.dataset, base=self.base,
                                  engine_checks_syntax=context.engine.checks_syntax,
                                  parsed_elsewhere=context.engine.parsed_elsewhere)
        format_name = result_format(self.accept, inspected.form)  # 406 before the work, not after
        try:
            if isinstance(context.engine, WritesAnswers) and context.engine.writes(inspected.form, format_name):
                body = context.engine.serialized(query, format_name, max_rows=context.max_rows,
                                                 dataset=self.dataset, base=self.base)
                return Answer(media_type(format_name), body)
            result = context.engine.query(query, dataset=self.dataset, base=self.base, max_rows=context.max_rows)
        except SparqlSyntaxError as exc:  # from an engine that checks syntax itself: say it at the author's place
            raise explain_engine_syntax_error(query, exc.detail, base=self.base) from None
        return answer(result, format_name, context.max_rows)


@dataclass(frozen=True)
class SavedQueryJob:
    """A saved query with parameter values as the client typed them."""

    query: SavedQuery
    values: tuple[tuple[str, str], ...]
    accept: str | None

    def run(self, context: WorkerContext) -> Answer:
        form = inspect_query(self.query.sparql, graphs=context.graphs,
                             engine_checks_syntax=context.engine.checks_syntax).form
        format_name = result_format(self.accept, form)
        result = run_saved_query(self.query, context.engine, dict(self.values), max_rows=context.max_rows)
        return answer(result, format_name, context.max_rows)


@dataclass(frozen=True)
class CatalogueJob:
    """The saved queries with their metadata and the values each parameter offers, as JSON."""

    queries: tuple[SavedQuery, ...]

    def run(self, context: WorkerContext) -> Answer:
        entries = [_catalogue_entry(query, context) for query in self.queries]
        return Answer("application/json", json.dumps(entries, ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class EntityJob:
    """One resource of the dataset: an HTML page, or its description in an RDF syntax."""

    iri: str
    accept: str | None
    lang: str
    root: str  # the path the app is mounted at, for links

    def run(self, context: WorkerContext) -> Answer:
        chosen = negotiate(self.accept, ENTITY_OFFERS)
        if chosen is None:
            raise NotAcceptableError("a resource", self.accept or "", sorted({m for m, _ in ENTITY_OFFERS}))
        if chosen != "html":
            graph = entity_graph(context.engine, self.iri)
            return answer(QueryResult(form="DESCRIBE", graph=graph), chosen, context.max_rows)
        labels = context.memo("labels", lambda: label_index(context.engine))
        description = describe_entity(context.engine, self.iri, labels, lang=self.lang)
        return Answer("text/html; charset=utf-8", render_entity(description, root=self.root).encode("utf-8"))


@dataclass(frozen=True)
class SourceJob:
    """A document's shipped source text, with every quoted passage marked and linked (HTML only)."""

    name: str  # the document's slug in the id: namespace
    texts: tuple[tuple[str, str], ...]  # the shipped source texts by file name, read before (workers read no files)
    lang: str
    root: str

    def run(self, context: WorkerContext) -> Answer:
        labels = context.memo("labels", lambda: label_index(context.engine))
        view = describe_source(context.engine, self.name, labels, texts=dict(self.texts), lang=self.lang)
        return Answer("text/html; charset=utf-8", render_source(view, root=self.root).encode("utf-8"))


def _catalogue_entry(query: SavedQuery, context: WorkerContext) -> dict[str, Any]:
    entry = saved_query_entry(query, {param.name: parameter_choices(param, context.engine) for param in query.params})
    for param, described in zip(query.params, entry["params"], strict=True):
        described["suggestions"] = [{"value": str(value), "label": {"da": label.da, "en": label.en}}
                                    for value, label in suggestions(param, context.engine)]
        if param.type == "year":  # the number field's min and max: the years the data holds (see year_range)
            found = year_range(query, context.engine)
            described["range"] = {"min": found[0], "max": found[1]} if found else None
    return entry


def saved_query_entry(query: SavedQuery, choices: Mapping[str, Sequence[Choice]]) -> dict[str, Any]:
    """A saved query's metadata as JSON for the web page: texts in both languages, its SPARQL text, parameters with
    choices."""
    return {
        "name": query.name,
        "path": f"api/queries/{query.name}",
        "sparql": query.sparql,
        "summary": {"da": query.summary.da, "en": query.summary.en},
        "description": {"da": query.description.da, "en": query.description.en},
        "tags": list(query.tags),
        "columns": describe_columns(query),
        "params": [_parameter_entry(query, p, choices.get(p.name, ())) for p in query.params],
    }


def _parameter_entry(query: SavedQuery, param: Parameter, choices: Sequence[Choice]) -> dict[str, Any]:
    default = str(parse_value(query, param.name, param.default)) if param.default is not None else None
    return {
        "name": param.name,
        "type": param.type,
        "class": str(param.of_class) if param.of_class is not None else None,
        "default": default,
        "required": param.required,
        "accepts": param.accepts(),
        "description": {"da": param.description.da, "en": param.description.en},
        "choices": [{"value": str(c.value), "label": c.label} for c in choices],
    }


@dataclass(frozen=True)
class WarmUpJob:
    """Fill the caches every worker needs (the label index), once, in the process the workers are forked from."""

    def run(self, context: WorkerContext) -> Answer:
        context.memo("labels", lambda: label_index(context.engine))
        return Answer("text/plain", b"")
