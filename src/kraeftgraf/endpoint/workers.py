"""Answer requests in forked worker processes, so that a query over its time limit is stopped by killing its worker.

rdflib cannot cancel a running query, so each query runs in a worker process. At start-up one process, the
"zygote", is forked from the server after the dataset is loaded; it forks the workers, which share the loaded
dataset copy-on-write. A worker reads a job from its socket, runs it and writes the answer back. When a job
runs over the time limit, the server kills that worker and asks the zygote for a fresh one; the event loop
never blocks on a query, so other requests are answered meanwhile. Forking from the single-threaded zygote,
never from the server (which runs threads), keeps the children free of locks held by other threads.
"""

import asyncio
import ctypes
import gc
import logging
import os
import pickle
import signal
import socket
import struct
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..engines.base import HoldsHandles, QueryEngine
from ..errors import (
    MemoryLimitError,
    QueryTimeoutError,
    ServerBusyError,
    ServerStoppingError,
    TooManyRequestsError,
    WorkerPoolBrokenError,
)
from .admission import Admission, CostMemory, cost_key
from .egress import route_urllib_through
from .problems import BACKEND_FAILED, HttpProblem, problem_for
from .sandbox import OWN_MEMORY_COUNTERS, SealReport, address_space, limit_memory, seal_process

if TYPE_CHECKING:
    from ..search.served import ServedIndex

_LENGTH = struct.Struct("!Q")
_REPLY_LENGTHS = struct.Struct("!QQ")  # a reply's pickled part, then its answer's body (see _send_reply)
_JOIN_BELOW = 64 * 1024  # a body this small is sent joined to the rest of its reply; a larger one is not copied
_PID = struct.Struct("!i")
_SPAWN = b"s"
_IDLE_POLL = 0.005  # seconds between looks for a free worker when all are busy
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_BACKSTOP = 5.0  # a worker whose server vanished kills itself this long after the time limit

log = logging.getLogger("kraeftgraf.endpoint.app")
Memo = TypeVar("Memo")


@dataclass
class WorkerContext:
    """What every job can use: the engine over the loaded dataset, its graph names, the limits."""

    engine: QueryEngine
    graphs: frozenset[str]
    max_rows: int
    backend: str | None = None  # the one URL a worker may reach: a remote SPARQL endpoint serving the data
    relay: str | None = None  # the Unix socket through which it reaches the backend (see `egress`)
    search_index: "ServedIndex | None" = None  # the full-text index's file, which a worker that searches maps
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], Memo]) -> Memo:
        """The value computed once per process for `key`: the dataset never changes while it is served."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: Memo = self._memo[key]
        return value


@dataclass(frozen=True)
class Answer:
    """A finished response body and its media type."""

    media_type: str
    body: bytes


class Job(Protocol):
    """A picklable piece of work that a worker runs against the dataset."""

    def run(self, context: WorkerContext) -> Answer:
        """Do the work; raise a KraeftgrafError when the request cannot be answered."""
        ...


@dataclass
class _Worker:
    pid: int
    channel: socket.socket
    lane: str  # "general", or "fast": kept for queries that have not shown themselves slow


class _NotStarted(Exception):
    """The worker was gone before it took the job: the job may run on another."""


class WorkerPool:
    """Worker processes that run jobs with a time limit, admitted so that a few slow queries cannot starve the rest.

    `workers` processes take any job; `fast_workers` more are kept for jobs not known to be slow (a job whose
    last run took `fast_lane_seconds` or more never gets one). A job that overruns that on a fast worker is moved
    to a general one, and is known as slow from then on. A worker whose memory grew past `recycle_mb` is replaced
    after its job; a worker found dead is replaced before it gets a job; if the process that forks workers dies,
    the pool is broken, says so on every request, and calls `on_broken` (the server then shuts down).

    Only the thread that took a worker for a job closes that worker's channel (an event loop must never find a
    socket it waits on closed under it by another thread); `close` only kills busy workers' processes.
    """

    def __init__(self, context: WorkerContext, *, workers: int, timeout: float, memory_limit_mb: int,
                 fast_workers: int = 1, fast_lane_seconds: float = 1.0, queue: int = 16, per_client: int = 0,
                 recycle_mb: int = 0) -> None:
        self.context = context
        self.size = workers
        self.fast_workers = fast_workers
        self.fast_lane_seconds = fast_lane_seconds
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb
        self.recycle_mb = recycle_mb
        self.admission = Admission(per_client=per_client, queue=queue, workers=workers, timeout=timeout)
        self.costs = CostMemory()
        self._idle: dict[str, list[_Worker]] = {"general": [], "fast": []}
        self._busy: dict[int, _Worker] = {}
        self._lock = threading.Lock()  # the pool is used from whichever event loop serves the request
        self._spawn_lock = threading.Lock()  # one conversation with the zygote at a time
        self._control: socket.socket | None = None
        self._zygote_pid = 0
        self.seal = SealReport(applied=(), missing=("the workers have not started",))
        self.broken = False
        self._closed = False  # by close(): no job starts and no worker is kept or spawned any more
        self.on_broken: Callable[[], None] | None = None

    def start(self, *, warm_up: Sequence["Job"] = ()) -> None:
        """Run the warm-up jobs (the workers inherit their caches), fork the zygote, then the workers.

        Call it before the server starts threads.
        """
        for job in warm_up:  # our own jobs, run once, here, for every worker
            try:
                job.run(self.context)
            except Exception:  # the workers will compute it themselves, and report any error then
                log.exception("warming up the query workers failed")
        if isinstance(self.context.engine, HoldsHandles):
            self.context.engine.release()  # each worker opens its own
        gc.collect()  # what loading and warming up left behind is not copied into every worker
        server_end, zygote_end = socket.socketpair()
        pid = fork_before_threads()
        if pid == 0:  # the zygote
            server_end.close()
            run_child(lambda: _zygote_main(zygote_end, self.context, self.timeout, self.memory_limit_mb,
                                            self.recycle_mb))
        zygote_end.close()
        self._control, self._zygote_pid = server_end, pid
        report = _receive_now(server_end)
        if not isinstance(report, SealReport):
            raise OSError("the zygote process did not start; see the log above")
        self.seal = report
        for lane, count in (("general", self.size), ("fast", self.fast_workers)):
            for _ in range(count):
                self._idle[lane].append(self._spawn(lane))

    def close(self) -> None:
        """Stop every worker and the zygote. Jobs running now end with a 503; none starts any more."""
        with self._lock:
            self._closed = True
            idle = [*self._idle["general"], *self._idle["fast"]]
            busy = list(self._busy.values())
            self._idle = {"general": [], "fast": []}
        for worker in idle:
            _kill(worker)
        for worker in busy:  # its job's thread sees the end of the stream, closes the channel and spawns nothing
            _stop(worker)
        with self._spawn_lock:  # a spawn under way finishes first; _keep then stops the worker it brought
            control, self._control = self._control, None
        if control is not None:
            control.close()
            if not self.broken:
                os.waitpid(self._zygote_pid, 0)

    async def run(self, job: Job, *, client: str | None = None) -> Answer:
        """The job's answer; HttpProblem when it fails, runs over the time limit or is not admitted."""
        self._check_zygote()
        key = cost_key(job)
        last = self.costs.last(key)
        with _problems(), self.admission.client(client):
            started = time.monotonic()
            fast_ok = self.fast_workers > 0 and (last is None or last < self.fast_lane_seconds)
            try:
                reply = await self._run(job, fast_ok=fast_ok, started=started)
            finally:
                self.costs.record(key, time.monotonic() - started)
        if isinstance(reply, HttpProblem):
            raise reply
        if not isinstance(reply, Answer):
            raise TypeError(f"worker sent {type(reply).__name__}, not an Answer")
        return reply

    async def _run(self, job: Job, *, fast_ok: bool, started: float) -> object:
        retried = False
        while True:
            worker = await self._acquire(fast_ok=fast_ok)
            on_fast_lane = worker.lane == "fast"
            remaining = self.timeout - (time.monotonic() - started)
            seconds = min(self.fast_lane_seconds, remaining) if on_fast_lane else remaining
            try:
                return await self._exchange(worker, job, seconds)
            except _NotStarted:
                if retried:
                    raise ServerBusyError(self.size, self.timeout) from None
                retried = True
            except TimeoutError:
                if not on_fast_lane or remaining <= self.fast_lane_seconds:
                    raise QueryTimeoutError(self.timeout) from None
                fast_ok = False  # not a short query after all: on to a general worker for the rest of the time
            except (EOFError, ConnectionResetError):
                raise HttpProblem(422, self._stopped_message()) from None

    def _stopped_message(self) -> str:
        return (f"The worker running the query stopped: it needed more memory than a query may use "
                f"({self.memory_limit_mb} MB, --memory-limit-mb), or the query engine failed on it (the server log "
                "says which). Make the query more selective or add LIMIT, or write it another way.")

    async def _exchange(self, worker: _Worker, job: Job, seconds: float) -> object:
        loop = asyncio.get_running_loop()
        try:
            try:
                await loop.sock_sendall(worker.channel, _frame(job))
            except (BrokenPipeError, ConnectionResetError):
                raise _NotStarted() from None
            async with asyncio.timeout(seconds):
                retiring, reply = await _receive_reply(loop, worker.channel)
        except BaseException as exc:  # not started, over time, gone, cancelled or failed: the worker's state is unknown
            self._replace(worker)
            if self._closed and isinstance(exc, Exception):
                raise problem_for(ServerStoppingError()) from None
            raise
        if retiring:
            self._replace(worker)
        else:
            self._release(worker)
        return reply

    async def _acquire(self, *, fast_ok: bool) -> _Worker:
        worker = self._take(fast_ok=fast_ok)
        if worker is not None:
            return worker
        with self.admission.waiting():  # a full queue is a 503 now, not after the time limit
            deadline = time.monotonic() + self.timeout
            while True:
                await asyncio.sleep(_IDLE_POLL)
                worker = self._take(fast_ok=fast_ok)
                if worker is not None:
                    return worker
                if time.monotonic() > deadline:
                    raise ServerBusyError(self.size, self.timeout)

    def _take(self, *, fast_ok: bool) -> _Worker | None:
        """An idle, living worker: a general one first, else (when allowed) a fast one; dead ones are replaced."""
        dead: list[_Worker] = []
        chosen = None
        with self._lock:
            if self._closed:
                raise problem_for(ServerStoppingError())
            for lane in ("general", "fast") if fast_ok else ("general",):
                while self._idle[lane] and chosen is None:
                    worker = self._idle[lane].pop()
                    if _alive(worker):
                        chosen = worker
                    else:
                        dead.append(worker)
            if chosen is not None:
                self._busy[chosen.pid] = chosen
        for worker in dead:
            log.warning("query worker %d had stopped while idle; replacing it", worker.pid)
            self._replace(worker, busy=False)
        return chosen

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.pop(worker.pid, None)
        self._keep(worker)

    def _keep(self, worker: _Worker) -> None:
        """Make the worker idle; once the pool is closed, stop it instead."""
        with self._lock:
            if not self._closed:
                self._idle[worker.lane].append(worker)
                return
        _kill(worker)

    def _replace(self, worker: _Worker, *, busy: bool = True) -> None:
        _kill(worker)
        if busy:
            with self._lock:
                self._busy.pop(worker.pid, None)
        if self._closed or self.broken:
            return
        try:
            fresh = self._spawn(worker.lane)
        except OSError:
            if not self._closed:  # closed meanwhile is no failure
                self._break()
            return
        self._keep(fresh)

    def _spawn(self, lane: str) -> _Worker:
        with self._spawn_lock:
            if self._control is None:
                raise OSError("the worker pool is closed")
            try:
                self._control.sendall(_SPAWN)
                message, fds, _flags, _address = socket.recv_fds(self._control, _PID.size, 1)
            except OSError as exc:
                raise OSError("the zygote process is gone; restart the server") from exc
        if len(message) != _PID.size or not fds:
            raise OSError("the zygote process is gone; restart the server")
        channel = socket.socket(fileno=fds[0])
        channel.setblocking(False)
        return _Worker(pid=_PID.unpack(message)[0], channel=channel, lane=lane)

    def _check_zygote(self) -> None:
        """WorkerPoolBrokenError when the zygote has died (it is reaped here, so it leaves no zombie)."""
        if self._closed:
            raise problem_for(ServerStoppingError())
        if not self.broken and self._zygote_pid:
            try:
                pid, _status = os.waitpid(self._zygote_pid, os.WNOHANG)
            except ChildProcessError:
                pid = self._zygote_pid
            if pid:
                self._break()
        if self.broken:
            raise problem_for(WorkerPoolBrokenError())

    def _break(self) -> None:
        if self.broken:
            return
        self.broken = True
        log.critical("the process that starts query workers has stopped; the server must be restarted")
        if self.on_broken is not None:
            self.on_broken()


@contextmanager
def _problems() -> Iterator[None]:
    """Admission and time-limit errors on their way to the client as HTTP problems."""
    try:
        yield
    except (ServerBusyError, TooManyRequestsError, QueryTimeoutError) as exc:
        raise problem_for(exc) from None


def _alive(worker: _Worker) -> bool:
    """False when the worker's end of the channel is closed (it died): a read would find the end of the stream."""
    try:
        return worker.channel.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def _kill(worker: _Worker) -> None:
    """Stop the worker and close its channel: only for a worker no other thread is using."""
    _stop(worker)
    worker.channel.close()


def _stop(worker: _Worker) -> None:
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _frame(payload: object) -> bytes:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _send_reply(channel: socket.socket, retiring: bool, reply: object) -> None:
    """Send a job's reply: the answer's body as it is, after the pickled rest, so that it is never copied.

    Pickled with the rest, or joined to it, a large answer was held two or three times over at the moment the
    worker was largest (97 MB each for `targets` at x100).
    """
    body, without_body = (reply.body, replace(reply, body=b"")) if isinstance(reply, Answer) else (b"", reply)
    rest = pickle.dumps((retiring, without_body), protocol=pickle.HIGHEST_PROTOCOL)
    header = _REPLY_LENGTHS.pack(len(rest), len(body))
    if len(body) < _JOIN_BELOW:
        channel.sendall(header + rest + body)  # one system call for the usual small answer
    else:
        channel.sendall(header + rest)
        channel.sendall(body)


async def _receive_reply(loop: asyncio.AbstractEventLoop, channel: socket.socket) -> tuple[bool, object]:
    """What `_send_reply` sent: whether the worker retires, and its reply."""
    rest_length, body_length = _REPLY_LENGTHS.unpack(await _receive_exactly(loop, channel, _REPLY_LENGTHS.size))
    retiring, reply = pickle.loads(await _receive_exactly(loop, channel, rest_length))
    body = bytes(await _receive_exactly(loop, channel, body_length)) if body_length else b""
    return retiring, replace(reply, body=body) if body and isinstance(reply, Answer) else reply


async def _receive_exactly(loop: asyncio.AbstractEventLoop, channel: socket.socket, size: int) -> bytearray:
    """`size` bytes from the channel, in the buffer they were received into (read from there, not copied)."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = await loop.sock_recv_into(channel, view[received:])
        if count == 0:
            raise EOFError("worker closed its channel")
        received += count
    return buffer


def _receive_now(channel: socket.socket) -> object:
    """One framed message, waiting for it (the channel is blocking)."""
    header = channel.recv(_LENGTH.size, socket.MSG_WAITALL)
    if len(header) < _LENGTH.size:
        return None
    return pickle.loads(channel.recv(_LENGTH.unpack(header)[0], socket.MSG_WAITALL))


def fork_before_threads() -> int:
    """os.fork, for a child that only runs this package's own code (the zygote, the index builder).

    Python 3.12+ warns when a process with threads forks. The server forks these children before it serves;
    a test runner may have threads of its own by then, which the children never touch.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def run_child(main: Any) -> None:
    """Run a forked child's main function and leave without running the parent's cleanup code."""
    code = 0
    try:
        main()
    except BaseException:  # noqa: B036 - nothing may escape into the parent's code in the child
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _zygote_main(control: socket.socket, context: WorkerContext, timeout: float, memory_limit_mb: int,
                 recycle_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which then closes the pool
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    # A worker is part of a server, not of whatever ran it: warnings are logged, never raised.
    warnings.resetwarnings()
    warnings.simplefilter("ignore", DeprecationWarning)
    gc.freeze()  # the workers' collectors then never write to the objects they share with us: they stay shared
    baseline = address_space()  # the workers start as copies of this process
    if context.relay is not None:
        route_urllib_through(context.relay)
    index = () if context.search_index is None else (context.search_index.path,)
    report = seal_process(keep_fds=[control.fileno()], relay=context.relay, backend=context.backend, readable=index)
    control.sendall(_frame(report))
    while control.recv(1) == _SPAWN:
        server_end, worker_end = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            server_end.close()
            run_child(lambda: _worker_main(worker_end, context, timeout, memory_limit_mb, baseline,  # noqa: B023
                                            recycle_mb))
        worker_end.close()
        socket.send_fds(control, [_PID.pack(pid)], [server_end.fileno()])
        server_end.close()


def _worker_main(channel: socket.socket, context: WorkerContext, timeout: float, memory_limit_mb: int,
                 baseline: int | None, recycle_mb: int) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    limit_memory(memory_limit_mb, baseline=baseline)
    counters = _open_memory_counters()
    start_peak = trimmed_peak = _peak_private_bytes(counters)
    reader = channel.makefile("rb")
    while True:
        header = reader.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            return  # the server closed the channel
        job = pickle.loads(reader.read(_LENGTH.unpack(header)[0]))
        signal.setitimer(signal.ITIMER_REAL, timeout + _BACKSTOP)  # SIGALRM's default action ends the process
        reply: Answer | HttpProblem
        try:
            reply = job.run(context)
        except Exception as exc:
            reply = problem_for(MemoryLimitError(memory_limit_mb) if isinstance(exc, MemoryError) else exc)
            if reply.message.startswith("The query could not be evaluated") or reply.message == BACKEND_FAILED:
                traceback.print_exc()  # the reason the client is not shown goes to the server log
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        # A worker that once grew large keeps much of that heap: past the threshold, it retires after this answer.
        peak = _peak_private_bytes(counters)
        retiring = bool(recycle_mb) and peak - start_peak > recycle_mb * 1024 * 1024
        try:
            _send_reply(channel, retiring, reply)
        except MemoryError:
            _send_reply(channel, True, problem_for(MemoryLimitError(memory_limit_mb)))
            return
        if retiring:
            return
        del job, reply
        # Trimming costs as much as a light query, and the heap can only have gained free memory worth giving back
        # when this job took the process past its highest use so far: only then.
        if peak > trimmed_peak:
            _give_back_free_memory()
            trimmed_peak = peak


def _open_memory_counters() -> int | None:
    """This process's /proc/self/statm, kept open and read again with pread (1 µs, against 10 µs to open it each
    time); None where there is no /proc. Opened in the worker itself: /proc/self names the process that opens it."""
    try:
        return os.open(OWN_MEMORY_COUNTERS, os.O_RDONLY)
    except OSError:
        return None


def _peak_private_bytes(counters: int | None) -> int:
    """The most memory this process has held at once, less the file pages it has mapped now.

    Mapped file pages (the full-text index's) are the operating system's file cache, shared by every worker that
    searches: no heap that retiring the worker would give back. The peak comes from getrusage (no file to open),
    the mapped pages from `counters` (see `_open_memory_counters`); without them, nothing is subtracted.
    """
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    if counters is None:
        return peak
    try:
        shared_pages = int(os.pread(counters, 128, 0).split()[2])  # resident pages backed by a file or shared memory
    except (OSError, IndexError, ValueError):
        return peak
    return peak - shared_pages * _PAGE_SIZE


def _give_back_free_memory() -> None:
    """Return the heap a large query freed to the system (glibc keeps it otherwise), so idle workers stay small."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _load_libc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to trim
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _load_libc()
