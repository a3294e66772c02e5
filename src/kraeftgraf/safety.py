"""What a query sent to the public endpoint may not do: change data, call other services, read other sources.

Two layers. `inspect_query` parses each query and refuses updates, SERVICE and FROM / FROM NAMED outside the
dataset with a reason the client can act on. For an engine that parses strictly itself (Oxigraph), a query
in which the letters of SERVICE and FROM appear only in comment lines cannot use either, so it skips
rdflib's slow parser; the engine then reports its syntax errors. `seal_process` then makes the worker
process that runs queries unable to open network connections, read files outside Python's own installation
or start programs, so that even a path the inspection missed leads nowhere (for rdflib: Oxigraph's own
HTTP client for SERVICE is beyond the reach of Python's audit hooks, so the inspection is what stops it).
"""

import os
import re
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from .engine import DatasetSelection, QueryForm, query_form, without_comment_lines
from .errors import QueryRefusedError, SparqlSyntaxError
from .namespaces import PREFIXES

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_NAMES = {
    "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
    "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT"}
_INSPECTED_KEEP = 256  # distinct query texts each worker remembers (saved queries repeat)
# Oxigraph reads keywords only as written (codepoint escapes count only inside strings), and a line whose
# first character is '#' is a comment or inside a string, never code. So without these letters elsewhere,
# the query has no SERVICE and no FROM.
_NEEDS_PARSING = re.compile(r"service|from", re.IGNORECASE)

# Audit events that reach outside the process: the network, other programs.
_OUTBOUND_EVENTS = frozenset({
    "socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
    "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile", "webbrowser.open",
})
_CODE_SUFFIXES = (".py", ".pyc", ".so")


@dataclass(frozen=True)
class InspectedQuery:
    """A query that may run: its form and the graphs its FROM and FROM NAMED clauses name."""

    form: QueryForm
    from_graphs: tuple[str, ...]
    from_named_graphs: tuple[str, ...]


def inspect_query(text: str, *, graphs: frozenset[str], dataset: DatasetSelection | None = None,
                  engine_checks_syntax: bool = False) -> InspectedQuery:
    """The query's form; SparqlSyntaxError or QueryRefusedError saying why it will not run.

    With `engine_checks_syntax`, a query that cannot name SERVICE or FROM is not parsed here: the engine
    that runs it reports its syntax errors.
    """
    inspected = _screen(text) if engine_checks_syntax else None
    inspected = inspected or _inspect(text)
    requested = [*inspected.from_graphs, *inspected.from_named_graphs]
    if dataset is not None:
        requested += [*dataset.default_graphs, *dataset.named_graphs]
    for iri in requested:
        if iri not in graphs:
            raise QueryRefusedError(
                f"<{iri}> is not a graph of this dataset, and the endpoint never fetches data from elsewhere. "
                "Name one of the graphs that the service description (GET /sparql) lists, or leave out "
                "FROM to query them all.")
    return inspected


def _screen(text: str) -> InspectedQuery | None:
    """The form of a query without SERVICE and FROM, read from its opening keyword; None when unsure."""
    if _NEEDS_PARSING.search(without_comment_lines(text)):
        return None
    try:
        return InspectedQuery(form=query_form(text), from_graphs=(), from_named_graphs=())
    except ValueError:  # an update or no query at all: the parser says which
        return None


@lru_cache(maxsize=_INSPECTED_KEEP)
def _inspect(text: str) -> InspectedQuery:
    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        _refuse_if_update(text)
        raise SparqlSyntaxError("query", _syntax_detail(exc)) from exc
    except RecursionError as exc:
        raise QueryRefusedError("the query is nested too deeply to read; simplify it") from exc
    try:
        algebra = translateQuery(parsed, initNs=PREFIXES).algebra  # the project's prefixes are predeclared
    except RecursionError as exc:
        raise QueryRefusedError("the query is nested too deeply to read; simplify it") from exc
    except Exception as exc:  # rdflib raises plain Exception for unknown prefixes, bad GROUP BY and the like
        raise SparqlSyntaxError("query", str(exc)) from exc
    for node in _walk(algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryRefusedError(
                f"SERVICE {_show(node['term'])}: this endpoint does not call other SPARQL services. "
                "Query the other service yourself and combine the answers in your own code.")
    clauses = algebra.get("datasetClause") or []
    return InspectedQuery(
        form=_FORMS[algebra.name],
        from_graphs=tuple(str(c["default"]) for c in clauses if "default" in c),
        from_named_graphs=tuple(str(c["named"]) for c in clauses if "named" in c),
    )


def _refuse_if_update(text: str) -> None:
    """Say "read-only" rather than "syntax error" when the text is a well-formed SPARQL Update."""
    try:
        update = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return
    operations = sorted({_UPDATE_NAMES.get(op.name, op.name) for op in update.request})
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


def _syntax_detail(exc: ParseBaseException) -> str:
    return f"line {exc.lineno}, column {exc.column}: {exc.msg} (near {exc.line.strip()[:80]!r})"


def seal_process(*, allowed_url: str | None = None) -> None:
    """From now on this process cannot reach the network, start programs or read files other than Python's own.

    Meant for the forked workers that run queries: an audit hook (PEP 578) refuses the events, so a query
    that somehow asks rdflib to fetch a URL or read a file gets an error instead of the content. With
    `allowed_url` (a remote SPARQL endpoint that holds the data), connections to its host and port alone
    are let through.
    """
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # rdflib would otherwise fetch unknown FROM graphs
    allowed_roots = tuple(sorted({os.path.realpath(p) + os.sep for p in
                                  (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}))

    allowed = _Destination.of(allowed_url) if allowed_url else None

    def refuse_outside_access(event: str, args: tuple[Any, ...]) -> None:
        if event in _OUTBOUND_EVENTS and not (allowed and allowed.permits(event, args)):
            raise QueryRefusedError(f"it led to {event}, and the endpoint never reaches outside its own data")
        if event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
            path = os.fsdecode(args[0])
            if not path.endswith(_CODE_SUFFIXES) and not os.path.realpath(path).startswith(allowed_roots):
                raise QueryRefusedError(f"it tried to read {path!r}, and the endpoint never reads files for a query")

    sys.addaudithook(refuse_outside_access)


def address_space() -> int | None:
    """The bytes of address space this process uses now (Linux); None where that cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def limit_memory(megabytes: int, *, baseline: int | None) -> None:
    """Cap the address space at `baseline` plus `megabytes`; beyond it, Python raises MemoryError."""
    import resource

    if baseline is None:  # the time limit alone bounds a query then
        return
    limit = baseline + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass(frozen=True)
class _Destination:
    """The host and port of the one remote endpoint a sealed worker may reach."""

    url: str
    host: str
    port: int
    addresses: frozenset[str]

    @classmethod
    def of(cls, url: str) -> "_Destination":
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = frozenset(str(info[4][0]) for info in socket.getaddrinfo(host, port))
        except OSError:
            addresses = frozenset()
        return cls(url=url, host=host, port=port, addresses=addresses | {host})

    def permits(self, event: str, args: tuple[Any, ...]) -> bool:
        """True for the steps urllib takes to reach this endpoint, and for nothing else."""
        if event == "urllib.Request":
            return bool(args) and str(args[0]).startswith(self.url)
        if event in ("socket.getaddrinfo", "http.client.connect"):
            host, port = (args[0], args[1]) if event == "socket.getaddrinfo" else (args[1], args[2])
            return str(host) in self.addresses and int(port or 0) == self.port
        if event == "socket.connect" and len(args) > 1 and isinstance(args[1], tuple):
            return str(args[1][0]) in self.addresses and int(args[1][1]) == self.port
        return False
