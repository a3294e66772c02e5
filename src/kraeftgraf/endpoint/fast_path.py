"""A direct way in for the SPARQL Protocol's own route, past the framework's routing and request handling.

`/sparql` takes most requests, and most of them are light: for those, FastAPI's router, its request handler and its
exception middleware cost as much as the query. This middleware sits inside all of ours (body limits, deadlines,
CORS, security headers, HEAD) and hands a GET or POST to `/sparql` to the very function the route calls, answering
the errors the app's own handlers would. Every other request, and every other method at `/sparql` (a 405), goes on
to the app as before; the route stays for the API's documentation.
"""

from collections.abc import Awaitable, Callable

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import KraeftgrafError
from .problems import HttpProblem, problem_for

Handler = Callable[[Request], Awaitable[Response]]
ProblemResponse = Callable[[Request, HttpProblem], Response]
DISCONNECTED = "The client closed the connection before sending the whole request body."


class SparqlFastPath:
    """Answer GET and POST at `path` with `handler`, and its errors as `problem_response` renders them."""

    def __init__(self, app: ASGIApp, *, path: str, handler: Handler, problem_response: ProblemResponse) -> None:
        self.app = app
        self.path = path
        self.handler = handler
        self.problem_response = problem_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in ("GET", "POST")
                or scope["path"] != scope.get("root_path", "") + self.path):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.handler(request)
        except (KraeftgrafError, HttpProblem) as exc:
            response = self.problem_response(request, problem_for(exc))
        except ClientDisconnect:  # nobody reads this answer; answering keeps the hang-up out of the log
            response = self.problem_response(request, HttpProblem(400, DISCONNECTED))
        await response(scope, receive, send)
