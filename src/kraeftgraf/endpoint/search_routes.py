"""GET /api/search: full-text search over what the documents say, answered by the query workers from their index."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response

from ..errors import NotAcceptableError, ProtocolError, SearchFilterError, SearchTextError, SearchUnavailableError
from ..namespaces import PREFIXES
from ..search.formats import results_bytes
from ..search.index import DEFAULT_LIMIT, MAX_LIMIT, SCOPES
from ..search.query import MAX_LENGTH, expand_name, parse_search
from .api_parameters import label_language, shown, single_parameters, whole_number
from .protocol import negotiate
from .workers import Answer, WorkerContext

SEARCH_OFFERS: tuple[tuple[str, str], ...] = (("application/json", "json"), ("text/csv", "csv"))
_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
# ?format= for links, which cannot set an Accept header (as /ontology and /resource take it)
_FORMAT_PARAMETER = {name: media for media, name in SEARCH_OFFERS}
_PARAMETERS = ("text", "document", "class", "in", "limit", "lang", "format")


@dataclass(frozen=True)
class SearchJob:
    """One full-text search, run in a worker on the served index file (mapped once per worker)."""

    text: str
    document: str | None
    cls: str | None
    limit: int
    lang: str
    accept: str | None
    scope: str = "all"  # in=: all, facts (curated texts only) or text (the source texts' passages only)
    root: str = ""  # the endpoint's root path, which links into the source viewer start with

    def run(self, context: WorkerContext) -> Answer:
        chosen = negotiate(self.accept, SEARCH_OFFERS)
        if chosen is None:
            raise NotAcceptableError("search results", self.accept or "", [m for m, _ in SEARCH_OFFERS])
        served = context.search_index
        if served is None:
            raise SearchUnavailableError()
        index = context.memo("search-index", served.open)
        results = index.search(self.text, document=self.document, cls=self.cls, limit=self.limit, lang=self.lang,
                               scope=self.scope)
        return Answer(_MEDIA[chosen], results_bytes(results, chosen, root=self.root))


def add_search_routes(app: FastAPI, run: Callable[[Request, Any], Awaitable[Response]]) -> None:
    """Register GET /api/search."""

    @app.get("/api/search", tags=["search"], summary="Full-text search over what the documents say",
             description=_DESCRIPTION, response_class=Response, openapi_extra={"parameters": _OPENAPI_PARAMETERS},
             responses={200: {"content": {media: {} for media, _ in SEARCH_OFFERS}},
                        400: {"description": "No words to search for, or a filter or limit that does not fit."},
                        406: {"description": "The Accept header names neither JSON nor CSV."}})
    async def search(request: Request) -> Response:
        return await run(request, search_job(request.query_params.multi_items(), request.headers.get("accept"),
                                             root=request.scope.get("root_path", "")))


def search_job(items: Sequence[tuple[str, str]], accept: str | None, *, root: str = "") -> SearchJob:
    """The search a request's parameters ask for; ProtocolError, in words, for parameters that do not fit."""
    given = single_parameters(items, _PARAMETERS, "/api/search")
    text = given.get("text", "")
    if not text.strip():
        raise ProtocolError("text= is missing or empty: give the words to search for, e.g. /api/search?text=pårørende "
                            "(a phrase in double quotes, the start of a word with *).")
    try:  # read here, so that a text with nothing to search for is refused before a worker is asked
        parse_search(text)
    except SearchTextError as exc:
        raise ProtocolError(f"text={shown(text)}: {exc}") from exc
    lang = label_language(given.get("lang", "da"))
    scope = given.get("in") or "all"
    if scope not in SCOPES:
        raise ProtocolError(f"in={shown(scope)}: use {', '.join(SCOPES)} (everything, only the curated facts, or "
                            "only the source texts).")
    document = given.get("document") or None
    cls = given.get("class") or None
    try:
        document_iri = expand_name("document", document, PREFIXES) if document else None
        class_iri = expand_name("class", cls, PREFIXES) if cls else None
    except SearchFilterError as exc:
        raise ProtocolError(str(exc)) from exc
    limit = whole_number("limit", given.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT, counting="hits")
    return SearchJob(text=text, document=document_iri, cls=class_iri, limit=limit, lang=lang,
                     accept=_accept(given.get("format"), accept), scope=scope, root=root)


def _accept(format_name: str | None, accept: str | None) -> str | None:
    """The Accept header, or the media type ?format= names."""
    if format_name is None:
        return accept
    if format_name not in _FORMAT_PARAMETER:
        raise ProtocolError(f"format={shown(format_name)}: use {' or '.join(_FORMAT_PARAMETER)}.")
    return _FORMAT_PARAMETER[format_name]


_DESCRIPTION = f"""Every label, description, text, quote, status text, milestone, purpose, definition and evidence
note, and every passage of the documents' shipped source texts, that contains all the words searched for, best first
(BM25, a label counting more than a passing mention and a curated text more than a passage of a source text; a
curated text that says exactly the search comes first). Words are compared by their Snowball Danish stem, so
`pårørendes` finds `pårørende`; `"kræftplan IV"` in double quotes is a phrase; `pårør*` finds words that begin so.

Each hit names the resource (IRI, label, class), the field, the documents the text comes from (for a quote or an
evidence note its document, page and, where the data gives them, lines; for other texts the documents that give
evidence for the resource; for a passage of a source text, field `sourceText`, the document as the resource, its
lines and page) and a snippet whose `match` runs are the words found (`snippetMarked`: the same with **bold**). A
document with lines has a `sourceLink` into the source viewer at them. `documents` lists the documents whose own
words match, each with `in`: `facts` (its quotes or status texts), `text` (only passages of its source text: no quote or
status text of it matches) or `both`, and the count of each. `in=facts` or `in=text` searches only there.
JSON by default, CSV with `Accept: text/csv` or `format=csv` (one row per hit). At most {MAX_LIMIT} hits; the search
text at most {MAX_LENGTH} characters."""

_OPENAPI_PARAMETERS: list[dict[str, Any]] = [
    {"name": "text", "in": "query", "required": True, "schema": {"type": "string", "example": "pårørende"},
     "description": 'Words to look for (all must occur), "a phrase" in double quotes, the start of a word with *.'},
    {"name": "document", "in": "query", "required": False, "schema": {"type": "string", "format": "iri"},
     "description": "Only texts from this document (IRI or id:document-...)."},
    {"name": "class", "in": "query", "required": False, "schema": {"type": "string", "format": "iri"},
     "description": "Only texts about a resource of this class, subclasses included (IRI or kg:...)."},
    {"name": "in", "in": "query", "required": False,
     "schema": {"type": "string", "enum": list(SCOPES), "default": "all"},
     "description": "Where to look: all, facts (labels, quotes, status texts, ...: the curated texts) or text (the "
                    "passages of the documents' source texts)."},
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
     "description": "How many hits to give, best first."},
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["da", "en"]},
     "description": "The language of the labels shown (da by default)."},
    {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "csv"]},
     "description": "The format, for a link that cannot set an Accept header."},
]
