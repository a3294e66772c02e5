"""The one way out of a sealed query worker: a relay from a Unix socket to the remote SPARQL endpoint's host and port.

With `serve --backend URL`, the query workers must reach that endpoint, yet their seal (see `sandbox`) refuses
every network socket. So the server starts a relay in its own process, outside the seal, listening on a Unix
socket in a private folder; it connects each client to the backend's host and port and to nothing else,
whatever the client sends. In the workers, urllib (and so SPARQLWrapper) is set to open its HTTP and HTTPS
connections through that socket; TLS still runs end to end between the worker and the backend.
"""

import asyncio
import contextlib
import http.client
import os
import selectors
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import KraeftgrafError

_READY_SECONDS = 10.0
_READY = b"listening\n"
_CHUNK = 65536
_ORPHAN_CHECK_SECONDS = 0.5  # how soon a relay notices that the server that started it is gone


class BackendRelay:
    """A relay process from a Unix socket to the backend's host and port; `close` stops it."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise KraeftgrafError(f"--backend {url}: give the http:// or https:// URL of a SPARQL endpoint.")
        self.url = url
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self._folder = Path(tempfile.mkdtemp(prefix="kraeftgraf-relay-"))
        self.path = str(self._folder / "backend.sock")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "kraeftgraf.endpoint.egress", self.path, self.host, str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=True)
        self._wait_until_listening()

    def close(self) -> None:
        """Stop the relay and remove its socket."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _wait_until_listening(self) -> None:
        """Wait for the relay's one line on its standard output, written once it listens."""
        assert self._process.stdout is not None  # made a pipe above
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=_READY_SECONDS) and self._process.stdout.readline() == _READY
        self._process.stdout.close()
        if not ready:
            self.close()
            raise KraeftgrafError(f"--backend {self.url}: the relay to {self.host}:{self.port} did not start.")


def route_urllib_through(relay: str) -> None:
    """Make urllib in this process open every HTTP(S) connection through the relay's Unix socket."""
    urllib.request.install_opener(relay_opener(relay))


def relay_opener(relay: str) -> urllib.request.OpenerDirector:
    """A urllib opener whose HTTP and HTTPS connections all go through the relay, whatever host a URL names."""
    return urllib.request.build_opener(_RelayHTTPHandler(relay), _RelayHTTPSHandler(relay))


class _RelaySocket(socket.socket):
    """A Unix socket to the relay, which http.client may treat as the TCP connection it asked for."""

    def setsockopt(self, level: int, option: int, value: Any, *rest: Any) -> None:
        if level == socket.IPPROTO_TCP:  # TCP_NODELAY and the like: a Unix socket has no such options
            return
        super().setsockopt(level, option, value, *rest)


def _connect_unix(relay: str, timeout: float | None) -> socket.socket:
    sock = _RelaySocket(socket.AF_UNIX, socket.SOCK_STREAM)
    if timeout is not None and timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
        sock.settimeout(timeout)
    try:
        sock.connect(relay)
    except BaseException:
        sock.close()
        raise
    return sock


def _through(relay: str, connection_class: type[http.client.HTTPConnection]) -> Any:
    """A constructor of `connection_class` connections whose socket is the relay's, for urllib's `do_open`."""
    def connection(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
        made = connection_class(*args, **kwargs)
        made._create_connection = lambda address, timeout, source=None: _connect_unix(relay, timeout)  # type: ignore[attr-defined]
        return made

    return connection


class _RelayHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, relay: str) -> None:
        super().__init__()
        self._relay = relay

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_through(self._relay, http.client.HTTPConnection), req)


class _RelayHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, relay: str) -> None:
        super().__init__()
        self._relay = relay
        self._tls = ssl.create_default_context()  # TLS runs end to end with the backend, through the relay

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_through(self._relay, http.client.HTTPSConnection), req, context=self._tls)


async def _relay_forever(path: str, host: str, port: int, parent: int) -> None:
    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(_CHUNK):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def serve(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            backend_reader, backend_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, backend_writer), pipe(backend_reader, client_writer))

    server = await asyncio.start_unix_server(serve, path=path)
    os.chmod(path, 0o600)
    sys.stdout.buffer.write(_READY)
    sys.stdout.flush()
    async with server:
        await _until_orphaned(parent)
    # The server that started us is gone without closing us (killed, or crashed): its socket folder goes too.
    Path(path).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        Path(path).parent.rmdir()


async def _until_orphaned(parent: int) -> None:
    """Return once the process that started the relay has died. The relay runs in a session of its own, so no
    signal reaches it when `serve` is killed; the kernel gives an orphan a new parent, which this notices."""
    while os.getppid() == parent:
        await asyncio.sleep(_ORPHAN_CHECK_SECONDS)


def main(arguments: list[str]) -> None:
    """`python -m kraeftgraf.endpoint.egress SOCKET HOST PORT`: run the relay until terminated."""
    path, host, port = arguments
    parent = os.getppid()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        asyncio.run(_relay_forever(path, host, int(port), parent))
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
