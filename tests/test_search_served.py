"""The index file an endpoint serves: kept in the cache, owned by the endpoint while it runs, mapped by the workers.

The workers share the index's pages through the operating system instead of each holding a copy: the tests look
at what a worker has mapped, and at what happens to the file when the cache is pruned or a forked process ends.
"""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from kraeftgraf.endpoint.search_routes import search_job
from kraeftgraf.endpoint.workers import Answer, WorkerContext, WorkerPool
from kraeftgraf.engines.base import RdflibEngine
from kraeftgraf.engines.oxigraph import OxigraphEngine
from kraeftgraf.graph.load import load_dataset
from kraeftgraf.search import build
from kraeftgraf.search.build import IndexCache, index_file
from kraeftgraf.search.index import SearchIndex
from kraeftgraf.search.served import ABANDONED_AFTER_SECONDS, ServedIndex

from .conftest import TESTS

SAMPLE = TESTS / "data" / "search-sample.ttl"


@pytest.fixture
def engine() -> RdflibEngine:
    return RdflibEngine(load_dataset([SAMPLE]))


@pytest.fixture
def cache(tmp_path: Path) -> IndexCache:
    return IndexCache(tmp_path / "cache")


@pytest.fixture
def served(engine: RdflibEngine, cache: IndexCache) -> Iterator[ServedIndex]:
    index = ServedIndex.of_file(index_file(engine, version="v1", cache=cache))
    yield index
    index.close()


def resources_found(index: SearchIndex, text: str) -> list[str]:
    return [hit.resource for hit in index.search(text).hits]


def test_a_cached_index_is_read_back_and_not_built_again(engine: RdflibEngine, cache: IndexCache,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    stored = index_file(engine, version="v1", cache=cache)

    def built_again(_engine: object, *, into: Path | None = None) -> SearchIndex:
        raise AssertionError("the cached index was built again")

    monkeypatch.setattr(build, "index_of", built_again)
    assert index_file(engine, version="v1", cache=cache) == stored
    with pytest.raises(AssertionError, match="built again"):
        index_file(engine, version="v2", cache=cache)  # another version is no hit


def test_a_cache_entry_that_is_no_index_is_built_again(engine: RdflibEngine, cache: IndexCache) -> None:
    damaged = cache.path("v1")
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"not an SQLite database, as a disk error or another program might leave it" * 100)
    assert cache.load("v1") is None
    stored = index_file(engine, version="v1", cache=cache)
    assert stored == damaged
    assert resources_found(SearchIndex.open_file(stored), "midler")


def test_no_partial_file_is_left_beside_a_stored_index(engine: RdflibEngine, cache: IndexCache) -> None:
    index_file(engine, version="v1", cache=cache)
    assert sorted(p.suffix for p in cache.folder.iterdir()) == [".sqlite"]


def test_the_served_file_outlives_its_cache_entry(served: ServedIndex, cache: IndexCache,
                                                  engine: RdflibEngine) -> None:
    cache.path("v1").unlink()  # what pruning does when twelve newer entries come in while the endpoint serves
    assert resources_found(served.open(), "midler") == resources_found(build.index_of(engine), "midler")
    served.close()
    assert not served.path.exists() and not served.folder.exists()


def test_an_index_without_a_version_is_served_from_a_file_of_its_own(engine: RdflibEngine) -> None:
    index = build.index_of(engine)
    served = ServedIndex.of_index(index)
    try:
        assert resources_found(served.open(), "midler") == resources_found(index, "midler")
    finally:
        served.close()
    assert not served.folder.exists()


def test_only_the_process_that_made_the_served_file_removes_it(served: ServedIndex) -> None:
    pid = os.fork()
    if pid == 0:  # a worker forked from the server ends; it must not take the server's file with it
        served.close()
        os._exit(0)
    os.waitpid(pid, 0)
    assert served.path.is_file()
    served.close()
    assert not served.folder.exists()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="a process's maps are read from Linux's /proc")
def test_a_worker_maps_the_served_file_after_its_cache_entry_is_gone(served: ServedIndex, cache: IndexCache) -> None:
    """The workers are sealed (they may open no other file) and start after the cache entry is gone."""
    cache.path("v1").unlink()
    pool = WorkerPool(WorkerContext(engine=OxigraphEngine(ox.Store()), graphs=frozenset(), max_rows=10,
                                    search_index=served), workers=1, fast_workers=0, timeout=10.0, memory_limit_mb=512)
    pool.start()
    try:
        answer = asyncio.run(pool.run(search_job([("text", "midler")], "application/json")))
        assert isinstance(answer, Answer) and b'"hits"' in answer.body and b"midler" in answer.body
        [worker] = pool._idle["general"]
        maps = Path(f"/proc/{worker.pid}/maps").read_text()
    finally:
        pool.close()
    assert str(served.path.resolve()) in maps


# A process that stands for an endpoint: it makes a served-index folder, says where, and waits to be killed.
_HOLD_A_FOLDER = ("import time; from kraeftgraf.search.served import ServedIndex; "
                  "served = ServedIndex.pending(); print(served.folder, flush=True); time.sleep(600)")


@contextmanager
def endpoint_holding_a_folder(temporary: Path) -> Iterator[tuple["subprocess.Popen[str]", Path]]:
    with subprocess.Popen([sys.executable, "-c", _HOLD_A_FOLDER], env={**os.environ, "TMPDIR": str(temporary)},
                          stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            folder = Path(process.stdout.readline().strip())
            assert folder.parent == temporary and folder.is_dir()
            yield process, folder
        finally:
            process.kill()


def made_long_ago(folder: Path) -> None:
    """Date the folder's lock file back past the age at which an unheld folder counts as abandoned."""
    then = time.time() - 2 * ABANDONED_AFTER_SECONDS
    os.utime(folder / "owner.lock", (then, then))


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_folder_of_an_endpoint_killed_by_sigkill_is_removed_when_the_next_one_starts(temporary: Path) -> None:
    with endpoint_holding_a_folder(temporary) as (process, left_behind):
        (left_behind / "index.search.sqlite").write_bytes(b"a link to a pruned cache entry")
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert left_behind.is_dir()  # SIGKILL gave it no chance to clean up
    first = ServedIndex.pending()
    try:
        assert left_behind.is_dir()  # too young to tell from an endpoint that has not locked it yet
        made_long_ago(left_behind)
        made_long_ago(first.folder)  # held by this process: however old, it stays
        second = ServedIndex.pending()
        assert not left_behind.exists()
        assert first.folder.is_dir() and second.folder.is_dir()
        second.close()
    finally:
        first.close()


def test_the_folder_of_an_endpoint_that_still_runs_is_kept_however_old(temporary: Path) -> None:
    with endpoint_holding_a_folder(temporary) as (_process, held):
        made_long_ago(held)
        ServedIndex.pending().close()
        assert held.is_dir()


def test_what_only_looks_like_a_served_index_folder_is_kept(temporary: Path) -> None:
    no_lock = temporary / "kraeftgraf-index-from-an-older-release"
    no_lock.mkdir()
    a_file = temporary / "kraeftgraf-index-a-file"
    a_file.write_text("not a folder")
    ServedIndex.pending().close()
    assert no_lock.is_dir() and a_file.is_file()


def test_an_index_built_into_the_cache_finds_what_one_built_in_memory_finds(
        engine: RdflibEngine, cache: IndexCache, monkeypatch: pytest.MonkeyPatch) -> None:
    def copied_whole(_index: SearchIndex) -> bytes:
        raise AssertionError("the index was copied out of memory to be stored")

    in_memory = build.index_of(engine)
    expected = (in_memory.describe(), resources_found(in_memory, "midler"))
    monkeypatch.setattr(SearchIndex, "to_bytes", copied_whole)
    stored = SearchIndex.open_file(cache.build("v1", engine))
    assert (stored.describe(), resources_found(stored, "midler")) == expected
    assert expected[1]  # the sample has texts with the word: the comparison compares something
    assert [p.name for p in cache.folder.iterdir() if "partial" in p.name] == []


def test_an_index_is_never_built_into_a_file_that_exists(engine: RdflibEngine, tmp_path: Path) -> None:
    existing = tmp_path / "index.sqlite"
    existing.write_bytes(b"someone else's file")
    with pytest.raises(FileExistsError, match="new file only"):
        build.index_of(engine, into=existing)
    assert existing.read_bytes() == b"someone else's file"
