"""Saved queries: one .rq file per question, a `#+` header, parameters bound as values and checked first."""

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .. import resources
from ..engines.base import QueryEngine, QueryResult
from ..errors import ParameterError, QueryFileError, UnknownQueryError
from ..graph.terms import shorten
from ..sparql.reading import read_query
from .header import YEARS, Bilingual, ColumnLabel, Parameter, expand_iri, read_header

__all__ = [
    "Bilingual", "Choice", "Parameter", "ParamValue", "SavedQuery", "bind_parameters", "get_query",
    "load_queries", "parameter_choices", "parse_query_file", "parse_value", "run_saved_query", "suggestions",
    "year_range",
]

# What a caller may pass for a parameter: text as typed on a command line or in a form, or a ready value.
ParamValue = str | int | Node

_LANG_SUFFIX = re.compile(r"^(.*)@([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)$", re.S)
_QUERY_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CHOICES_SHOWN = 8
_INTEGERS = range(-(2**63), 2**63)  # what an integer parameter accepts: xsd:integer as Oxigraph stores it, 64 bits
_MAX_DIGITS = 19  # no number in that range has more
_SHOWN_CHARACTERS = 40  # a longer value is cut short in a message
# The ontology's year properties (kg:year, kg:startYear, kg:completionYear, ...) as a query names them.
_YEAR_PROPERTY = re.compile(r"\bkg:((?:[a-z][A-Za-z]*)?(?:Year|year))\b")


@dataclass(frozen=True)
class SavedQuery:
    """A saved query file: its name (the file stem), SPARQL text and metadata."""

    name: str
    path: Path
    sparql: str
    summary: Bilingual
    description: Bilingual
    tags: tuple[str, ...]
    params: tuple[Parameter, ...]
    columns: tuple[ColumnLabel, ...] = ()  # labels of result columns the header gives

    def parameter(self, name: str) -> Parameter:
        """The parameter called `name`; ParameterError listing the real ones otherwise."""
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(self.name, name, f"this query has no such parameter (its parameters: {known}).")


@dataclass(frozen=True)
class Choice:
    """A value a parameter can take, with a label to show."""

    value: Node
    label: str


def parse_query_file(path: Path) -> SavedQuery:
    """Read one .rq file; QueryFileError naming the file (and line) when its header is wrong."""
    if not _QUERY_NAME.match(path.stem):
        raise QueryFileError(path, "a query's file name is its name: lowercase ASCII words joined by hyphens")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryFileError(path, f"cannot read the file: {exc}") from exc
    header = read_header(path, text)
    params = header.params
    reading = read_query(text)
    if reading.problem is not None:
        raise QueryFileError(path, f"not valid SPARQL: {reading.problem.problem}", line=reading.problem.line)
    mentioned = {token.text[1:] for token in reading.tokens if token.kind == "var"}
    for param in params:
        if param.name not in mentioned:
            raise QueryFileError(path, f"parameter {param.name!r} is declared but the query never uses ?{param.name}")
    for column in header.columns:
        if column.variable not in mentioned:
            raise QueryFileError(path, f"`columns:` labels {column.variable!r}, but the query has no "
                                 f"?{column.variable}", line=column.line)
    query = SavedQuery(name=path.stem, path=path, sparql=text, summary=header.summary,
                       description=header.description, tags=header.tags, params=params, columns=header.columns)
    for param in params:  # a default that does not parse is the file's fault, so say so at load time
        if param.default is not None:
            try:
                parse_value(query, param.name, param.default)
            except ParameterError as exc:
                raise QueryFileError(path, f"bad default: {exc}") from exc
    return query


def load_queries(folder: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query in the folder (default: the embedded queries/), by name, in name order."""
    directory = folder if folder is not None else resources.resource_dir("queries")
    return {path.stem: parse_query_file(path) for path in sorted(directory.glob("*.rq"))}


def get_query(name: str, queries: Mapping[str, SavedQuery] | None = None) -> SavedQuery:
    """The saved query called `name`; UnknownQueryError with the closest name otherwise."""
    known = queries if queries is not None else load_queries()
    if name not in known:
        raise UnknownQueryError(name, list(known))
    return known[name]


def parse_value(query: SavedQuery, name: str, raw: ParamValue) -> Node:
    """The RDF term for a raw parameter value; ParameterError naming the parameter and what it accepts."""
    param = query.parameter(name)

    def refuse(why: str) -> ParameterError:
        return ParameterError(query.name, name, f"{why}; it accepts {param.accepts()}.")

    if param.type == "iri":
        if isinstance(raw, URIRef):
            return raw
        if not isinstance(raw, str):
            raise refuse(f"{raw!r} is not an IRI")
        try:
            return expand_iri(raw)
        except ValueError as exc:
            raise refuse(str(exc)) from exc
    if param.type in ("integer", "year"):
        number = _integer(raw)
        if isinstance(raw, int) and number is not None and number not in _INTEGERS:  # a huge one cannot be printed
            shown = f"a number of more than {_MAX_DIGITS} digits"
        else:
            shown = _show(raw)
            if len(shown) > _SHOWN_CHARACTERS:
                shown = f"{shown[:_SHOWN_CHARACTERS // 2]}… ({len(str(raw))} characters)"
        if number is None:
            raise refuse(f"{shown} is not a whole number")
        if param.type == "year" and number not in YEARS:
            raise refuse(f"{shown} is not a plausible year")
        if number not in _INTEGERS:
            raise refuse(f"{shown} is not a whole number in range ({_INTEGERS.start} to {_INTEGERS.stop - 1})")
        return Literal(number, datatype=XSD.integer)
    if isinstance(raw, Literal):
        if param.type == "langstring" and raw.language:
            return raw
        raw = str(raw)
    if not isinstance(raw, str):
        raise refuse(f"{raw!r} is not a text")
    if not raw.strip():
        raise refuse("the value is empty")
    if param.type == "langstring":
        tagged = _LANG_SUFFIX.match(raw)
        return Literal(tagged.group(1), lang=tagged.group(2)) if tagged else Literal(raw, lang=param.lang)
    return Literal(raw)


def bind_parameters(query: SavedQuery, values: Mapping[str, ParamValue] | None,
                    engine: QueryEngine) -> dict[str, Node]:
    """Defaults filled in, each value parsed, and each IRI checked to exist (with its class) in the data."""
    given = dict(values or {})
    for name in given:
        query.parameter(name)  # unknown names are an error, not silently ignored
    bindings: dict[str, Node] = {}
    for param in query.params:
        raw = given.get(param.name, param.default)
        if raw is None:
            raise ParameterError(query.name, param.name, f"a value is required; it accepts {param.accepts()}.")
        value = parse_value(query, param.name, raw)
        if param.type == "iri":
            _require_resource(query, param, value, engine)
        bindings[param.name] = value
    return bindings


def run_saved_query(query: SavedQuery, engine: QueryEngine, values: Mapping[str, ParamValue] | None = None, *,
                    max_rows: int | None = None) -> QueryResult:
    """Run a saved query with its parameters bound as values (never spliced into the text)."""
    return engine.query(query.sparql, bindings=bind_parameters(query, values, engine), max_rows=max_rows)


def parameter_choices(param: Parameter, engine: QueryEngine) -> list[Choice]:
    """The values to offer for a parameter: its `enumerate` list, else every instance of its class."""
    if param.enumerate:
        values: list[Node] = [expand_iri(v) if param.type == "iri" else Literal(v) for v in param.enumerate]
        labels = _labels(engine, values)
        return [Choice(value=v, label=labels.get(v, str(v))) for v in values]
    if param.type != "iri" or param.of_class is None:
        return []
    return _instances(engine, param.of_class)


def suggestions(param: Parameter, engine: QueryEngine) -> list[tuple[Node, Bilingual]]:
    """The `enumerate` values of an IRI parameter, each with its label in Danish and English (for forms)."""
    if param.type != "iri":
        return []
    found: list[tuple[Node, Bilingual]] = []
    for value in (expand_iri(v) for v in param.enumerate):
        labels = {row["lang"].value if isinstance(row["lang"], Literal) else "": str(row["label"])
                  for row in engine.query(
                      "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                      "SELECT ?label (LANG(?label) AS ?lang) WHERE { ?value rdfs:label ?label "
                      "FILTER(LANG(?label) IN ('da', 'en')) } ORDER BY DESC(?label)",
                      bindings={"value": value}).rows}
        fallback = labels.get("da") or labels.get("en") or shorten(value)
        found.append((value, Bilingual(da=labels.get("da", fallback), en=labels.get("en", fallback))))
    return found


def year_range(query: SavedQuery, engine: QueryEngine) -> tuple[int, int] | None:
    """The first and last year the data holds in the year properties the query names (every year property of the
    ontology when it names none), within the years a year parameter accepts; None when the data holds none."""
    named = sorted(set(_YEAR_PROPERTY.findall(query.sparql)))
    if named:
        properties = " ".join(f"kg:{name}" for name in named)
        pattern = f"VALUES ?property {{ {properties} }} ?thing ?property ?year ."
    else:
        pattern = ("?property rdfs:range xsd:integer . FILTER(REGEX(STR(?property), '[yY]ear$')) "
                   "?thing ?property ?year .")
    result = engine.query(
        "PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        f"SELECT (MIN(?year) AS ?first) (MAX(?year) AS ?last) WHERE {{ {pattern} "
        f"FILTER(isNumeric(?year) && ?year >= {YEARS.start} && ?year < {YEARS.stop}) }}")
    row = result.rows[0] if result.rows else {}
    first, last = row.get("first"), row.get("last")
    if not isinstance(first, Literal) or not isinstance(last, Literal):
        return None
    return int(first.toPython()), int(last.toPython())


def _integer(raw: ParamValue) -> int | None:
    """The whole number written, or None. Past 19 digits, the first number outside the integers accepted, on its
    side: such a number is never converted digit by digit (Python refuses past 4,300 digits)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, Literal):
        raw = str(raw)
    written = re.fullmatch(r"\s*([+-]?)0*(\d+)\s*", raw) if isinstance(raw, str) else None
    if written is None:
        return None
    sign, digits = written.groups()
    if len(digits) > _MAX_DIGITS:
        return _INTEGERS.start - 1 if sign == "-" else _INTEGERS.stop
    return int(sign + digits)


def _show(raw: ParamValue) -> str:
    return repr(str(raw)) if isinstance(raw, Node) else repr(raw)


def _require_resource(query: SavedQuery, param: Parameter, value: Node, engine: QueryEngine) -> None:
    if param.of_class is not None:
        found = engine.query("ASK { ?value a ?class }", bindings={"value": value, "class": param.of_class})
    else:
        found = engine.query("ASK { ?value ?property ?object }", bindings={"value": value})
    if found.boolean:
        return
    what = f"a {shorten(param.of_class)}" if param.of_class is not None else "a resource"
    hint = ""
    if param.of_class is not None:
        choices = [shorten(c.value) for c in _instances(engine, param.of_class)]
        close = difflib.get_close_matches(shorten(value), choices, n=_CHOICES_SHOWN, cutoff=0.5)
        shown = close or choices[:_CHOICES_SHOWN]
        more = f" ({len(choices)} in all)" if len(choices) > len(shown) else ""
        hint = f" Valid choices include: {', '.join(shown)}{more}." if shown else ""
    raise ParameterError(query.name, param.name,
                         f"{shorten(value)} is not {what} in the data; it accepts {param.accepts()}.{hint}")


def _instances(engine: QueryEngine, of_class: URIRef) -> list[Choice]:
    result = engine.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?value (SAMPLE(?label) AS ?name) WHERE { ?value a ?class . FILTER(isIRI(?value)) "
        "OPTIONAL { ?value rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), 'da')) } } "
        "GROUP BY ?value ORDER BY ?value",
        bindings={"class": of_class})
    return [Choice(value=row["value"], label=str(row.get("name", shorten(row["value"])))) for row in result.rows]


def _labels(engine: QueryEngine, values: Sequence[Node]) -> dict[Node, str]:
    labels: dict[Node, str] = {}
    for value in values:
        if isinstance(value, URIRef):
            result = engine.query(
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "SELECT ?label WHERE { ?value rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), 'da')) } "
                "ORDER BY ?label LIMIT 1", bindings={"value": value})
            labels[value] = str(result.rows[0]["label"]) if result.rows else shorten(value)
    return labels
