"""The relay that is a sealed worker's only way out: it reaches the backend's host and port, and nothing else."""

import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from kraeftgraf.endpoint.egress import BackendRelay, relay_opener
from kraeftgraf.errors import KraeftgrafError

from .listeners import counting_listener


class _Named(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def two_servers() -> Iterator[tuple[str, str]]:
    servers = []
    for name in ("backend", "elsewhere"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Named)
        server.name = name  # type: ignore[attr-defined]
        Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    try:
        yield tuple(f"http://127.0.0.1:{s.server_address[1]}/" for s in servers)  # type: ignore[misc]
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_the_relay_reaches_the_backend_whatever_host_a_request_names(two_servers: tuple[str, str]) -> None:
    backend, elsewhere = two_servers
    relay = BackendRelay(backend + "query")
    try:
        opener = relay_opener(relay.path)
        with opener.open(backend + "query", timeout=10) as answer:
            assert answer.read() == b"backend"
        with opener.open(elsewhere, timeout=10) as answer:  # the relay connects to its backend, never elsewhere
            assert answer.read() == b"backend"
    finally:
        relay.close()


def test_tls_to_an_https_backend_runs_end_to_end_through_the_relay() -> None:
    with counting_listener(read_first_bytes=True) as backend:
        relay = BackendRelay(f"https://127.0.0.1:{backend.port}/query")
        try:
            with pytest.raises((urllib.error.URLError, OSError)):  # the listener never answers the handshake
                relay_opener(relay.path).open(f"https://127.0.0.1:{backend.port}/query", timeout=3)
        finally:
            relay.close()
    assert backend.connections and backend.connections[0][:1] == b"\x16"  # a TLS ClientHello, not plain HTTP


def test_a_relay_for_a_url_that_is_no_http_url_is_refused_naming_the_option() -> None:
    with pytest.raises(KraeftgrafError, match="--backend ftp://example.org/"):
        BackendRelay("ftp://example.org/")
