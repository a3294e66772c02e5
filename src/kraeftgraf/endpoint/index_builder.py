"""The endpoint's full-text index, from the cache or built by a process of its own while the endpoint starts.

Building the index of new data takes long at scale (about 40 s for ×100's 230,000 texts) and leaves the building
process's heap larger. So a process forked for it builds it, stores it in the index cache and puts it in place
(`ServedIndex`), then ends, and its memory with it. The endpoint waits for it up to `--index-wait` seconds (the
curated data's index takes under a second), then serves anyway: SPARQL, saved queries and pages answer, and
/api/search answers 503 with Retry-After until the file is there. Forked before the server starts any thread,
like the workers' zygote.
"""

import contextlib
import math
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

from ..engines.base import HoldsHandles, QueryEngine
from ..search.served import ServedIndex
from .workers import fork_before_threads, run_child

if TYPE_CHECKING:
    from ..search.build import IndexCache

_POLL_SECONDS = 0.02


class IndexBuilder:
    """The process building the served index.

    Before the server starts threads, `wait` polls for it; once it may, `watch` waits for it in a thread, which reaps
    it as soon as it ends and, should it die without a word (killed: out of memory, say), marks the index failed,
    so that searches are not told "being built" for ever. `stop` it when the endpoint closes.
    """

    def __init__(self, pid: int, served: ServedIndex) -> None:
        self.pid = pid
        self.served = served
        self._ended = False
        self._stopping = False
        self._lock = threading.Lock()  # the builder is reaped once, and never signalled after (its pid is free then)
        self._watcher: threading.Thread | None = None

    @property
    def ended(self) -> bool:
        """True once the builder has ended and been reaped."""
        return self._ended

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the builder to end; True when it has (it is reaped then)."""
        deadline = time.monotonic() + seconds
        while not self._reap():
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_SECONDS)
        return True

    def watch(self) -> None:
        """Wait for the builder in a thread of its own, from now on."""
        self._watcher = threading.Thread(target=self.wait, args=(math.inf,), name="index-builder", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """End the builder if it still runs (the index it leaves half-done is never put in place), and reap it."""
        with self._lock:
            self._stopping = True
            if not self._ended:
                with contextlib.suppress(ProcessLookupError):  # not reaped yet, so the pid is still the builder's
                    os.kill(self.pid, signal.SIGKILL)
        self._reap(block=True)
        if self._watcher is not None:
            self._watcher.join()

    def _reap(self, *, block: bool = False) -> bool:
        with self._lock:
            if self._ended:
                return True
            try:
                pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
            except ChildProcessError:  # reaped by someone else
                pid, status = self.pid, 0
            if pid != self.pid:
                return False
            self._ended = True
            died = not self._stopping and status != 0 and not self.served.ready and not self.served.failed
        if died:
            self.served.mark_failed()
            code = os.waitstatus_to_exitcode(status)
            how = f"was killed by signal {-code} ({signal.Signals(-code).name})" if code < 0 else f"ended with {code}"
            _say(f"the full-text index builder {how}; /api/search answers 503 until the server is restarted")
        return True


def serve_index(engine: QueryEngine, version: str | None, *, wait: float) -> tuple[ServedIndex, IndexBuilder | None]:
    """The index to serve: the cached one of this version at once, else one a builder process makes.

    Call it before the server starts any thread. The builder is None when the index is in place on return.
    """
    from ..search import build as search_build  # only when serving: it reads the source folder

    cache = search_build.IndexCache()
    if version is not None:
        kept = cache.load(version)
        if kept is not None:
            return ServedIndex.of_file(kept), None
    served = ServedIndex.pending()
    if isinstance(engine, HoldsHandles):
        engine.release()  # an on-disk store's handle is not to be shared with the child: each opens its own
    pid = fork_before_threads()
    if pid == 0:
        run_child(lambda: _build(engine, version, served, cache))
    builder = IndexBuilder(pid, served)
    if builder.wait(wait):
        return served, None
    return served, builder


def _build(engine: QueryEngine, version: str | None, served: ServedIndex, cache: "IndexCache") -> None:
    from ..search import build as search_build

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server, which then stops this process
    os.nice(10)  # queries come first: the two share the machine's cores
    started = time.monotonic()
    try:
        if version is None:
            served.write(search_build.index_of(engine))
        else:
            # serve_index found no entry of this version: store one, without looking for it again
            served.place(cache.build(version, engine))
    except BaseException:
        served.mark_failed()
        _say("the full-text index could not be built (the reason follows); /api/search answers 503 until the "
             "server is restarted")
        raise  # run_child prints the traceback
    _say(f"the full-text index is ready, built in {time.monotonic() - started:.1f} s")


def _say(message: str) -> None:
    """A line in the server's log (standard error, as `kraeftgraf serve` writes its own)."""
    print(f"kraeftgraf: {message}", file=sys.stderr, flush=True)
