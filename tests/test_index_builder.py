"""The full-text index of new data is built by a process of its own: the endpoint serves meanwhile, says when search
is not ready yet (503 with Retry-After) or never will be (503 without), and leaves no process or file behind.

The builder is held back by a gate file (its build waits for it), so each test decides when the index is ready.
"""

import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient
from httpx import Client

from kraeftgraf.endpoint.service import EndpointService, start_service
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.load import load_dataset
from kraeftgraf.search import build as search_build
from kraeftgraf.search.build import IndexCache
from kraeftgraf.search.index import SearchIndex

from .conftest import TESTS
from .endpoint_support import running_server, service_client

SAMPLE = TESTS / "data" / "search-sample.ttl"
SETTINGS = EndpointSettings(workers=1, fast_workers=0, index_wait=0.2)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty index cache: every start here builds its index."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KRAEFTGRAF_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The builder's index_of waits until this file exists (the builder is forked with the patch in place)."""
    gate = tmp_path / "go"
    original = search_build.index_of

    def held_back(engine: object, *, into: Path | None = None) -> SearchIndex:
        deadline = time.monotonic() + 60
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        return original(engine, into=into)  # type: ignore[arg-type]

    monkeypatch.setattr(search_build, "index_of", held_back)
    return gate


@pytest.fixture
def start() -> Iterator[Callable[..., EndpointService]]:
    services: list[EndpointService] = []

    def started(version: str | None = None, *, index_wait: float = SETTINGS.index_wait) -> EndpointService:
        service = start_service(load_dataset([SAMPLE]), settings=replace(SETTINGS, index_wait=index_wait),
                                origin="the search sample", version=version)
        services.append(service)
        return service

    yield started
    for service in services:
        service.close()


class Reply(Protocol):
    """A response of httpx's, or of the test client's (which uses its own copy of httpx)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


def search(client: Client | TestClient) -> Reply:
    return client.get("/api/search", params={"text": "midler"})


def search_once_ready(client: Client | TestClient, seconds: float = 60) -> Reply:
    deadline = time.monotonic() + seconds
    while (response := search(client)).status_code == 503 and time.monotonic() < deadline:
        assert response.headers.get("Retry-After") == "5", response.text
        time.sleep(0.05)
    return response


def test_search_waits_for_the_index_while_sparql_answers(start: Callable[..., EndpointService], gate: Path,
                                                         own_cache: Path) -> None:
    service = start(version="sample-v1")
    assert service.index_builder is not None  # not ready within index_wait: it goes on in its own process
    with service_client(service) as client:
        waiting = search(client)
        assert waiting.status_code == 503 and waiting.headers["Retry-After"] == "5"
        assert "still being built" in waiting.json()["detail"]
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        gate.touch()
        ready = search_once_ready(client)
    assert ready.status_code == 200, ready.text
    assert ready.json()["hits"] and "midler" in ready.text
    assert IndexCache(own_cache).load("sample-v1") is not None  # kept for the next start, which then waits for nothing
    again = start(version="sample-v1")
    assert again.index_builder is None and again.pool.context.search_index is not None
    assert again.pool.context.search_index.ready


def test_an_index_that_could_not_be_built_is_a_503_without_retry(start: Callable[..., EndpointService],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(engine: object, *, into: Path | None = None) -> SearchIndex:
        raise RuntimeError("the texts could not be read")

    monkeypatch.setattr(search_build, "index_of", broken)
    service = start()
    assert service.index_builder is None or service.index_builder.wait(30)  # it fails fast: usually within the wait
    with service_client(service) as client:
        failed = search(client)
        assert failed.status_code == 503 and "Retry-After" not in failed.headers
        assert "could not be built" in failed.json()["detail"] and "/api/queries/search" in failed.json()["detail"]
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_a_builder_killed_without_a_word_is_known_as_failed(start: Callable[..., EndpointService],
                                                             gate: Path) -> None:
    """As the out-of-memory killer would end it: no exception, no marker of its own. The server notices."""
    service = start()
    builder = service.index_builder
    assert builder is not None
    with service_client(service) as client:
        assert search(client).headers.get("Retry-After") == "5"
        os.kill(builder.pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (failed := search(client)).headers.get("Retry-After") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert failed.status_code == 503 and "Retry-After" not in failed.headers
    assert "could not be built" in failed.json()["detail"]
    assert builder.ended


def test_a_builder_that_finished_is_reaped_at_once_not_at_shutdown(start: Callable[..., EndpointService],
                                                                  gate: Path) -> None:
    service = start()
    builder = service.index_builder
    assert builder is not None
    gate.touch()
    with service_client(service) as client:
        assert search_once_ready(client).status_code == 200
    deadline = time.monotonic() + 10
    while not builder.ended and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(ChildProcessError):  # no zombie left while the endpoint serves on
        os.waitpid(builder.pid, os.WNOHANG)


def test_a_small_index_is_ready_before_the_endpoint_serves(start: Callable[..., EndpointService]) -> None:
    service = start(index_wait=60)  # no gate: the sample's index takes a fraction of a second
    assert service.index_builder is None
    with service_client(service) as client:
        assert search(client).status_code == 200


def test_closing_while_the_index_is_built_stops_the_builder_and_removes_the_file(
        start: Callable[..., EndpointService], gate: Path) -> None:
    service = start()
    builder = service.index_builder
    index = service.pool.context.search_index
    assert builder is not None and index is not None
    service.close()
    with pytest.raises(ChildProcessError):  # reaped: neither running nor a zombie
        os.waitpid(builder.pid, os.WNOHANG)
    assert not index.folder.exists()


def test_kraeftgraf_serve_says_the_index_comes_later_and_serves_it_when_it_does(tmp_path: Path,
                                                                                 own_cache: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {"KRAEFTGRAF_CACHE_DIR": str(own_cache), "TMPDIR": str(temporary)}
    with running_server(["--data", str(SAMPLE), "--index-wait", "0", "--workers", "1"], env=environment) as server:
        assert "not ready within --index-wait 0 s" in server.log_text()
        with Client(base_url=server.url) as client:
            ready = search_once_ready(client)
        assert ready.status_code == 200 and "midler" in ready.text
        assert "the full-text index is ready" in server.log_text()
        assert any(temporary.iterdir())  # the served copy of the index, while it serves
    # Shut down and closed; then it ends as its uvicorn does: older releases with 0, newer ones by the signal
    assert server.process.returncode in (0, -signal.SIGTERM), server.log_text()
    assert not any(temporary.iterdir())  # removed when the server stopped
