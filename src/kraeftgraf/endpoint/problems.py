"""Which HTTP status each error gets: the client's mistakes are 4xx with the message that says what to do."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import (
    KraeftgrafError,
    MemoryLimitError,
    NotAcceptableError,
    ParameterError,
    ProtocolError,
    QueryRefusedError,
    QueryTimeoutError,
    RemoteEndpointError,
    RequestTimeoutError,
    RequestTooLargeError,
    ResourceNotFoundError,
    ResultTooLargeError,
    SearchIndexBuildingError,
    SearchIndexFailedError,
    SearchUnavailableError,
    ServerBusyError,
    ServerStoppingError,
    SparqlSyntaxError,
    TooManyRequestsError,
    UnknownQueryError,
    WorkerPoolBrokenError,
)

_STATUS: dict[type[KraeftgrafError], int] = {
    ProtocolError: 400,
    SparqlSyntaxError: 400,
    QueryRefusedError: 400,
    ParameterError: 400,
    UnknownQueryError: 404,
    ResourceNotFoundError: 404,
    NotAcceptableError: 406,
    RequestTimeoutError: 408,  # answered with Connection: close (BodyDeadline): the rest of the body is not read
    RequestTooLargeError: 413,
    # The query is well formed but its answer is more than the endpoint gives: retrying as is will not help.
    ResultTooLargeError: 422,
    MemoryLimitError: 422,
    SearchUnavailableError: 501,  # this server could answer it, had it the data itself: not the client's mistake
    SearchIndexFailedError: 503,  # a fault of this server's, for as long as it runs: no Retry-After
}
# A query stopped at the time limit, or no worker free to run it, is 503 with Retry-After, as Apache Jena Fuseki
# answers a timeout: the server may manage it when it is less busy. Every query running now ends within one
# time limit, so that is when to come back.
# A client over its share of parallel queries is 429 Too Many Requests (RFC 6585), as the Wikidata Query Service
# answers: one of its queries ends within a time limit too.
_TRY_LATER: dict[type[KraeftgrafError], int] = {QueryTimeoutError: 503, ServerBusyError: 503,
                                                WorkerPoolBrokenError: 503, ServerStoppingError: 503,
                                                SearchIndexBuildingError: 503, TooManyRequestsError: 429}


BACKEND_FAILED = ("The store this endpoint answers from could not answer the query (the server log has its reason). "
                  "Try again later, or simplify the query.")


@dataclass(eq=False)
class HttpProblem(Exception):
    """An error on its way to the client: the status and a message that says what to do."""

    status: int
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)  # e.g. Retry-After

    def __str__(self) -> str:
        return self.message


def problem_for(exc: BaseException) -> HttpProblem:
    """The HTTP problem for an exception raised while answering a request."""
    if isinstance(exc, HttpProblem):
        return exc
    status = next((code for kind, code in _TRY_LATER.items() if isinstance(exc, kind)), None)
    if status is not None:
        seconds = float(getattr(exc, "seconds", 1.0))
        return HttpProblem(status, str(exc), headers={"Retry-After": str(max(1, math.ceil(seconds)))})
    if isinstance(exc, RemoteEndpointError):  # its text names the store's address and quotes its errors: log only
        return HttpProblem(502, BACKEND_FAILED)
    if isinstance(exc, KraeftgrafError):
        for cls in type(exc).__mro__:
            if cls in _STATUS:
                return HttpProblem(_STATUS[cls], str(exc))
        return HttpProblem(400, str(exc))
    if isinstance(exc, MemoryError):
        return HttpProblem(422, "The query needed more memory than a worker may use and was stopped. Make it more "
                                "selective or add LIMIT.")
    if isinstance(exc, RecursionError):
        return HttpProblem(422, "The query is nested too deeply to evaluate; simplify it.")
    # The engines raise assorted exceptions while evaluating unusual but valid queries: the query caused them.
    # Their type names and texts are for the server log, not the client: the worker prints the traceback of a
    # problem whose message opens with "The query could not be evaluated".
    return HttpProblem(422, "The query could not be evaluated: the query engine stopped with an internal error "
                            "while running it (the server log has the details). Simplify the query or write the "
                            "failing part another way, or run it locally with `kraeftgraf sparql FILE`.")
