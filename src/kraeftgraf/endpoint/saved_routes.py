"""The saved-query API: /api/queries lists them, /api/queries/{name} runs one (or gives its SPARQL text, by Accept or
as /queries/{name}.rq); each is its own OpenAPI operation."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response

from ..errors import ParameterError, UnknownQueryError
from ..queries.saved import Parameter, SavedQuery
from .jobs import CatalogueJob, SavedQueryJob
from .protocol import GRAPH_OFFERS, QUERY_MEDIA_TYPE, TABLE_OFFERS, negotiate

if TYPE_CHECKING:
    from .service import EndpointService

API_TAG = "saved queries"
QUERY_TEXT_TYPE = f"{QUERY_MEDIA_TYPE}; charset=utf-8"
# The query's text is offered beside its results, but only to a client that names its media type: */* gets results.
_TEXT_OFFERS: tuple[tuple[str, str], ...] = (*TABLE_OFFERS, *GRAPH_OFFERS, (QUERY_MEDIA_TYPE, "sparql"))
_SCHEMAS: Mapping[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "langstring": {"type": "string"},
    "integer": {"type": "integer"},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
}


def add_saved_query_routes(app: FastAPI, service: "EndpointService",
                           run: Callable[[Request, Any], Awaitable[Response]]) -> None:
    """Register the listing, one operation per saved query, and a 404 that names the closest query."""

    @app.get("/api/queries", tags=[API_TAG], summary="List the saved queries",
             description="Every saved query with its summary, description, tags and parameters (with the values "
                         "each parameter offers), in Danish and English.",
             response_class=Response, responses={200: {"content": {"application/json": {}}}})
    async def list_queries(request: Request) -> Response:
        return await run(request, CatalogueJob(tuple(service.queries.values())))

    for query in service.queries.values():
        app.add_api_route(
            f"/api/queries/{query.name}", _runner(query, run), methods=["GET"], tags=[API_TAG],
            summary=query.summary.en, description=_description(query), operation_id=f"query_{query.name}",
            response_class=Response,
            responses={200: {"description": "The result, in the format the Accept header asks for; the query's "
                                            f"SPARQL text for Accept: {QUERY_MEDIA_TYPE}.",
                             "content": {media: {} for media in dict.fromkeys(m for m, _ in _TEXT_OFFERS)}},
                       400: {"description": "A parameter value the parameter does not accept."},
                       406: {"description": "None of the formats the Accept header names fits the result."}},
            openapi_extra={"parameters": [_openapi_parameter(p) for p in query.params]},
        )

    @app.get("/api/queries/{name}", include_in_schema=False)
    async def unknown_query(name: str) -> Response:
        raise UnknownQueryError(name, list(service.queries))

    @app.get("/queries/{name}.rq", tags=[API_TAG], summary="A saved query's SPARQL text, as the .rq file holds it",
             response_class=Response, responses={200: {"content": {QUERY_MEDIA_TYPE: {}}},
                                                 404: {"description": "No saved query of that name."}})
    async def query_text(name: str) -> Response:
        if name not in service.queries:
            raise UnknownQueryError(name, list(service.queries))
        return sparql_text(service.queries[name])


def sparql_text(query: SavedQuery) -> Response:
    """The saved query's file as it is (its #+ header, prefixes and SPARQL), which runs as-is in any SPARQL engine."""
    return Response(query.sparql.encode("utf-8"), media_type=QUERY_TEXT_TYPE, headers={"Vary": "Accept"})


def _runner(query: SavedQuery, run: Callable[[Request, Any], Awaitable[Response]]
            ) -> Callable[[Request], Awaitable[Response]]:
    async def run_query(request: Request) -> Response:
        accept = request.headers.get("accept")
        if negotiate(accept, _TEXT_OFFERS, only_by_name=(QUERY_MEDIA_TYPE,)) == "sparql":
            return sparql_text(query)
        values = _values(query, request.query_params.multi_items())
        return await run(request, SavedQueryJob(query=query, values=values, accept=accept))

    return run_query


def _values(query: SavedQuery, items: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    for name, _ in items:
        if name in seen:
            raise ParameterError(query.name, name, "the parameter is given more than once; give it once.")
        seen.add(name)
    return tuple(items)


def _description(query: SavedQuery) -> str:
    return (f"{query.description.en}\n\n**Dansk:** {query.summary.da}. {query.description.da}\n\n"
            f"Tags: {', '.join(query.tags)}. SPARQL: `queries/{query.name}.rq`.")


def _openapi_parameter(param: Parameter) -> dict[str, Any]:
    schema = dict(_SCHEMAS[param.type])
    if param.default is not None:
        schema["default"] = param.default
    if param.enumerate:
        schema["examples"] = list(param.enumerate)
    return {
        "name": param.name, "in": "query", "required": param.required, "schema": schema,
        "description": f"{param.description.en} ({param.description.da}). Accepts {param.accepts()}.",
    }
