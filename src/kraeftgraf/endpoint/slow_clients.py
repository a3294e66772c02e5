"""Deadlines and a size limit for a request's head, and a deadline for its body, so that clients that send slowly
or endlessly cannot hold the server's connections.

A request's head (request line and headers) is read by uvicorn before the app sees anything: its deadline and size
limit live in uvicorn's protocol class, here the one on httptools (llhttp, the parser Node.js uses), which costs a
fifth of what h11 costs per request. The body is read through the app's `receive`: its deadline lives in an ASGI
middleware. A slow client gets 408 Request Timeout and the connection closes.
"""

import asyncio
from http import HTTPStatus

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import RequestTimeoutError
from .headers import BASIC_HEADERS


def guarded_head_protocol(seconds: float, max_head_bytes: int) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, answering 408 and closing a connection whose request head is not in within
    `seconds`, and 414 or 431 for a head longer than `max_head_bytes` (llhttp itself sets no limit).

    For `uvicorn.Config(http=...)`, which takes a class: the limits are class attributes of a class made here.
    """

    class GuardedHeadProtocol(_GuardedHead):
        head_timeout = seconds
        head_limit = max_head_bytes

    return GuardedHeadProtocol


_URL_PARSER_MAX = 65_535  # bytes: the longest URL httptools.parse_url reads


class _HeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing a head past the limit (llhttp hands it back to data_received)."""


class _GuardedHead(HttpToolsProtocol):
    """The head's clock runs from the connection's start, or on a kept-alive connection from the next request's
    first byte, until the parser has the whole head. Waiting for that first byte is uvicorn's keep-alive timeout."""

    head_timeout = 10.0
    head_limit = 65_536
    _head_timer: asyncio.TimerHandle | None = None
    _in_head = True
    _head_bytes = 0
    _oversized: HTTPStatus | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes = True, 0
        if self._head_timer is None:  # the first byte of the next request on a kept-alive connection
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def on_url(self, url: bytes) -> None:
        self._count_head(url, HTTPStatus.REQUEST_URI_TOO_LONG)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(name + value, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._stop_head_timer()
        if len(self.url) <= _URL_PARSER_MAX:
            super().on_headers_complete()
            return
        # llhttp's URL parser keeps offsets in 16 bits and refuses a longer URL, yet a query of --max-query-length
        # characters, percent-encoded, can be longer: uvicorn is given the path alone, and the query string is
        # set here, before the request's task first runs (it starts on the event loop's next turn).
        path, _, query = self.url.partition(b"?")
        if len(path) > _URL_PARSER_MAX:
            self._oversized = HTTPStatus.REQUEST_URI_TOO_LONG
            self.send_400_response("")
            return
        self.url = path
        super().on_headers_complete()
        self.scope["query_string"] = query

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request the parser refuses, with the headers every answer here carries."""
        if self._oversized is None:
            self._answer_and_close(400, msg)
            return
        advice = ("Send a long query in a POST body instead of the URL."
                  if self._oversized is HTTPStatus.REQUEST_URI_TOO_LONG else "Send fewer or shorter headers.")
        self._answer_and_close(self._oversized, f"The request head is longer than this server accepts "
                                                f"({self.head_limit} bytes). {advice}")

    def _count_head(self, part: bytes, status: HTTPStatus) -> None:
        self._head_bytes += len(part)
        if self._head_bytes > self.head_limit:
            self._oversized = status
            raise _HeadTooLarge()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        responding = self.cycle is not None and not self.cycle.response_complete
        if self.transport.is_closing() or not self._in_head or responding:
            return  # closed meanwhile, or a request is under way: not ours to end
        client = f"{self.client[0]}:{self.client[1]} - " if self.client else ""
        self.logger.info("%sRequest head not complete after %g s (--header-timeout): 408", client, self.head_timeout)
        self._answer_and_close(408, str(RequestTimeoutError("request line and headers", self.head_timeout,
                                                             "--header-timeout")))

    def _answer_and_close(self, status: int, message: str) -> None:
        body = f"{message}\n".encode()
        headers = [*self.server_state.default_headers,
                   *((name.lower().encode(), value.encode()) for name, value in BASIC_HEADERS.items()),
                   (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode(),
                 *(name + b": " + value for name, value in headers)]
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        self.transport.close()


class BodyDeadline:
    """Answer 408 and close the connection when a request body is not in within `seconds` of its head.

    A response the app starts before the whole body is in (a 405, a 413 by Content-Length) closes the connection
    too, so that the rest of a body nobody reads cannot hold it open.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        deadline = anyio.current_time() + self.seconds
        complete = False

        async def timed() -> Message:
            nonlocal complete
            if complete:  # e.g. a streaming response listening for the client to go away: no deadline
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    message = await receive()
            except TimeoutError as exc:
                raise RequestTimeoutError("request body", self.seconds, "--body-timeout") from exc
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start" and not complete:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, timed, closing)


def _has_body(scope: Scope) -> bool:
    """Whether the request's headers announce a body (RFC 9112, 6.3): chunked, or a Content-Length above 0."""
    headers = dict(scope["headers"])
    return b"transfer-encoding" in headers or headers.get(b"content-length", b"0").strip() not in (b"0", b"")
