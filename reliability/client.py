"""A small HTTP/1.1 client that sends requests byte for byte as given, from a loopback address of its own.

httpx and http.client tidy a request up (they re-encode the URL, refuse control characters, set the framing):
a fuzzer must be able to send what they would not. Responses are read with http.client's parser. Each client
binds its own source address in 127.0.0.0/8, because the endpoint limits the queries per client address: threads
that share 127.0.0.1 would be refused for each other's queries.
"""

import http.client
import socket
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass(frozen=True)
class RawRequest:
    """One request as it goes on the wire; `family` names the generator that made it (for counting)."""

    method: str
    target: bytes  # path and query string, exactly as sent
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""
    family: str = "other"

    def wire(self, host: str) -> bytes:
        """The request's bytes; Content-Length is added for a body unless a header frames it already."""
        names = {name.lower() for name, _ in self.headers}
        lines = [self.method.encode("latin-1") + b" " + self.target + b" HTTP/1.1", b"Host: " + host.encode()]
        lines += [name + b": " + value for name, value in self.headers]
        if self.body and b"content-length" not in names and b"transfer-encoding" not in names:
            lines.append(b"Content-Length: " + str(len(self.body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.body

    def describe(self, limit: int = 1500) -> str:
        """The request in readable form (bytes escaped), cut at `limit` characters of target and body."""
        headers = "".join(f"\n  {n.decode('latin-1')}: {v!r}"[:200] for n, v in self.headers)
        body = f"\n  body {self.body[:limit]!r}{' ...' if len(self.body) > limit else ''}" if self.body else ""
        target = repr(self.target[:limit])[2:-1] + (" ..." if len(self.target) > limit else "")
        return f"{self.method} {target}{headers}{body}"


@dataclass
class Reply:
    """What came back: a status (None when nothing did), headers, body, and how long it took."""

    status: int | None
    seconds: float
    outcome: str  # "answered", "closed" (connection closed without an answer), "hang" (no answer in time)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """A keep-alive connection to the server, reopened when the server closes it."""

    def __init__(self, port: int, *, source: str = HOST, timeout_s: float = 30.0) -> None:
        self.port = port
        self.source = source
        self.timeout_s = timeout_s
        self._sock: socket.socket | None = None

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, request: RawRequest, *, timeout_s: float | None = None) -> Reply:
        """Send the request and read the whole answer; a connection reused and found closed is retried once."""
        limit = self.timeout_s if timeout_s is None else timeout_s
        started = time.monotonic()
        reused = self._sock is not None
        reply = self._exchange(request, limit, started)
        if reply.outcome == "closed" and reused:  # the server closed the idle connection as we sent: a new one
            started = time.monotonic()
            reply = self._exchange(request, limit, started)
        return reply

    def _connect(self, limit: float) -> socket.socket:
        if self._sock is None:
            self._sock = socket.create_connection((HOST, self.port), timeout=limit, source_address=(self.source, 0))
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.settimeout(limit)
        return self._sock

    def _exchange(self, request: RawRequest, limit: float, started: float) -> Reply:
        try:
            sock = self._connect(limit)
            sock.sendall(request.wire(f"{HOST}:{self.port}"))
            response = http.client.HTTPResponse(sock, method=request.method)
            try:
                response.begin()
                body = response.read()
            finally:
                response.close()
        except TimeoutError:
            self.close()
            return Reply(None, time.monotonic() - started, "hang")
        except (http.client.HTTPException, ConnectionError, OSError):
            self.close()
            return Reply(None, time.monotonic() - started, "closed")
        headers = {name.lower(): value for name, value in response.getheaders()}
        if response.will_close:
            self.close()
        return Reply(response.status, time.monotonic() - started, "answered", headers, body)


def source_address(index: int) -> str:
    """A loopback address of its own for client number `index`: 127.1.0.1, 127.1.0.2, ... (never 127.0.0.1)."""
    return f"127.1.{index // 250}.{index % 250 + 1}"
