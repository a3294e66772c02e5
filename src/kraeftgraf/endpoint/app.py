"""The HTTP endpoint: SPARQL 1.1 Protocol at /sparql, saved queries at /api, pages for people, all read-only."""

import functools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from html import escape
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import (
    KraeftgrafError,
    ProtocolError,
    RequestTooLargeError,
    ResourceNotFoundError,
    SourceTextNotFoundError,
)
from ..graph.oxigraph_terms import is_valid_iri
from ..namespaces import ID, PREFIXES
from ..pages.common import LANGUAGES, STATIC, page
from ..pages.ontology import render_ontology
from ..pages.source import shipped_texts
from ..queries.formats import FORMATS
from ..version import __version__
from .cache import matches
from .docs import DOCS_ASSETS, add_docs_routes
from .fast_path import DISCONNECTED, SparqlFastPath
from .headers import BASIC_HEADERS, SecurityHeaders
from .jobs import EntityJob, SourceJob, SparqlJob
from .lookup_routes import add_lookup_routes
from .problems import HttpProblem, problem_for
from .protocol import GRAPH_OFFERS, TABLE_OFFERS, media_type, negotiate, read_query_request, service_description
from .saved_routes import add_saved_query_routes
from .search_routes import add_search_routes
from .service import EndpointService, start_built
from .settings import LOCAL_BASE_URL, listening_at, settings_from
from .slow_clients import BodyDeadline
from .workers import Answer, Job

_FORMAT_PARAMETER = {"html": "text/html", "turtle": "text/turtle", "jsonld": "application/ld+json",
                     "nt": "application/n-triples", "rdfxml": "application/rdf+xml"}
_PAGE_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
_HTML_OFFERS = tuple((media, "html") for media in _PAGE_MEDIA_TYPES)
_PAGE_OFFERS = _HTML_OFFERS + GRAPH_OFFERS
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # used with fullmatch: "$" would let a trailing newline in
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')
_DESCRIPTION = """A knowledge graph of Danish cancer-plan documents. Every fact points to the sentence it came from.

* **SPARQL 1.1 Protocol** at `/sparql` (GET, or POST as a form or as `application/sparql-query`).
* **Saved queries** below: each is one operation with its own parameters.
* **Full-text search** at `/api/search?text=...`: stemmed (Danish), ranked, with snippets and documents.
* **Pages**: `/` (saved queries and a SPARQL editor), `/ontology`, `/resource/{name}`, `/source/{document}` (a
  document's text with every quoted passage marked; `#L120-L123` opens at those lines).

Read-only. Queries have a time limit, and answers a maximum size; `GET /sparql` describes both."""


def create_app(service: EndpointService | None = None) -> FastAPI:
    """The FastAPI app over a started service; without one, build, validate and serve the embedded data."""
    owned = service is None
    served = service if service is not None else start_built(None, settings=settings_from())
    # `kraeftgraf serve` has put the address it listens on here; an app served some other way (a test, another
    # ASGI server) names the default address unless --base-url or KRAEFTGRAF_BASE_URL gave the public one.
    served.settings = listening_at(served.settings, LOCAL_BASE_URL)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            served.close()

    # fastapi-offline mounts the docs' files; the docs pages are ours, each with the policy that lets it run.
    app = FastAPIOffline(docs_url=None, redoc_url=None, static_url=DOCS_ASSETS, title="kraeftgraf",
                         version=__version__, description=_DESCRIPTION, lifespan=lifespan)
    app.state.service = served
    _add_error_handlers(app)
    sparql = _sparql_handler(served)
    app.add_middleware(SparqlFastPath, path="/sparql", handler=sparql, problem_response=_problem_response)
    app.add_middleware(HeadAsGet)  # outside the fast path: a HEAD reaches it as GET
    app.add_middleware(BodyLimit, limit=served.settings.max_body)
    app.add_middleware(BodyDeadline, seconds=served.settings.body_timeout)  # outside BodyLimit: its 413 closes too
    if served.settings.cors_origins:  # outside the limits: even a 413 carries the CORS headers
        app.add_middleware(CORSMiddleware, allow_origins=list(served.settings.cors_origins),
                           allow_methods=["GET", "HEAD", "POST"], allow_headers=["*"], max_age=600)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: every response the middleware sees has them
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_sparql_route(app, sparql)
    add_saved_query_routes(app, served, _run_job)
    add_search_routes(app, _run_job)
    add_lookup_routes(app, _run_job)
    _add_page_routes(app, served)
    add_docs_routes(app)
    return app


async def _run_job(request: Request, job: Job) -> Response:
    """The job's answer: kept from an earlier GET when the cache has it, or 304 when the client has it.

    Only GET answers are kept (RFC 9110: POST answers are not for reuse): ad-hoc queries sent by POST are
    mostly asked once, and at scale their answers would push the saved queries' out of the cache.
    """
    service: EndpointService = request.app.state.service
    etag = service.answers.etag(job) if request.method in ("GET", "HEAD") else None
    if etag is None:
        answer = await service.pool.run(job, client=_client(request))
        return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})
    # no-cache: a browser or proxy may keep the answer, but asks each time whether it is still current
    headers = {"Vary": "Accept", "ETag": etag, "Cache-Control": "no-cache"}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    kept = service.answers.get(etag)
    if kept is None:
        kept = await service.pool.run(job, client=_client(request))  # a failure raises: only answers are kept
        service.answers.put(etag, kept)
    return Response(kept.body, media_type=kept.media_type, headers=headers)


def _client(request: Request) -> str | None:
    """Who is asking, for the limit on queries per client: the peer's address."""
    return request.client.host if request.client else None


def _sparql_handler(service: EndpointService) -> Callable[[Request], Awaitable[Response]]:
    """The SPARQL Protocol's query operation, for the route and for the fast path in front of the router."""
    settings = service.settings

    async def sparql(request: Request) -> Response:
        body = await request.body() if request.method == "POST" else b""
        protocol = read_query_request(request.method, request.headers.get("content-type"),
                                      request.query_params.multi_items(), body)
        accept = request.headers.get("accept")
        if protocol.query is None:
            return _service_description(request, service, accept)
        if len(protocol.query) > settings.max_query_length:
            raise RequestTooLargeError(
                f"The query is {len(protocol.query)} characters long; this endpoint accepts at most "
                f"{settings.max_query_length} (--max-query-length).")
        if request.method == "GET" and _wants_page(accept):  # a person opened a link: show it in the editor
            return RedirectResponse(f"{request.scope.get('root_path', '')}/?{urlencode({'query': protocol.query})}",
                                    status_code=303)
        job = SparqlJob(query=protocol.query, dataset=protocol.dataset, accept=accept,
                        base=f"{service.settings.base_url}/sparql")  # relative IRIs in the query resolve here
        return await _run_job(request, job)

    return sparql


def _add_sparql_route(app: FastAPI, sparql: Callable[[Request], Awaitable[Response]]) -> None:
    for method, summary in (("GET", "SPARQL 1.1 query (query=... in the URL)"),
                            ("POST", "SPARQL 1.1 query (a form with query=..., or application/sparql-query)")):
        app.add_api_route("/sparql", sparql, methods=[method], tags=["SPARQL"], summary=summary,
                          operation_id=f"sparql_{method.lower()}", response_class=Response,
                          description="The SPARQL 1.1 Protocol's query operation. Without a query: the service "
                                      "description (Turtle, or another RDF syntax by Accept).")

    @app.get("/api/prefixes", tags=["SPARQL"], summary="The prefixes every query may use without declaring them")
    async def prefixes() -> dict[str, str]:
        return dict(PREFIXES)


def _wants_page(accept: str | None) -> bool:
    """True when the Accept header names HTML and rates it above every result format (as browsers' headers do).

    The result formats come first among the offers, so a tie goes to them; HTML counts only where it is named, so
    */* (curl, scripts) and every SPARQL client's header get results as before.
    """
    return negotiate(accept, (*TABLE_OFFERS, *GRAPH_OFFERS, *_HTML_OFFERS), only_by_name=_PAGE_MEDIA_TYPES) == "html"


def _service_description(request: Request, service: EndpointService, accept: str | None) -> Response:
    # Only a client that names HTML (a browser) gets the page: */* (curl, scripts) gets the description.
    chosen = negotiate(accept, _PAGE_OFFERS, only_by_name=_PAGE_MEDIA_TYPES)
    if chosen == "html":  # a person followed a link: show the page with the query editor
        return RedirectResponse(f"{request.scope.get('root_path', '')}/#sparql", status_code=303)
    if chosen is None:
        chosen = "turtle"
    settings = service.settings
    notes = [
        "Read-only: SPARQL Update, SERVICE, and FROM or FROM NAMED outside this dataset are refused.",
        f"Limits: {settings.timeout:g} s per query; at most {settings.max_rows} rows or triples per answer; "
        f"queries of at most {settings.max_query_length} characters; request bodies of at most "
        f"{settings.max_body} bytes.",
        "The prefixes " + ", ".join(f"{p}:" for p in PREFIXES) + " are predeclared.",
        service.pool.seal.describe(),
    ]
    graph = service_description(f"{settings.base_url}/sparql", service.summary, notes=notes)
    body = graph.serialize(format=FORMATS[chosen].rdflib_name, encoding="utf-8")
    return Response(body, media_type=media_type(chosen), headers={"Vary": "Accept"})


def _add_page_routes(app: FastAPI, service: EndpointService) -> None:
    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/ontology", tags=["pages"], summary="The ontology: HTML for people, Turtle and more by Accept",
             response_class=Response)
    async def ontology(request: Request, format: str | None = None, lang: str = "da") -> Response:
        if lang not in LANGUAGES:
            raise ProtocolError(f"lang={lang!r}: use one of {', '.join(LANGUAGES)}")
        chosen = negotiate(_accept(request, format), _PAGE_OFFERS)
        if chosen is None:
            chosen = "turtle"
        key = f"ontology.{chosen}.{lang}" if chosen == "html" else f"ontology.{chosen}"
        if key not in service.cache:
            root = request.scope.get("root_path", "")
            body = (render_ontology(service.ontology, root=root, lang=lang).encode("utf-8") if chosen == "html"
                    else service.ontology.serialize(format=FORMATS[chosen].rdflib_name, encoding="utf-8"))
            service.cache[key] = Answer("text/html; charset=utf-8" if chosen == "html" else media_type(chosen), body)
        answer = service.cache[key]
        return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})

    @app.get("/resource/{name}", tags=["pages"], summary="A resource of the dataset (id: namespace)",
             response_class=Response)
    async def resource(request: Request, name: str, format: str | None = None, lang: str = "da") -> Response:
        if not _SLUG.fullmatch(name):
            raise ResourceNotFoundError(str(ID) + name)
        return await _entity(request, str(ID[name]), format, lang)

    @app.get("/source/{document}", tags=["pages"], response_class=HTMLResponse,
             summary="A source document's text with line numbers and every quoted passage marked (#L120-L123)")
    async def source(request: Request, document: str, lang: str = "da") -> Response:
        if lang not in LANGUAGES:
            raise ProtocolError(f"lang={lang!r}: use one of {', '.join(LANGUAGES)}")
        if not _SLUG.fullmatch(document):
            raise SourceTextNotFoundError(document, (), reason="that is no document name (a name is the end of "
                                                                "the document's id: IRI, e.g. "
                                                                "document-sjaelland-8-punktsplan)")
        texts = tuple(_shipped_texts().items())
        return await _run_job(request, SourceJob(name=document, texts=texts, lang=lang,
                                                 root=request.scope.get("root_path", "")))

    @app.get("/id/{name}", include_in_schema=False)
    async def dereference(request: Request, name: str) -> RedirectResponse:
        """Where https://w3id.org/kraeftgraf/id/{name} leads when the w3id redirect points at this server."""
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{request.scope.get('root_path', '')}/resource/{name}{query}", status_code=303)

    @app.get("/vocab", include_in_schema=False)
    async def vocabulary(request: Request) -> RedirectResponse:
        """Where https://w3id.org/kraeftgraf/vocab leads: the ontology, in the format the client accepts."""
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{request.scope.get('root_path', '')}/ontology{query}", status_code=303)

    @app.get("/resource", tags=["pages"], summary="Any resource of the dataset, by its IRI", response_class=Response)
    async def resource_by_iri(request: Request, iri: str = "", format: str | None = None,
                              lang: str = "da") -> Response:
        if not _is_absolute_iri(iri):
            raise ProtocolError(f"iri={iri!r} is not a valid absolute IRI; give the full IRI, e.g. "
                                f"?iri={ID}recommendation-hovedstaden-del-2-5")
        return await _entity(request, iri, format, lang)


@functools.cache
def _shipped_texts() -> dict[str, str]:
    """The shipped source texts, read once (here, not in the workers, which never read files)."""
    return shipped_texts()


async def _entity(request: Request, iri: str, format: str | None, lang: str) -> Response:
    if lang not in LANGUAGES:
        raise ProtocolError(f"lang={lang!r}: use one of {', '.join(LANGUAGES)}")
    job = EntityJob(iri=iri, accept=_accept(request, format), lang=lang, root=request.scope.get("root_path", ""))
    return await _run_job(request, job)


def _accept(request: Request, format: str | None) -> str | None:
    """The Accept header, or the media type a ?format= link asks for (links cannot set headers)."""
    if format is None:
        return request.headers.get("accept")
    if format not in _FORMAT_PARAMETER:
        raise ProtocolError(f"format={format!r}: use one of {', '.join(_FORMAT_PARAMETER)}")
    return _FORMAT_PARAMETER[format]


def _is_absolute_iri(text: str) -> bool:
    try:  # urlsplit refuses an unclosed "[" and a host with characters that normalise to "/", "?", "#", "@", ":"
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number from 0 to 65535
    except ValueError:
        return False
    return (bool(parts.scheme) and bool(parts.netloc or parts.path) and not _IRI_FORBIDDEN.search(text)
            and is_valid_iri(text))  # what the engine would refuse, refused here with a 400


def _add_error_handlers(app: FastAPI) -> None:
    async def problem(request: Request, exc: Exception) -> Response:
        return _problem_response(request, problem_for(exc))

    async def validation(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        detail = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors)
        return _problem_response(request, HttpProblem(400, f"Bad request parameters: {detail or exc}"))

    async def gone(request: Request, exc: Exception) -> Response:
        # Nobody reads this answer; handling the exception keeps a client's hang-up out of the log as a traceback.
        return _problem_response(request, HttpProblem(400, DISCONNECTED))

    async def internal(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("Internal Server Error\n", status_code=500, headers=dict(BASIC_HEADERS))

    async def http(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
        headers = dict(exc.headers or {}) if isinstance(exc, StarletteHTTPException) else {}
        message = str(exc)
        if status == 404:
            message = f"Nothing at {request.url.path}. Start at / for the web page, /docs for the API."
        if status == 405:
            allowed = _allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            either = " or ".join(filter(None, (", ".join(allowed[:-1]), *allowed[-1:])))
            message = f"{request.method} is not allowed here; use {either}."
        return _problem_response(request, HttpProblem(status, message, headers=headers))

    app.add_exception_handler(KraeftgrafError, problem)
    app.add_exception_handler(HttpProblem, problem)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(ClientDisconnect, gone)
    # Starlette answers an unexpected exception outside every middleware (and logs it): the headers go on here.
    app.add_exception_handler(Exception, internal)


def _allowed_methods(request: Request) -> list[str]:
    """The methods the app's routes answer at the request's path; HEAD wherever GET is (HeadAsGet)."""
    # Inside /static the scope is the mount's: match from the app's own root, as the router did.
    scope = {**request.scope, "root_path": request.scope.get("app_root_path", request.scope.get("root_path", ""))}
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):  # /static: StaticFiles answers GET and HEAD
            methods.add("GET")
        methods.update(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _problem_response(request: Request, problem: HttpProblem) -> Response:
    """JSON ({"detail": ...}) under /api, plain text elsewhere (what SPARQL clients show)."""
    headers = dict(problem.headers)
    if request.url.path.startswith(f"{request.scope.get('root_path', '')}/api/"):
        return JSONResponse({"detail": problem.message}, status_code=problem.status, headers=headers)
    if problem.status == 404 and "text/html" in (request.headers.get("accept") or ""):
        body = page("Not found", f"<h1>Not found</h1><p>{escape(problem.message)}</p>",
                    root=request.scope.get("root_path", ""))
        return HTMLResponse(body, status_code=404, headers=headers)
    return PlainTextResponse(problem.message + "\n", status_code=problem.status, headers=headers)


class HeadAsGet:
    """Answer HEAD wherever GET is answered, with the same status and headers and no body (RFC 9110, 9.3.2)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server still reads "HEAD" in its own scope, and so sends no body either.
        await self.app({**scope, "method": "GET"}, receive, without_body)


class BodyLimit:
    """Refuse request bodies over the limit with 413, by Content-Length or while the body streams in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and not declared.isdigit():
            message = "Content-Length must be the body's size as a whole number of bytes.\n"
            await PlainTextResponse(message, status_code=400)(scope, receive, send)
            return
        if declared is not None and int(declared) > self.limit:
            await PlainTextResponse(self._message() + "\n", status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise RequestTooLargeError(self._message())
            return message

        await self.app(scope, limited, send)

    def _message(self) -> str:
        return (f"The request body is larger than {self.limit} bytes, this endpoint's limit (--max-body). "
                "Send a shorter query.")

