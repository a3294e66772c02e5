"""Serialise query results: SPARQL result formats and RDF syntaxes through rdflib, plus text for terminals."""

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from ..engines.base import QueryResult
from ..graph.terms import shorten


@dataclass(frozen=True)
class Format:
    """A result format: its short name, media type and which query forms it serves."""

    name: str
    media_type: str
    tabular: bool  # SELECT and ASK
    graph: bool  # CONSTRUCT and DESCRIBE
    rdflib_name: str


FORMATS: Mapping[str, Format] = {
    f.name: f
    for f in (
        Format("json", "application/sparql-results+json", True, False, "json"),
        Format("xml", "application/sparql-results+xml", True, False, "xml"),
        Format("csv", "text/csv", True, False, "csv"),
        Format("tsv", "text/tab-separated-values", True, False, ""),
        Format("turtle", "text/turtle", False, True, "turtle"),
        Format("nt", "application/n-triples", False, True, "nt"),
        Format("jsonld", "application/ld+json", False, True, "json-ld"),
        Format("rdfxml", "application/rdf+xml", False, True, "xml"),
        Format("trig", "application/trig", False, True, "trig"),
    )
}


def serialize(result: QueryResult, format_name: str) -> bytes:
    """The result in one of FORMATS; ValueError when the format does not fit the query form."""
    fmt = FORMATS[format_name]
    if result.form in ("SELECT", "ASK"):
        if not fmt.tabular:
            raise ValueError(f"{result.form} results cannot be written as {format_name}")
        if format_name == "tsv":
            return _tsv(result).encode("utf-8")
        if format_name == "csv" and result.form == "ASK":  # rdflib writes CSV for SELECT only
            return ("_askResult\r\n" + ("true" if result.boolean else "false") + "\r\n").encode("utf-8")
        return _to_rdflib_result(result).serialize(format=fmt.rdflib_name) or b""
    if not fmt.graph or result.graph is None:
        raise ValueError(f"{result.form} results cannot be written as {format_name}")
    return result.graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def _tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: a header of ?variables, then terms in Turtle/N-Triples syntax (rdflib has no writer)."""
    if result.form == "ASK":
        return "?_askResult\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        cells = [row[v].n3() if v in row else "" for v in result.variables]
        lines.append("\t".join(cell.replace("\t", "\\t").replace("\n", "\\n") for cell in cells))
    return "\n".join(lines) + "\n"


def _to_rdflib_result(result: QueryResult) -> Result:
    rdflib_result = Result(result.form)
    if result.form == "ASK":
        rdflib_result.askAnswer = bool(result.boolean)
        return rdflib_result
    rdflib_result.vars = [Variable(v) for v in result.variables]
    rdflib_result.bindings = [{Variable(k): v for k, v in row.items() if isinstance(v, Identifier)}
                              for row in result.rows]
    return rdflib_result


def plain_value(node: Node | None) -> str:
    """A cell as a person reads it: the literal's text, or the IRI in prefixed form."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, (URIRef, BNode)):
        return shorten(node)
    return str(node)


def as_text_rows(result: QueryResult) -> list[list[str]]:
    """Header plus rows of plain text; ASK gives one cell."""
    if result.form == "ASK":
        return [["ask"], ["true" if result.boolean else "false"]]
    return [list(result.variables)] + [[plain_value(row.get(v)) for v in result.variables] for row in result.rows]


def _escape_cell(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def as_markdown(result: QueryResult) -> str:
    """A Markdown table of the result."""
    rows = as_text_rows(result)
    lines = ["| " + " | ".join(_escape_cell(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(_escape_cell(c) for c in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def as_plain_json(result: QueryResult) -> str:
    """Rows as a JSON list of objects with plain values (for people and notebooks, not SPARQL clients)."""
    if result.form == "ASK":
        return json.dumps({"ask": result.boolean})
    buffer = io.StringIO()
    json.dump([{v: plain_value(row.get(v)) for v in result.variables} for row in result.rows], buffer,
              ensure_ascii=False, indent=2)
    return buffer.getvalue()
