"""What the benchmark asks each server: the saved queries, entity pages, the trivial request.

Every saved query goes to every server as the same SPARQL text: the query file with its parameters'
defaults bound by a VALUES clause at the start of its WHERE block (the same values kraeftgraf binds),
the project prefixes added. "Uncached" requests carry a comment with a fresh number, so that no cache
keyed on the query text can answer them; kraeftgraf's saved-query API (/api/queries/{name}) is
measured repeating the identical request, which is where a cache would help.
"""

import itertools
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from bench.servers import ServerSpec
from kraeftgraf.engines.base import with_inline_values
from kraeftgraf.namespaces import ID
from kraeftgraf.queries.saved import SavedQuery, load_queries, parse_value
from kraeftgraf.sparql.reading import with_prologue

SPARQL_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
HTML = "text/html"
TRIVIAL_QUERY = "ASK {}"

# Resources present at every scale (copy 0 is the curated data): a plan item, an initiative, a region and a
# shared theme that every copy links to.
ENTITIES = (
    "recommendation-hovedstaden-del-2-5",
    "initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre",
    "region-hovedstaden",
    "theme-palliation",
)

_unique = itertools.count(1)


@dataclass(frozen=True)
class HttpRequest:
    """One request as the client sends it; `sparql` set means a form-encoded POST of that query."""

    method: str
    path: str
    accept: str
    sparql: str | None = None
    fresh: bool = False  # give each send a new comment, so that no result cache can answer it

    def materialise(self) -> tuple[str, bytes | None, dict[str, str]]:
        """Path, body and headers for one send."""
        headers = {"Accept": self.accept}
        if self.sparql is None:
            return self.path, None, headers
        text = f"# bench {next(_unique)}\n{self.sparql}" if self.fresh else self.sparql
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.path, urllib.parse.urlencode({"query": text}).encode(), headers


@dataclass(frozen=True)
class Item:
    """One thing measured: the request each server gets for it (a server without one is not asked)."""

    name: str
    group: str  # saved | saved-api | entity | trivial | trivial-get
    requests: Mapping[str, HttpRequest] = field(default_factory=dict)


def sparql_request(spec: ServerSpec, sparql: str, *, accept: str = SPARQL_JSON, fresh: bool = False) -> HttpRequest:
    return HttpRequest(method="POST", path=spec.sparql_path, accept=accept, sparql=sparql, fresh=fresh)


def with_default_values(query: SavedQuery) -> str:
    """The query text with each parameter's default bound by VALUES at the start of the WHERE block."""
    missing = [p.name for p in query.params if p.default is None]
    if missing:
        raise ValueError(f"saved query {query.name}: parameter {missing[0]} has no default to benchmark it with")
    defaults = {p.name: parse_value(query, p.name, str(p.default)) for p in query.params}
    return with_prologue(with_inline_values(query.sparql, defaults))


def api_path(query: SavedQuery) -> str:
    """kraeftgraf's saved-query URL with every default given explicitly, as the web page sends it."""
    params = {p.name: p.default for p in query.params if p.default is not None}
    encoded = urllib.parse.urlencode(params)
    return f"/api/queries/{query.name}" + (f"?{encoded}" if encoded else "")


def build_items(specs: Sequence[ServerSpec], queries: Mapping[str, SavedQuery] | None = None,
                entities: Sequence[str] = ENTITIES) -> list[Item]:
    """Every item of the benchmark, with the request each server gets."""
    saved = queries if queries is not None else load_queries()
    kraeftgraf = [s for s in specs if s.kind == "kraeftgraf"]
    items = [Item("trivial ASK {}", "trivial", {s.name: sparql_request(s, TRIVIAL_QUERY) for s in specs})]
    items.append(Item("trivial GET /api/prefixes", "trivial-get",
                      {s.name: HttpRequest("GET", "/api/prefixes", "application/json") for s in kraeftgraf}))
    for query in saved.values():
        text = with_default_values(query)
        items.append(Item(query.name, "saved", {s.name: sparql_request(s, text, fresh=True) for s in specs}))
        items.append(Item(f"api {query.name}", "saved-api",
                          {s.name: HttpRequest("GET", api_path(query), SPARQL_JSON) for s in kraeftgraf}))
    for slug in entities:
        describe = f"DESCRIBE <{URIRef(ID[slug])}>"
        requests = {s.name: (HttpRequest("GET", f"/resource/{slug}", HTML) if s.kind == "kraeftgraf"
                             else sparql_request(s, describe, accept=TURTLE)) for s in specs}
        items.append(Item(f"entity {slug}", "entity", requests))
    return items
