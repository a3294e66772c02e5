"""A remote SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso) behind the engine interface."""

import json
from collections.abc import Mapping
from urllib.error import URLError

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import RemoteEndpointError
from ..sparql.reading import with_prologue
from .base import DatasetSelection, QueryResult, query_form, with_inline_values


class RemoteEngine:
    """Sends each query through SPARQLWrapper; parameters travel as an inline VALUES block.

    `graph` is the named graph `kraeftgraf publish` wrote: it is sent as the protocol's
    default-graph-uri, so saved queries see the published data as their default graph on any store.
    """

    name = "remote"
    checks_syntax = False  # the remote store may accept extensions or fetch FROM graphs: inspect every query
    parsed_elsewhere = True

    def __init__(self, url: str, *, graph: str | None = None, timeout: float = 30.0) -> None:
        self.url = url
        self.graph = graph
        self.timeout = timeout

    def query(self, sparql: str, *, bindings: Mapping[str, Node] | None = None,
              dataset: DatasetSelection | None = None, base: str | None = None,
              max_rows: int | None = None) -> QueryResult:  # the remote store writes the whole answer anyway
        from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper  # imported here: only remote use needs it

        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setTimeout(int(self.timeout))
        text = with_prologue(with_inline_values(sparql, bindings), base=base)
        client.setQuery(text)
        client.queryType = form = query_form(text)  # SPARQLWrapper guesses from words anywhere, comments too
        selection = dataset or DatasetSelection(default_graphs=(self.graph,) if self.graph else ())
        for default in selection.default_graphs:
            client.addDefaultGraph(default)
        for named in selection.named_graphs:
            client.addNamedGraph(named)
        client.setReturnFormat(JSON if form in ("SELECT", "ASK") else N3)
        try:
            response = client.query()
            body = response.response.read()
        except (URLError, OSError, Exception) as exc:  # SPARQLWrapper raises its own and urllib's errors
            raise RemoteEndpointError(self.url, str(exc)) from exc
        if form in ("SELECT", "ASK"):
            return _from_json(json.loads(body), form)
        graph = Graph()
        graph.parse(data=body, format=_rdf_format(response.response.headers.get("Content-Type", "")))
        return QueryResult(form="CONSTRUCT" if form == "CONSTRUCT" else "DESCRIBE", graph=graph)


def _rdf_format(content_type: str) -> str:
    media = content_type.split(";")[0].strip()
    return {"application/n-triples": "nt", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}.get(
        media, "turtle")


def _from_json(payload: dict[str, object], form: str) -> QueryResult:
    if form == "ASK":
        return QueryResult(form="ASK", boolean=_ask_answer(payload))
    head = payload.get("head", {})
    variables = list(head.get("vars", [])) if isinstance(head, dict) else []
    results = payload.get("results", {})
    bindings = results.get("bindings", []) if isinstance(results, dict) else []
    rows = [{name: _term(value) for name, value in binding.items()} for binding in bindings]
    return QueryResult(form="SELECT", variables=variables, rows=rows)


def _ask_answer(payload: dict[str, object]) -> bool:
    """An ASK answer: the standard `boolean`, or Virtuoso 7's one row with `__ASK_RETVAL` 1 or 0 (what it
    writes for ASK whatever JSON type is asked for)."""
    if "boolean" in payload:
        return bool(payload["boolean"])
    results = payload.get("results", {})
    bindings = results.get("bindings", []) if isinstance(results, dict) else []
    if len(bindings) == 1 and isinstance(bindings[0], dict) and "__ASK_RETVAL" in bindings[0]:
        return str(bindings[0]["__ASK_RETVAL"].get("value")) not in ("0", "false")
    return False


def _term(value: dict[str, str]) -> Node:
    """A SPARQL JSON results term (https://www.w3.org/TR/sparql11-results-json/) as an rdflib term."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value["value"], datatype=URIRef(datatype))
    return Literal(value["value"])
