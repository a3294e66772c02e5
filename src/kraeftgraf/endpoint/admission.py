"""Who may start a query now: a bounded queue, a limit per client, and a memory of how long each query took.

A few expensive queries must not lock everyone else out. The pool (see `workers`) asks this module three things:
may this client start another query (at most `per_client` at once, as the Wikidata Query Service limits
parallel queries per client), is there room to wait for a worker (at most `queue` waiting; beyond that the
answer is an immediate 503, not one after the time limit), and is this query known to be slow (then it never
takes the worker kept for short queries).
"""

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import ServerBusyError, TooManyRequestsError

_REMEMBERED = 4096  # distinct jobs whose last duration is kept


def cost_key(job: object) -> str:
    """A key that is equal for equal jobs (the same query, parameters and format): the pickled job's digest."""
    return hashlib.blake2b(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).hexdigest()


class CostMemory:
    """How long each job took the last time it ran, for the most recent few thousand jobs."""

    def __init__(self, size: int = _REMEMBERED) -> None:
        self._seconds: OrderedDict[str, float] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def last(self, key: str) -> float | None:
        """Seconds the job took last time; None for a job not seen (or forgotten)."""
        with self._lock:
            return self._seconds.get(key)

    def record(self, key: str, seconds: float) -> None:
        """Remember the job's duration, forgetting the least recently recorded beyond the size."""
        with self._lock:
            self._seconds[key] = seconds
            self._seconds.move_to_end(key)
            while len(self._seconds) > self._size:
                self._seconds.popitem(last=False)


class Admission:
    """Counts the queries each client runs and the requests waiting for a worker; refuses beyond the limits."""

    def __init__(self, *, per_client: int, queue: int, workers: int, timeout: float) -> None:
        self.per_client = per_client  # 0: no limit per client (behind a proxy that hides the clients)
        self.queue = queue
        self._workers = workers
        self._timeout = timeout
        self._running: dict[str, int] = {}
        self._waiting = 0
        self._lock = threading.Lock()

    @contextmanager
    def client(self, name: str | None) -> Iterator[None]:
        """Hold one of the client's places; TooManyRequestsError when it already runs `per_client` queries."""
        key = name or "unknown"
        with self._lock:
            if self.per_client and self._running.get(key, 0) >= self.per_client:
                raise TooManyRequestsError(self.per_client)
            self._running[key] = self._running.get(key, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Hold a place in the queue for a worker; ServerBusyError at once when the queue is full."""
        with self._lock:
            if self._waiting >= self.queue:
                raise ServerBusyError(self._workers, self._timeout, queue=self.queue)
            self._waiting += 1
        try:
            yield
        finally:
            with self._lock:
                self._waiting -= 1
