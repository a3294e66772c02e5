"""Clients that send their request slowly get 408 and lose the connection; everyone else is served as before.

A real `kraeftgraf serve` with one-second deadlines, spoken to over raw sockets. Bounds are generous: the tests
check that the server answers 408 and closes long before a trickling client would have finished, not how soon.
"""

import http.client
import select
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from kraeftgraf.endpoint.settings import EndpointSettings, settings_from
from kraeftgraf.errors import SettingError

from .endpoint_support import PROTOCOL_DATA, RunningServer, running_server

DEADLINE = 1  # --header-timeout and --body-timeout, seconds
WITHIN = 15.0  # seconds by which the server has answered and closed: far less than any trickle below takes
JSON_RESULTS = "application/sparql-results+json"
ASK_HEAD = f"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: test\r\nAccept: {JSON_RESULTS}\r\n".encode()


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    arguments = ["--data", str(PROTOCOL_DATA), "--header-timeout", str(DEADLINE), "--body-timeout", str(DEADLINE),
                 "--max-query-length", "300000"]
    with running_server(arguments) as server:
        yield server


@dataclass
class Outcome:
    """What a trickling client saw: the server's bytes, whether it closed, and whether all was sent by then."""

    answer: bytes
    closed: bool
    finished: bool

    @property
    def head(self) -> str:
        return self.answer.partition(b"\r\n\r\n")[0].decode("latin-1").lower()

    @property
    def body(self) -> str:
        return self.answer.partition(b"\r\n\r\n")[2].decode("utf-8")


def connect(server: RunningServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def trickle(connection: socket.socket, start: bytes, rest: bytes, *, every: float) -> Outcome:
    """Send `start`, then `rest` a byte every `every` seconds, reading all along, until the server closes (or WITHIN).

    The trickle goes on after an answer: a server that answers but keeps reading holds the connection all the same.
    """
    connection.sendall(start)
    answer, sent = b"", 0
    give_up = time.monotonic() + WITHIN
    while time.monotonic() < give_up:
        readable, _, _ = select.select([connection], [], [], every)
        if readable:  # read before sending more, so that no answer waits unread when the server closes
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return Outcome(answer, closed=True, finished=sent == len(rest))
            answer += chunk
        elif sent < len(rest):
            try:
                connection.sendall(rest[sent:sent + 1])
                sent += 1
            except (BrokenPipeError, ConnectionResetError):
                pass  # closed meanwhile: the next read says so
    return Outcome(answer, closed=False, finished=sent == len(rest))


def assert_timed_out(outcome: Outcome, option: str, server: RunningServer) -> None:
    assert outcome.head.startswith("http/1.1 408 request timeout"), outcome.answer
    assert "connection: close" in outcome.head
    assert "content-type: text/plain" in outcome.head and "x-content-type-options: nosniff" in outcome.head
    assert f"({option})" in outcome.body
    assert outcome.closed, "the server kept the connection open"
    assert not outcome.finished  # closed long before the trickle could end
    log = server.log_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log


def test_a_client_that_trickles_its_headers_gets_408_and_the_connection_closes(server: RunningServer) -> None:
    with connect(server) as connection:
        outcome = trickle(connection, ASK_HEAD, b"X-Slow: " + b"a" * 200 + b"\r\n\r\n", every=0.5)
    assert_timed_out(outcome, "--header-timeout", server)


def test_a_client_that_connects_and_sends_nothing_gets_408_and_the_connection_closes(server: RunningServer) -> None:
    with connect(server) as connection:
        outcome = trickle(connection, b"", b"never sent", every=WITHIN)
    assert_timed_out(outcome, "--header-timeout", server)


def test_a_client_that_trickles_its_body_gets_408_and_the_connection_closes(server: RunningServer) -> None:
    head = (b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\n")
    with connect(server) as connection:
        outcome = trickle(connection, head, b"ASK {}" + b" " * 94, every=0.5)
    assert_timed_out(outcome, "--body-timeout", server)


def test_a_body_nobody_reads_cannot_hold_the_connection_after_the_answer(server: RunningServer) -> None:
    head = b"POST /ontology HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n"
    with connect(server) as connection:
        outcome = trickle(connection, head, b"x" * 100, every=0.5)
    assert outcome.head.startswith("http/1.1 405"), outcome.answer
    assert "connection: close" in outcome.head
    assert outcome.closed and not outcome.finished


def test_a_client_that_hangs_up_in_the_middle_of_its_body_leaves_no_traceback(server: RunningServer) -> None:
    with connect(server) as connection:
        connection.sendall(b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Type: application/sparql-query\r\n"
                           b"Content-Length: 100\r\n\r\nASK {")
        time.sleep(0.3)
    time.sleep(1)  # time for the server to notice, and to log whatever it logs
    assert httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
    assert "ClientDisconnect" not in server.log_text() and "Traceback" not in server.log_text()


def test_a_kept_alive_connection_idle_past_the_header_timeout_serves_the_next_request(
        server: RunningServer) -> None:
    connection = http.client.HTTPConnection(server.url.removeprefix("http://"), timeout=30)
    try:
        sockets = []
        for pause in (DEADLINE * 1.5, 0):  # idle is uvicorn's keep-alive (5 s), not the head's deadline
            connection.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": JSON_RESULTS})
            answer = connection.getresponse()
            assert answer.status == 200
            assert b"true" in answer.read()
            sockets.append(connection.sock)
            time.sleep(pause)
        assert sockets[0] is sockets[1] is not None  # one connection answered both
    finally:
        connection.close()


def test_the_next_request_trickled_on_a_kept_alive_connection_gets_408(server: RunningServer) -> None:
    with connect(server) as connection:
        connection.sendall(ASK_HEAD + b"\r\n")
        first = b""
        while b"true" not in first:
            first += connection.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        outcome = trickle(connection, b"GET /sparql HTTP/1.1\r\n", b"X-Slow: " + b"a" * 200, every=0.5)
    assert_timed_out(outcome, "--header-timeout", server)


def test_requests_sent_at_once_are_answered_head_and_large_bodies_included(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:  # one connection, kept alive throughout
        ask = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS})
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        head = client.head("/sparql", params={"query": "ASK {}"})
        assert head.status_code == 200 and head.content == b""
        large = "ASK {}\n#" + "x" * (EndpointSettings().max_body - 100)  # just under --max-body
        posted = client.post("/sparql", content=large.encode(), headers={
            "Content-Type": "application/sparql-query", "Accept": JSON_RESULTS})
        assert posted.status_code == 200 and posted.json()["boolean"] is True
        assert "connection" not in posted.headers  # kept alive
    assert "Traceback" not in server.log_text()


def test_the_deadlines_are_settings_above_zero() -> None:
    settings = settings_from({"KRAEFTGRAF_HEADER_TIMEOUT": "4", "KRAEFTGRAF_BODY_TIMEOUT": "20"}, body_timeout=25.0)
    assert (settings.header_timeout, settings.body_timeout) == (4.0, 25.0)
    for name in ("header_timeout", "body_timeout"):
        with pytest.raises(SettingError, match=f"{name}='0': expected a number of seconds above 0"):
            settings_from({}, **{name: 0})


def exchange(server: RunningServer, request: bytes) -> Outcome:
    """Send a whole request at once and read until the server closes (or WITHIN)."""
    with connect(server) as connection:
        return trickle(connection, request, b"", every=0.2)


HEAD_LIMIT = EndpointSettings().max_body + 16_384  # --max-body plus the room `serve` gives the rest of a head


def test_a_request_line_longer_than_the_limit_gets_414_and_the_connection_closes(server: RunningServer) -> None:
    query = b"ASK%20%7B%7D%20%23" + b"x" * HEAD_LIMIT  # the URL alone is over the limit
    outcome = exchange(server, b"GET /sparql?query=" + query + b" HTTP/1.1\r\nHost: test\r\n\r\n")
    assert outcome.head.startswith("http/1.1 414 request-uri too long"), outcome.answer[:200]
    assert "connection: close" in outcome.head and "x-content-type-options: nosniff" in outcome.head
    assert "POST" in outcome.body and outcome.closed
    # just under the limit: served (a query in the URL may be as long as --max-body allows a body to be)
    fits = b"ASK%20%7B%7D%20%23" + b"x" * (EndpointSettings().max_body - 100)
    outcome = exchange(server, b"GET /sparql?query=" + fits + b" HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                       + f"Accept: {JSON_RESULTS}\r\n\r\n".encode())
    assert outcome.head.startswith("http/1.1 200"), outcome.answer[:300]
    assert b'"boolean": true' in outcome.answer or b'"boolean":true' in outcome.answer
    # a path (not a query) over 64 KiB, which the URL parser cannot take apart: 414 as well, not a 400 or a 500
    outcome = exchange(server, b"GET /resource/" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: test\r\n\r\n")
    assert outcome.head.startswith("http/1.1 414"), outcome.answer[:200]


def test_headers_longer_than_the_limit_get_431_and_the_server_goes_on(server: RunningServer) -> None:
    headers = b"".join(b"X-Pad-%d: %s\r\n" % (number, b"y" * 1000) for number in range(HEAD_LIMIT // 1000 + 1))
    outcome = exchange(server, ASK_HEAD + headers + b"\r\n")
    assert outcome.head.startswith("http/1.1 431 request header fields too large"), outcome.answer[:200]
    assert "connection: close" in outcome.head and outcome.closed
    assert httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
    assert "Traceback" not in server.log_text()


@pytest.mark.parametrize("request_bytes", [
    # both framings at once: the classic request-smuggling ambiguity (RFC 9112, 6.1)
    b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX",
    # a header folded onto the next line (obsolete line folding), hiding Transfer-Encoding
    b"POST /sparql HTTP/1.1\r\nHost: test\r\nX-Abc: \rxTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n",
    # a Content-Length that is not a number
    b"POST /sparql HTTP/1.1\r\nHost: test\r\nContent-Length: 1_0\r\n\r\nASK {}    ",
    # a chunk size with junk after it
    b"POST /sparql HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n6x\r\nASK {}\r\n0\r\n\r\n",
    b"NOT A REQUEST\r\n\r\n",
], ids=["content-length-and-chunked", "bare-cr-in-header", "content-length-not-a-number", "bad-chunk-size",
        "garbage"])
def test_an_ambiguous_or_malformed_request_gets_400_and_the_connection_closes(server: RunningServer,
                                                                             request_bytes: bytes) -> None:
    outcome = exchange(server, request_bytes)
    assert outcome.head.startswith("http/1.1 400"), outcome.answer[:200]
    assert "connection: close" in outcome.head and "x-content-type-options: nosniff" in outcome.head
    assert outcome.closed
    assert outcome.answer.count(b"HTTP/1.1") == 1  # nothing smuggled in behind it was answered
