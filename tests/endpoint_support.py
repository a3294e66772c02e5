"""Helpers for the endpoint tests: the app in-process over a dataset, or `kraeftgraf serve` as a real process."""

import faulthandler
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from rdflib import Dataset

from kraeftgraf.endpoint.app import create_app
from kraeftgraf.endpoint.service import EndpointService, start_service
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.load import load_dataset

TESTS = Path(__file__).resolve().parent

ENDPOINT_DATA = TESTS / "data" / "endpoint"
PROTOCOL_DATA = ENDPOINT_DATA / "protocol.trig"
EX = "http://example.org/protocol/"
STARTUP_SECONDS = 180  # the embedded data is built and validated first


def load_protocol_dataset() -> Dataset:
    """The small TriG dataset of the protocol tests, one named graph per W3C-style data file."""
    with warnings.catch_warnings():  # rdflib's TriG parser uses its own deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        return load_dataset([PROTOCOL_DATA])


@contextmanager
def without_fault_handler() -> Iterator[None]:
    """Processes forked inside do not dump tracebacks on a fatal signal (pytest turns the handler on)."""
    was_enabled = faulthandler.is_enabled()
    faulthandler.disable()
    try:
        yield
    finally:
        if was_enabled:
            faulthandler.enable()


@contextmanager
def app_client(dataset: Dataset, settings: EndpointSettings, *, origin: str = "test data") -> Iterator[TestClient]:
    """The app over started query workers, answering in this process; the workers stop afterwards."""
    service = start_service(dataset, settings=settings, origin=origin)
    try:
        with TestClient(create_app(service)) as client:
            yield client
    finally:
        service.close()


def service_client(service: EndpointService) -> TestClient:
    """A client for an app over an already started service."""
    return TestClient(create_app(service))


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def kraeftgraf_command() -> list[str]:
    """The installed `kraeftgraf` script beside this Python, or `python -m kraeftgraf`."""
    script = shutil.which("kraeftgraf", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "kraeftgraf"]


@dataclass
class RunningServer:
    """A `kraeftgraf serve` process listening on loopback."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """What the server has printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_server(arguments: Sequence[str], *, env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """Start `kraeftgraf serve ARGUMENTS` on a free loopback port, wait until it answers, stop it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="kraeftgraf-serve-") as folder:
        log = Path(folder) / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [*kraeftgraf_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *arguments],
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})})
        server = RunningServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
        try:
            _wait_until_ready(server)
            yield server
        finally:
            _stop(process)


def _wait_until_ready(server: RunningServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"kraeftgraf serve exited with {server.process.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/prefixes", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"kraeftgraf serve did not answer within {STARTUP_SECONDS} s:\n{server.log_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def in_source(quote: str, source: Path) -> bool:
    """The quote is in the source text, white space collapsed and line-end hyphenation joined (data/CURATION.md)."""
    def collapse(text: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*", "", text)).strip()

    return collapse(quote) in collapse(source.read_text(encoding="utf-8"))


@contextmanager
def running_oxigraph_server(location: Path) -> Iterator[str]:
    """A real Oxigraph server (PyPI package `oxigraph`) on loopback, storing in `location`; its base URL."""
    import pytest

    executable = shutil.which("oxigraph", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if executable is None:
        pytest.skip("the `oxigraph` server executable is not installed (pip install '.[test]' provides it)")
    port = free_port()
    process = subprocess.Popen([executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("the Oxigraph server did not start within 20 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
