"""Deadlines for sending a request, so that clients that send slowly cannot hold the server's connections.

A request's head (request line and headers) is read by uvicorn before the app sees anything: its deadline lives in
uvicorn's h11 protocol. The body is read through the app's `receive`: its deadline lives in an ASGI middleware.
Either way the client gets 408 Request Timeout and the connection closes.
"""

import asyncio

import anyio
import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from ..errors import RequestTimeoutError
from .headers import BASIC_HEADERS


def head_deadline_protocol(seconds: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol, answering 408 and closing a connection whose request head is not in within `seconds`.

    For `uvicorn.Config(http=...)`, which takes a class: the deadline is a class attribute of a class made here.
    """

    class HeadDeadlineProtocol(_HeadDeadline):
        head_timeout = seconds

    return HeadDeadlineProtocol


class _HeadDeadline(H11Protocol):
    """The head's clock runs from the connection's start, or on a kept-alive connection from the next request's
    first byte, until h11 has parsed the whole head. Waiting for that first byte is uvicorn's keep-alive timeout."""

    head_timeout = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def handle_events(self) -> None:
        super().handle_events()
        waiting_for_head = self.conn.their_state is h11.IDLE
        if not waiting_for_head:
            self._stop_head_timer()
        elif self._head_timer is None and self.conn.trailing_data[0]:  # part of the next request's head is in
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request h11 cannot parse, with the headers every answer here carries."""
        self._answer_and_close(400, msg)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE or self.conn.our_state is not h11.IDLE:
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
        output = b"".join(self.conn.send(event) or b"" for event in (
            h11.Response(status_code=status, headers=headers, reason=STATUS_PHRASES[status]),
            h11.Data(data=body), h11.EndOfMessage()))
        self.transport.write(output)
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
