"""The server's processes as /proc shows them: the server, its zygote, the zygote's workers, and their memory."""

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def children(pid: int) -> list[int]:
    """The direct children of the process (all its threads'), zombies included; [] once it is gone.

    Where the kernel does not list them (see `children_listed`), every process's parent is read instead."""
    if not children_listed():
        return [child for child in _all_pids() if _parent(child) == pid]
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            found += [int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    except (OSError, ValueError):
        pass
    return found


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):  # gone meanwhile
        return None


def children_listed() -> bool:
    """True where the kernel lists a process's children in /proc (CONFIG_PROC_CHILDREN)."""
    return Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()


def descendants(pid: int) -> list[int]:
    """Every living process below `pid` (not `pid` itself)."""
    found, stack = [], children(pid)
    while stack:
        child = stack.pop()
        found.append(child)
        stack += children(child)
    return found


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def status_mb(pid: int, key: str) -> float:
    """A memory line of /proc/PID/status (VmRSS, VmHWM) in MB; 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def cpu_ticks(pid: int) -> int:
    """User plus system CPU time the process has used, in clock ticks; -1 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1
    return int(fields[11]) + int(fields[12])


@dataclass(frozen=True)
class Roles:
    """The server process, the zygote that forks workers, and the workers, by pid."""

    server: int
    zygote: int | None
    workers: tuple[int, ...]


def roles(server: int) -> Roles:
    """Who is who under a `kraeftgraf serve` process: its one child is the zygote, the zygote's are workers."""
    zygotes = children(server)
    zygote = zygotes[0] if len(zygotes) == 1 else None
    return Roles(server=server, zygote=zygote, workers=tuple(sorted(children(zygote))) if zygote else ())


@dataclass
class MemoryPeaks:
    """The most memory seen per role while sampling: RSS sampled, and each process's own peak (VmHWM)."""

    server_rss_mb: float = 0.0
    zygote_rss_mb: float = 0.0
    worker_rss_mb: float = 0.0  # the largest sampled RSS of any one worker
    worker_hwm_mb: float = 0.0  # the largest VmHWM of a worker that grew while sampled (its peak since it started)
    total_rss_mb: float = 0.0  # all the server's processes together (shared pages counted in each)
    samples: int = 0


@dataclass
class MemorySampler:
    """Samples the memory of a server and all its descendants every `every_s` seconds, in a thread."""

    server: int
    every_s: float = 0.01
    peaks: MemoryPeaks = field(default_factory=MemoryPeaks)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _hwm_at_start: dict[int, float] | None = None  # a worker's peak from before sampling is not this sampling's

    def __enter__(self) -> "MemorySampler":
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="memory-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.sample()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    def sample(self) -> None:
        """Read every process's memory once and raise the peaks."""
        who = roles(self.server)
        peaks = self.peaks
        server_rss = status_mb(who.server, "VmRSS")
        zygote_rss = status_mb(who.zygote, "VmRSS") if who.zygote else 0.0
        workers_rss = [status_mb(pid, "VmRSS") for pid in who.workers]
        hwm = {pid: status_mb(pid, "VmHWM") for pid in who.workers}
        if self._hwm_at_start is None:
            self._hwm_at_start = hwm
        workers_hwm = [mb for pid, mb in hwm.items() if mb > self._hwm_at_start.get(pid, 0.0) + 1]
        peaks.server_rss_mb = max(peaks.server_rss_mb, server_rss)
        peaks.zygote_rss_mb = max(peaks.zygote_rss_mb, zygote_rss)
        peaks.worker_rss_mb = max([peaks.worker_rss_mb, *workers_rss])
        peaks.worker_hwm_mb = max([peaks.worker_hwm_mb, *workers_hwm])
        peaks.total_rss_mb = max(peaks.total_rss_mb, server_rss + zygote_rss + sum(workers_rss))
        peaks.samples += 1


def wait_for(condition: Callable[[], bool], timeout_s: float, every_s: float = 0.02) -> bool:
    """Poll until the condition holds; False when it did not within the time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every_s)
    return condition()

