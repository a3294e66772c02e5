"""What a query sent to the public endpoint may not do: change data, call other services, read other sources.

The first of two layers (the second is `sandbox`: query workers that cannot open a network connection at all).
`inspect_query` reads the query's tokens as the grammar defines them (`query_reading`) and refuses updates,
SERVICE, and FROM / FROM NAMED outside the dataset, with a reason the client can act on. A query whose tokens
do not settle what it does is refused outright if the letters of SERVICE appear anywhere in it (Oxigraph, and
other readers, might find the keyword there), and is otherwise parsed in full by rdflib. The rdflib engine's
queries are always parsed in full too, since that parse is the one rdflib then runs.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.operators import _CUSTOM_FUNCTIONS
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from ..engines.base import DatasetSelection, QueryForm
from ..errors import QueryRefusedError, SparqlSyntaxError, UnknownFunctionError
from ..namespaces import PREFIXES
from ..sparql.lexer import SparqlLexError, position_of
from ..sparql.reading import QueryReading, read_query

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_NAMES = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
    "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT"}
_INSPECTED_KEEP = 256  # distinct query texts each worker remembers (saved queries repeat)
_SERVICE_LETTERS = re.compile("service", re.IGNORECASE)
_BYTE_ORDER_MARK = "\ufeff"
MAX_NESTING = 128  # levels of {, ( and [: deeper, Oxigraph's parser can run out of stack and take its worker down
# Oxigraph's syntax errors: "error at LINE:COLUMN: expected one of A, B, ..." where an item in words (with spaces)
# is a rule it checked beyond the grammar, such as "The SELECT contains a variable that is unbound".
_ENGINE_ERROR = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.DOTALL)
_ENGINE_SENTENCE = re.compile(r"(?:^|, )([A-Z][a-z]+(?: [^,\[\]\"']+){2,})")


@dataclass(frozen=True)
class InspectedQuery:
    """A query that may run: its form and the graphs its FROM and FROM NAMED clauses name."""

    form: QueryForm
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]
    functions: tuple[str, ...] = ()  # the IRIs of the extension functions it calls, where it was parsed in full


def without_byte_order_mark(text: str) -> str:
    """The query without a leading byte-order mark, which editors on Windows write and SPARQL does not know."""
    return text.removeprefix(_BYTE_ORDER_MARK)


def inspect_query(text: str, *, graphs: frozenset[str], dataset: DatasetSelection | None = None,
                  engine_checks_syntax: bool = False, base: str | None = None,
                  parsed_elsewhere: bool = False) -> InspectedQuery:
    """The query's form; SparqlSyntaxError or QueryRefusedError saying why it will not run.

    With `engine_checks_syntax` (Oxigraph), a query whose tokens say what it does is not parsed here: the
    engine reports its syntax errors (see `explain_engine_syntax_error`). `base` resolves relative IRIs.
    With `parsed_elsewhere` (a remote store, whose own parser has the last word), any mention of SERVICE is
    refused, in a string or a comment too: no reading here can promise how that parser reads it.
    """
    if parsed_elsewhere and _SERVICE_LETTERS.search(text):
        raise QueryRefusedError(
            "this endpoint passes queries to a remote store whose own parser reads them, so a query may not "
            "mention SERVICE anywhere, not even in a string or a comment. This endpoint never calls other "
            "SPARQL services.")
    reading = read_query(text, base=base)
    if reading.depth > MAX_NESTING:
        raise QueryRefusedError(f"the query nests brackets {reading.depth} deep; this endpoint reads at most "
                                f"{MAX_NESTING} levels. Simplify it.")
    _refuse_what_the_tokens_show(text, reading)
    if reading.unclear is None and engine_checks_syntax:
        assert reading.form is not None  # an empty text and an update were refused above
        inspected = InspectedQuery(form=reading.form, from_graphs=reading.from_graphs,
                                   from_named_graphs=reading.from_named_graphs)
    else:
        if reading.unclear is not None and _SERVICE_LETTERS.search(text):
            raise QueryRefusedError(
                f"the endpoint cannot be sure how this query reads ({reading.unclear}), and it mentions SERVICE. "
                "This endpoint does not call other SPARQL services; write the query without the word SERVICE, "
                "or put spaces around the < and > of comparisons.")
        inspected = _parse_fully(text, base)
        if not engine_checks_syntax:  # rdflib would quietly leave the value unbound: say so instead
            for iri in inspected.functions:
                if URIRef(iri) not in _CUSTOM_FUNCTIONS:
                    raise UnknownFunctionError(iri)
    # Both readings must stay inside the dataset: rdflib decodes escapes first and may see other FROM clauses.
    _refuse_outside_graphs([*inspected.from_graphs, *inspected.from_named_graphs, *reading.from_graphs,
                            *reading.from_named_graphs], graphs, dataset)
    return inspected


def explain_engine_syntax_error(text: str, engine_message: str, *, base: str | None = None) -> SparqlSyntaxError:
    """A syntax error an engine reported, said in words at the place in the text the author wrote.

    rdflib's parser is asked first (it names what it found where); where it accepts what the engine refused,
    the engine's own message is cleaned of its grammar dump.
    """
    try:
        _parse_fully(text, base)
    except SparqlSyntaxError as exc:
        return exc
    except QueryRefusedError:
        pass
    located = _ENGINE_ERROR.match(engine_message)
    if located is None:
        return SparqlSyntaxError("query", engine_message.splitlines()[0] if engine_message else "not valid SPARQL")
    line, column = int(located.group(1)), int(located.group(2))
    sentence = _ENGINE_SENTENCE.search(located.group(3))
    problem = sentence.group(1).strip().rstrip(".").lower() if sentence else _unexpected(text, line, column)
    return SparqlSyntaxError("query", _located(text, line, column, problem))


def _refuse_what_the_tokens_show(text: str, reading: QueryReading) -> None:
    if reading.problem is not None and not reading.tokens and reading.unclear is None:  # no sequence of tokens
        raise SparqlSyntaxError("query", _located(text, reading.problem.line, reading.problem.column,
                                                  reading.problem.problem))
    if reading.update is not None:
        _refuse_update(text, reading.update)
    if reading.service is not None:
        raise _service_refused(reading.service_target())
    if reading.empty:
        raise SparqlSyntaxError("query", "the query is empty (only comments, white space or PREFIX lines). "
                                         "Write a SELECT, ASK, CONSTRUCT or DESCRIBE query.")
    if reading.problem is not None and reading.unclear is None:
        raise SparqlSyntaxError("query", _located(text, reading.problem.line, reading.problem.column,
                                                  reading.problem.problem))


def _refuse_outside_graphs(requested: list[str], graphs: frozenset[str], dataset: DatasetSelection | None) -> None:
    if dataset is not None:
        requested += [*dataset.default_graphs, *dataset.named_graphs]
    for iri in requested:
        if iri not in graphs:
            raise QueryRefusedError(
                f"<{iri}> is not a graph of this dataset, and the endpoint never fetches data from elsewhere. "
                "Name one of the graphs that the service description (GET /sparql) lists, or leave out "
                "FROM to query them all.")


def _service_refused(target: str) -> QueryRefusedError:
    shown = f"SERVICE {target}" if target else "SERVICE"
    return QueryRefusedError(f"{shown}: this endpoint does not call other SPARQL services. "
                             "Query the other service yourself and combine the answers in your own code.")


@lru_cache(maxsize=_INSPECTED_KEEP)
def _parse_fully(text: str, base: str | None) -> InspectedQuery:
    """rdflib's own reading of the query: what rdflib runs, and what the unclear cases are decided by."""
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        raise SparqlSyntaxError("query", _located(text, exc.lineno, exc.col, _pyparsing_problem(exc))) from None
    except RecursionError:
        raise QueryRefusedError("the query is nested too deeply to read; simplify it") from None
    except ValueError as exc:  # rdflib decodes \u escapes itself, and fails on ones that are no character
        raise SparqlSyntaxError("query", f"an escape is not a character ({exc})") from None
    try:
        algebra = translateQuery(parsed, base=base, initNs=PREFIXES).algebra  # the project's prefixes are predeclared
    except RecursionError:
        raise QueryRefusedError("the query is nested too deeply to read; simplify it") from None
    except Exception as exc:  # rdflib raises plain Exception for unknown prefixes, bad GROUP BY and the like
        raise SparqlSyntaxError("query", str(exc)) from None
    for node in _walk(algebra):
        if node.name == "ServiceGraphPattern":
            raise _service_refused(_show(node["term"]))
    clauses = algebra.get("datasetClause") or []
    return InspectedQuery(
        form=_FORMS[algebra.name],
        from_graphs=tuple(str(c["default"]) for c in clauses if "default" in c),
        from_named_graphs=tuple(str(c["named"]) for c in clauses if "named" in c),
        functions=tuple(sorted({str(node["iri"]) for node in _walk(algebra) if node.name == "Function"})),
    )


def _refuse_update(text: str, keyword: str) -> None:
    """Say "read-only", naming the operations (from rdflib's update parser where it reads them)."""
    try:
        # rdflib reads no operation at all where Oxigraph's reading ends a comment at a carriage return
        operations = sorted({_UPDATE_NAMES.get(op.name, op.name) for op in parseUpdate(text).request or ()})
    except (ParseBaseException, RecursionError, ValueError):
        operations = []
    operations = operations or [keyword]
    raise QueryRefusedError(
        f"this endpoint is read-only and does not accept SPARQL Update ({', '.join(operations)}). "
        "Change the data in its Turtle files and rebuild.")


def _walk(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item)


def _show(term: Any) -> str:
    return f"<{term}>" if isinstance(term, URIRef) else str(term)


def _pyparsing_problem(exc: ParseBaseException) -> str:
    found = exc.found if exc.loc < len(exc.pstr) else ""
    return f"unexpected {found}" if found else "the query ends too early: something is missing at the end"


def _unexpected(text: str, line: int, column: int) -> str:
    reading = read_query(text)
    for token in reading.tokens:
        if (token.line, token.column) >= (line, column):
            return f"unexpected {token.text[:40]}"
    return "the query ends too early: something is missing at the end"


def _located(text: str, line: int, column: int, problem: str) -> str:
    """The problem at its place, with the line of the query and a caret under the column."""
    lines = re.split(r"\r\n|\r|\n", text)
    if not 1 <= line <= len(lines):
        line, column = position_of(text, len(text))
    source = lines[line - 1] if lines else ""
    shown = source.expandtabs(1)[:160]
    caret = " " * (min(column, len(shown) + 1) - 1) + "^"
    return f"line {line}, column {column}: {problem}\n  {shown}\n  {caret}"


__all__ = ["InspectedQuery", "SparqlLexError", "explain_engine_syntax_error", "inspect_query",
           "without_byte_order_mark"]
