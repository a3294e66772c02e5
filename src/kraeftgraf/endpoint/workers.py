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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..engines.base import HoldsHandles, QueryEngine
from ..errors import QueryTimeoutError, ServerBusyError
from .egress import route_urllib_through
from .problems import HttpProblem, problem_for
from .sandbox import SealReport, address_space, limit_memory, seal_process

_LENGTH = struct.Struct("!Q")
_PID = struct.Struct("!i")
_SPAWN = b"s"
_IDLE_POLL = 0.005  # seconds between looks for a free worker when all are busy
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


class WorkerPool:
    """A fixed number of worker processes that run jobs with a time limit."""

    def __init__(self, context: WorkerContext, *, workers: int, timeout: float, memory_limit_mb: int) -> None:
        self.context = context
        self.size = workers
        self.timeout = timeout
        self.memory_limit_mb = memory_limit_mb
        self._idle: list[_Worker] = []
        self._busy: dict[int, _Worker] = {}
        self._lock = threading.Lock()  # the pool is used from whichever event loop serves the request
        self._control: socket.socket | None = None
        self._zygote_pid = 0
        self.seal = SealReport(applied=(), missing=("the workers have not started",))

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
        with warnings.catch_warnings():
            # Python 3.12+ warns when a process with threads forks. The zygote only runs this module's code and
            # forks the workers itself, single-threaded; callers fork it before serving (a test runner may not).
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the zygote
            server_end.close()
            _run_child(lambda: _zygote_main(zygote_end, self.context, self.timeout, self.memory_limit_mb))
        zygote_end.close()
        self._control, self._zygote_pid = server_end, pid
        report = _receive_now(server_end)
        if not isinstance(report, SealReport):
            raise OSError("the zygote process did not start; see the log above")
        self.seal = report
        for _ in range(self.size):
            self._idle.append(self._spawn())

    def close(self) -> None:
        """Stop every worker and the zygote."""
        with self._lock:
            workers = [*self._idle, *self._busy.values()]
            self._idle, self._busy = [], {}
        for worker in workers:
            _kill(worker)
        if self._control is not None:
            self._control.close()
            self._control = None
            os.waitpid(self._zygote_pid, 0)

    async def run(self, job: Job) -> Answer:
        """The job's answer; HttpProblem when it fails, runs over the time limit or no worker frees up."""
        worker = await self._acquire()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout):
                await loop.sock_sendall(worker.channel, _frame(job))
                reply = await _receive(loop, worker.channel)
        except TimeoutError:
            self._replace(worker)
            raise problem_for(QueryTimeoutError(self.timeout)) from None
        except EOFError:
            self._replace(worker)
            raise HttpProblem(422, "The worker running the query stopped (most likely it ran out of memory). "
                                   "Make the query more selective or add LIMIT.") from None
        except BaseException:  # cancelled or failed mid-exchange: the worker's state is unknown
            self._replace(worker)
            raise
        self._release(worker)
        if isinstance(reply, HttpProblem):
            raise reply
        if not isinstance(reply, Answer):
            raise TypeError(f"worker sent {type(reply).__name__}, not an Answer")
        return reply

    async def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        while True:
            with self._lock:
                if self._idle:
                    worker = self._idle.pop()
                    self._busy[worker.pid] = worker
                    return worker
            if time.monotonic() > deadline:
                raise problem_for(ServerBusyError(self.size, self.timeout))
            await asyncio.sleep(_IDLE_POLL)

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.pop(worker.pid, None)
            self._idle.append(worker)

    def _replace(self, worker: _Worker) -> None:
        _kill(worker)
        with self._lock:
            self._busy.pop(worker.pid, None)
        if self._control is None:  # closing down
            return
        try:
            fresh = self._spawn()
        except OSError:
            log.exception("could not start a replacement query worker; one fewer worker from now on")
            return
        with self._lock:
            self._idle.append(fresh)

    def _spawn(self) -> _Worker:
        if self._control is None:
            raise OSError("the worker pool is closed")
        with self._lock:  # one spawn conversation with the zygote at a time
            self._control.sendall(_SPAWN)
            message, fds, _flags, _address = socket.recv_fds(self._control, _PID.size, 1)
        if len(message) != _PID.size or not fds:
            raise OSError("the zygote process is gone; restart the server")
        channel = socket.socket(fileno=fds[0])
        channel.setblocking(False)
        return _Worker(pid=_PID.unpack(message)[0], channel=channel)


def _kill(worker: _Worker) -> None:
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.channel.close()


def _frame(payload: object) -> bytes:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


async def _receive(loop: asyncio.AbstractEventLoop, channel: socket.socket) -> object:
    header = await _receive_exactly(loop, channel, _LENGTH.size)
    return pickle.loads(await _receive_exactly(loop, channel, _LENGTH.unpack(header)[0]))


async def _receive_exactly(loop: asyncio.AbstractEventLoop, channel: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = await loop.sock_recv_into(channel, view[received:])
        if count == 0:
            raise EOFError("worker closed its channel")
        received += count
    return bytes(buffer)


def _receive_now(channel: socket.socket) -> object:
    """One framed message, waiting for it (the channel is blocking)."""
    header = channel.recv(_LENGTH.size, socket.MSG_WAITALL)
    if len(header) < _LENGTH.size:
        return None
    return pickle.loads(channel.recv(_LENGTH.unpack(header)[0], socket.MSG_WAITALL))


def _run_child(main: Any) -> None:
    """Run a forked child's main function and leave without running the parent's cleanup code."""
    code = 0
    try:
        main()
    except BaseException:  # noqa: B036 - nothing may escape into the parent's code in the child
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _zygote_main(control: socket.socket, context: WorkerContext, timeout: float, memory_limit_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which then closes the pool
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    # A worker is part of a server, not of whatever ran it: warnings are logged, never raised.
    warnings.resetwarnings()
    warnings.simplefilter("ignore", DeprecationWarning)
    gc.freeze()  # the workers' collectors then never write to the objects they share with us: they stay shared
    baseline = address_space()  # the workers start as copies of this process
    if context.relay is not None:
        route_urllib_through(context.relay)
    report = seal_process(keep_fds=[control.fileno()], relay=context.relay, backend=context.backend)
    control.sendall(_frame(report))
    while control.recv(1) == _SPAWN:
        server_end, worker_end = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            server_end.close()
            _run_child(lambda: _worker_main(worker_end, context, timeout, memory_limit_mb, baseline))  # noqa: B023
        worker_end.close()
        socket.send_fds(control, [_PID.pack(pid)], [server_end.fileno()])
        server_end.close()


def _worker_main(channel: socket.socket, context: WorkerContext, timeout: float, memory_limit_mb: int,
                 baseline: int | None) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    limit_memory(memory_limit_mb, baseline=baseline)
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
            reply = problem_for(exc)
            if reply.message.startswith("The query could not be evaluated"):
                traceback.print_exc()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            channel.sendall(_frame(reply))
        except MemoryError:
            channel.sendall(_frame(problem_for(MemoryError())))
        del job, reply
        _give_back_free_memory()


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
