"""The worker pool cannot be starved or silently shrunk: admission, the fast lane, dead workers, recycling.

The jobs here sleep or allocate for a set time instead of running SPARQL, so each test controls exactly how long
a worker stays busy; the pool itself is the real one, with real forked processes.
"""

import asyncio
import mmap
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kraeftgraf.endpoint.problems import HttpProblem
from kraeftgraf.endpoint.workers import Answer, WorkerContext, WorkerPool
from kraeftgraf.engines.oxigraph import OxigraphEngine
from kraeftgraf.search.served import ServedIndex
from reliability.processes import children

MakePool = Callable[..., WorkerPool]


@dataclass(frozen=True)
class Sleep:
    """Keeps a worker busy for `seconds`, then says which process ran it."""

    seconds: float
    tag: str = ""

    def run(self, context: WorkerContext) -> Answer:
        time.sleep(self.seconds)
        return Answer("text/plain", str(os.getpid()).encode())


@dataclass(frozen=True)
class Allocate:
    """Holds `megabytes` of memory for a moment, as a large query's answer would, then says which process ran it."""

    megabytes: int

    def run(self, context: WorkerContext) -> Answer:
        block = bytearray(self.megabytes * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])  # touch every page, so that it is really resident
        del block
        return Answer("text/plain", str(os.getpid()).encode())


_KEPT_BY_THE_WORKER: list[bytes] = []


@dataclass(frozen=True)
class MapTheIndex:
    """Maps the served index file and reads every page of it, as a broad search does through SQLite, and keeps the
    map (as the worker's SQLite connection does); then says which process ran it."""

    def run(self, context: WorkerContext) -> Answer:
        assert context.search_index is not None
        with open(context.search_index.path, "rb") as file:
            mapped = context.memo("map", lambda: mmap.mmap(file.fileno(), 0, prot=mmap.PROT_READ))
        assert sum(mapped[offset] for offset in range(0, len(mapped), mmap.PAGESIZE)) == 0
        return Answer("text/plain", str(os.getpid()).encode())


@dataclass(frozen=True)
class FillHeap:
    """Fills the C heap with `megabytes` of small blocks and frees all but the last, which the worker keeps (as a
    cache would) and which pins the heap's top: glibc keeps the memory below it unless it is trimmed. Says which
    process ran it."""

    megabytes: int

    def run(self, context: WorkerContext) -> Answer:
        blocks = [bytes(1000) + i.to_bytes(4, "big") for i in range(self.megabytes * 1000)]
        _KEPT_BY_THE_WORKER.append(bytes(5000))  # a size no freed hole fits: it goes on top of the blocks
        del blocks
        return Answer("text/plain", str(os.getpid()).encode())


@dataclass(frozen=True)
class LargeAnswer:
    """An answer of about `megabytes`, made in one piece as Oxigraph's serialiser leaves it, sent as a query's is."""

    megabytes: int

    def run(self, context: WorkerContext) -> Answer:
        return Answer("application/octet-stream", large_body(self.megabytes))


@dataclass(frozen=True)
class PeakSoFar:
    """Says which process ran it and the most memory that process has held, as `pid megabytes`."""

    def run(self, context: WorkerContext) -> Answer:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the seal keeps a worker out of /proc
        return Answer("text/plain", f"{os.getpid()} {peak_kb / 1024}".encode())


def large_body(megabytes: int) -> bytes:
    return bytes(range(251)) * (megabytes * 1024 * 1024 // 251)  # every byte tells where it stands, mod 251


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


@pytest.fixture
def make_pool() -> Iterator[Callable[..., WorkerPool]]:
    pools: list[WorkerPool] = []

    def make(**options: object) -> WorkerPool:
        settings: dict[str, object] = {"workers": 1, "timeout": 10.0, "memory_limit_mb": 512, "fast_workers": 0,
                                       "queue": 16, "per_client": 0, "recycle_mb": 0, **options}
        pool = WorkerPool(WorkerContext(engine=OxigraphEngine(ox.Store()), graphs=frozenset(), max_rows=10),
                          **settings)  # type: ignore[arg-type]
        pool.start()
        pools.append(pool)
        return pool

    yield make
    for pool in pools:
        pool.close()


def run(pool: WorkerPool, job: object, *, client: str | None = None) -> int | HttpProblem:
    """The pid that ran the job, or the HTTP problem it got."""
    try:
        return int(asyncio.run(pool.run(job, client=client)).body)  # type: ignore[arg-type]
    except HttpProblem as problem:
        return problem


def in_background(*calls: tuple[WorkerPool, object, str | None]) -> list[Future[int | HttpProblem]]:
    executor = ThreadPoolExecutor(max_workers=len(calls))
    futures = [executor.submit(run, pool, job, client=client) for pool, job, client in calls]
    executor.shutdown(wait=False)
    time.sleep(0.3)  # they have reached a worker, or the queue
    return futures


def test_a_full_queue_is_refused_at_once_not_after_the_time_limit(make_pool: MakePool) -> None:
    pool = make_pool(queue=1)
    # Both long: whichever takes the worker, the other waits in the one place in the queue.
    busy, waiting = in_background((pool, Sleep(1.5, "a"), None), (pool, Sleep(1.5, "b"), None))
    started = time.monotonic()
    refused = run(pool, Sleep(0.1, "c"))
    assert isinstance(refused, HttpProblem) and refused.status == 503
    assert "--queue" in refused.message and refused.headers["Retry-After"]
    assert not (busy.done() or waiting.done())  # refused while they ran: nobody waited for the time limit
    assert time.monotonic() - started < 1.0
    assert isinstance(busy.result(), int) and isinstance(waiting.result(), int)


def test_a_client_over_its_share_gets_429_while_another_client_is_served(make_pool: MakePool) -> None:
    pool = make_pool(workers=2, per_client=1)
    [first] = in_background((pool, Sleep(1.5), "192.0.2.1"))
    refused = run(pool, Sleep(0.1), client="192.0.2.1")
    assert isinstance(refused, HttpProblem) and refused.status == 429
    assert "--per-client" in refused.message and refused.headers["Retry-After"] == "1"
    assert isinstance(run(pool, Sleep(0.1), client="192.0.2.2"), int)  # another client is not held up
    assert not first.done()
    assert isinstance(first.result(), int)
    assert isinstance(run(pool, Sleep(0.1), client="192.0.2.1"), int)  # its place is free again


def test_a_short_query_is_answered_while_long_ones_hold_every_general_worker(make_pool: MakePool) -> None:
    pool = make_pool(workers=2, fast_workers=1)
    long_ones = in_background((pool, Sleep(3.0, "a"), None), (pool, Sleep(3.0, "b"), None))
    started = time.monotonic()
    assert isinstance(run(pool, Sleep(0.0, "probe")), int)
    assert time.monotonic() - started < 1.0
    assert not any(future.done() for future in long_ones)


def test_a_query_that_overruns_the_fast_lane_moves_on_and_is_known_as_slow(make_pool: MakePool) -> None:
    pool = make_pool(fast_workers=1, fast_lane_seconds=0.3)
    [general] = in_background((pool, Sleep(1.0, "hold"), None))
    fast_pids = {worker.pid for worker in pool._idle["fast"]}
    moved = run(pool, Sleep(0.6, "slow"))  # the fast worker is stopped at 0.3 s; it finishes on the general one
    assert isinstance(moved, int) and moved not in fast_pids
    assert isinstance(general.result(), int)
    # Known as slow now: with the general worker busy again, it waits for it instead of taking the fast one.
    [general] = in_background((pool, Sleep(0.8, "hold again"), None))
    fast_pids = {worker.pid for worker in pool._idle["fast"]}
    again = run(pool, Sleep(0.6, "slow"))
    assert isinstance(again, int) and again not in fast_pids
    assert general.done()


def test_a_worker_killed_while_idle_is_replaced_before_it_gets_a_request(make_pool: MakePool) -> None:
    pool = make_pool(workers=2)
    victim = pool._idle["general"][0].pid
    os.kill(victim, signal.SIGKILL)
    time.sleep(0.2)
    both = in_background((pool, Sleep(0.2, "a"), None), (pool, Sleep(0.2, "b"), None))
    answers = [future.result() for future in both]
    assert all(isinstance(answer, int) and answer != victim for answer in answers), answers


def test_a_worker_that_grew_large_is_replaced_after_its_query(make_pool: MakePool) -> None:
    pool = make_pool(recycle_mb=64)
    small = run(pool, Allocate(1))
    assert run(pool, Allocate(1)) == small  # small queries keep their worker
    large = run(pool, Allocate(160))
    assert large == small
    after = run(pool, Allocate(1))
    assert isinstance(after, int) and after != large


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="mapped pages are told apart through Linux's /proc")
def test_a_worker_that_mapped_a_large_index_is_not_replaced_for_it() -> None:
    """The index's pages are the file cache's, shared by all workers: retiring the worker would give none back."""
    served = ServedIndex.pending()
    with open(served.path, "wb") as file:
        file.truncate(160 * 1024 * 1024)  # no disk needed: its pages are read as zeros
    pool = WorkerPool(WorkerContext(engine=OxigraphEngine(ox.Store()), graphs=frozenset(), max_rows=10,
                                    search_index=served), workers=1, fast_workers=0, timeout=10.0, memory_limit_mb=512,
                      recycle_mb=64)
    pool.start()
    try:
        mapping = run(pool, MapTheIndex())
        assert isinstance(mapping, int)
        assert resident_mb(mapping) > 160  # the pages were really read in
        assert run(pool, Allocate(1)) == mapping
        assert run(pool, Allocate(160)) == mapping  # its heap growing still retires it, after that query
        assert run(pool, Allocate(1)) != mapping
    finally:
        pool.close()
        served.close()


def test_a_worker_gives_back_the_heap_a_large_query_freed(make_pool: MakePool) -> None:
    pool = make_pool()
    worker = run(pool, Sleep(0.0))
    assert isinstance(worker, int)
    before = resident_mb(worker)
    assert run(pool, FillHeap(150)) == worker  # 150 MB of small blocks, freed before the answer is sent
    # Without the trim the freed 150 MB stay resident (glibc keeps them below the pinned block). The worker trims
    # after sending its answer, so the test looks for a while.
    deadline = time.monotonic() + 5
    while resident_mb(worker) >= before + 50 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert resident_mb(worker) < before + 50


def test_when_the_zygote_dies_the_pool_says_so_and_asks_the_server_to_stop(make_pool: MakePool) -> None:
    pool = make_pool()
    stopped: list[bool] = []
    pool.on_broken = lambda: stopped.append(True)
    zygote = pool._zygote_pid
    os.kill(zygote, signal.SIGKILL)
    time.sleep(0.2)
    refused = run(pool, Sleep(0.0))
    assert isinstance(refused, HttpProblem) and refused.status == 503
    assert "restart" in refused.message
    assert stopped == [True]
    assert not Path(f"/proc/{zygote}").exists()  # reaped: no zombie left behind


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def traffic_until_refused(pool: WorkerPool, answers: list[int | HttpProblem], *, give_up: float) -> None:
    """Short jobs one after another, until one is refused (the pool closed) or `give_up` (a monotonic time)."""
    while time.monotonic() < give_up:
        answer = run(pool, Sleep(0.002 * (len(answers) % 7)))
        answers.append(answer)
        if isinstance(answer, HttpProblem):
            return


def test_closing_the_pool_while_queries_come_and_go_leaves_no_socket_or_process_behind() -> None:
    # Jobs finish, fail and are replaced on other threads while close() runs: each of those paths hands a worker
    # back to the pool or spawns a fresh one, and none may do so into a pool that is closing (that worker's socket
    # would stay open until garbage collection, and its process, which ends when its socket closes, would live on).
    for attempt in range(25):
        descriptors, before = open_descriptors(), set(children(os.getpid()))
        pool = WorkerPool(WorkerContext(engine=OxigraphEngine(ox.Store()), graphs=frozenset(), max_rows=10),
                          workers=3, fast_workers=1, timeout=2.0, fast_lane_seconds=0.01, memory_limit_mb=512)
        pool.start()
        answers: list[int | HttpProblem] = []
        threads = [threading.Thread(target=traffic_until_refused, args=(pool, answers),
                                    kwargs={"give_up": time.monotonic() + 5}) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.05 + attempt * 0.004)  # close at a different moment of the traffic each time
        pool.close()
        for thread in threads:
            thread.join()
        refused = [answer for answer in answers if isinstance(answer, HttpProblem)]
        assert len(refused) == len(threads), answers  # every thread was told, none gave up waiting
        assert all(problem.status == 503 and "stopping" in problem.message for problem in refused), refused
        assert open_descriptors() == descriptors, f"attempt {attempt}: sockets left open"
        assert set(children(os.getpid())) == before, f"attempt {attempt}: processes left running or unreaped"


def test_a_large_answer_reaches_the_server_whole_and_unchanged(make_pool: MakePool) -> None:
    pool = make_pool()
    answer = asyncio.run(pool.run(LargeAnswer(20)))
    assert isinstance(answer, Answer)
    assert answer.media_type == "application/octet-stream" and answer.body == large_body(20)
    assert run(pool, Sleep(0)) == run(pool, Sleep(0))  # the worker is still in step with the server


def test_a_worker_does_not_copy_a_large_answer_to_send_it(make_pool: MakePool) -> None:
    """Pickled with the rest of the reply and joined to its header, a 100 MB answer took 300 MB to send."""
    pool = make_pool(memory_limit_mb=1024)
    pid, before = asyncio.run(pool.run(PeakSoFar())).body.split()
    asyncio.run(pool.run(LargeAnswer(100)))
    same_pid, after = asyncio.run(pool.run(PeakSoFar())).body.split()
    assert same_pid == pid
    assert float(after) - float(before) < 150  # the answer once, and little else
