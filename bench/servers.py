"""The servers under test: start each as a real process on 127.0.0.1, time it to its first answer,
watch its memory, and always stop it (its whole process group, and nothing else)."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from bench import virtuoso
from bench.errors import BenchError

HOST = "127.0.0.1"
QUERY_TIMEOUT_S = 60  # every server gets the same per-query limit, so that none fails where another waits
MAX_ROWS = 1_000_000  # kraeftgraf's row cap raised so that it returns what the peers return
_PROBE = "ASK {}"
DISK = "kraeftgraf-disk"  # kraeftgraf serving its on-disk store (`serve --store`) instead of memory


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server and where it answers SPARQL."""

    name: str  # kraeftgraf, kraeftgraf-w1, oxigraph, rdflib-endpoint
    kind: str  # kraeftgraf | oxigraph | rdflib-endpoint | virtuoso
    command: tuple[str, ...]  # with {port} where the port goes
    sparql_path: str
    throughput_only: bool = False  # measured in the concurrency phase only
    env: tuple[tuple[str, str], ...] = ()  # set for this server on top of the runner's environment


def executable(name: str) -> str:
    """The program from this Python's environment (the venv), else from PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"`{name}` is not installed; install it (pip install {name}) in this environment.")
    return found


def server_specs(trig: Path, oxigraph_dir: Path, store_dir: Path, *, workers: tuple[int, ...] = (2, 1),
                 only: Collection[str] = ()) -> list[ServerSpec]:
    """kraeftgraf (first workers count: the main one; others for throughput), kraeftgraf on its on-disk store,
    Oxigraph, rdflib-endpoint and, where installed, Virtuoso (loading the TriG at start-up, as kraeftgraf does),
    all serving the same built dataset. With `only`, just those servers: the others' programs need not be
    installed."""
    def wanted(name: str) -> bool:
        return not only or name in only

    limits = ("--timeout", str(QUERY_TIMEOUT_S), "--max-rows", str(MAX_ROWS), "--log-level", "warning")
    specs = [
        ServerSpec(
            name=name, kind="kraeftgraf",
            command=(executable("kraeftgraf"), "serve", "--data", str(trig), "--host", HOST, "--port", "{port}",
                     "--workers", str(count), *limits),
            sparql_path="/sparql", throughput_only=index > 0)
        for index, count in enumerate(workers)
        if wanted(name := "kraeftgraf" if index == 0 else f"kraeftgraf-w{count}")
    ]
    if wanted(DISK):
        specs.append(ServerSpec(
            name=DISK, kind="kraeftgraf",
            command=(executable("kraeftgraf"), "serve", "--store", str(store_dir), "--host", HOST, "--port",
                     "{port}", "--workers", str(workers[0]), *limits),
            sparql_path="/sparql"))
    if wanted("oxigraph"):
        specs.append(ServerSpec(
            name="oxigraph", kind="oxigraph",
            command=(executable("oxigraph"), "serve-read-only", "--location", str(oxigraph_dir),
                     "--bind", f"{HOST}:{{port}}", "--union-default-graph", "--timeout-s", str(QUERY_TIMEOUT_S)),
            sparql_path="/query"))
    if wanted("rdflib-endpoint"):
        specs.append(ServerSpec(
            name="rdflib-endpoint", kind="rdflib-endpoint",
            command=(executable("rdflib-endpoint"), "serve", str(trig), "--host", HOST, "--port", "{port}"),
            sparql_path="/"))
    if wanted("virtuoso") and virtuoso.binary() is not None:  # Debian's virtuoso-opensource, where installed
        specs.append(ServerSpec(
            name="virtuoso", kind="virtuoso",
            command=(sys.executable, "-m", "bench.virtuoso", "serve", "--folder", str(trig.with_suffix(".virtuoso")),
                     "--port", "{port}", "--data", str(trig)),
            sparql_path="/sparql"))
    return specs


def embedded_spec(cache_dir: Path) -> ServerSpec:
    """`kraeftgraf serve` as a user runs it: build and validate the embedded data (or take it from the build
    cache in `cache_dir`), then serve."""
    return ServerSpec(name="kraeftgraf-embedded", kind="kraeftgraf",
                      command=(executable("kraeftgraf"), "serve", "--host", HOST, "--port", "{port}",
                               "--log-level", "warning"),
                      sparql_path="/sparql", env=(("KRAEFTGRAF_CACHE_DIR", str(cache_dir)),))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class MemoryPeak:
    """The most memory the server's processes held: sampled PSS (shared pages split fairly between forked
    workers) and the sum of each process's own peak RSS (VmHWM; counts shared pages once per process)."""

    pss_mb: float = 0.0
    rss_mb: float = 0.0
    hwm_sum_mb: float = 0.0
    processes: int = 0


@dataclass
class RunningServer:
    spec: ServerSpec
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    startup_s: float = 0.0
    memory: MemoryPeak = field(default_factory=MemoryPeak)
    _stop_sampling: threading.Event = field(default_factory=threading.Event)
    _sampler: threading.Thread | None = None

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def start_sampling(self, every_s: float = 0.25) -> None:
        def sample() -> None:
            while not self._stop_sampling.wait(every_s):
                self._sample()
        self._sample()
        self._sampler = threading.Thread(target=sample, name=f"memory-{self.spec.name}", daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        pids = process_tree(self.process.pid)
        pss = sum(_smaps_kb(pid, "Pss:") for pid in pids) / 1024
        rss = sum(_status_kb(pid, "VmRSS:") for pid in pids) / 1024
        hwm = sum(_status_kb(pid, "VmHWM:") for pid in pids) / 1024
        peak = self.memory
        peak.pss_mb, peak.rss_mb = max(peak.pss_mb, pss), max(peak.rss_mb, rss)
        peak.hwm_sum_mb, peak.processes = max(peak.hwm_sum_mb, hwm), max(peak.processes, len(pids))

    def stop(self) -> None:
        """Stop sampling, then the server's process group: SIGTERM, and SIGKILL after 10 s."""
        if self.process.poll() is None:
            self._sample()
        self._stop_sampling.set()
        if self._sampler is not None:
            self._sampler.join(timeout=5)
        if self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)
        # Workers a server forked may outlive it briefly: make sure nothing of its group is left.
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_server(spec: ServerSpec, log_dir: Path, *, ready_timeout_s: float) -> RunningServer:
    """Start the server in its own process group and wait for its first answer to a SPARQL query."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{spec.name}.log"
    command = [part.replace("{port}", str(port)) for part in spec.command]
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, **dict(spec.env)}, start_new_session=True)
    server = RunningServer(spec=spec, port=port, process=process, log_path=log_path)
    try:
        server.start_sampling()
        _wait_ready(server, started, ready_timeout_s)
    except BaseException:
        server.stop()
        raise
    server.startup_s = time.perf_counter() - started
    return server


def _wait_ready(server: RunningServer, started: float, timeout_s: float) -> None:
    body = urllib.parse.urlencode({"query": _PROBE}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    while time.perf_counter() - started < timeout_s:
        if server.process.poll() is not None:
            raise BenchError(f"{server.spec.name} exited with {server.process.returncode} before answering; "
                             f"see {server.log_path}:\n{_tail(server.log_path)}")
        connection = http.client.HTTPConnection(HOST, server.port, timeout=5)
        try:
            connection.request("POST", server.spec.sparql_path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.02)
    raise BenchError(f"{server.spec.name} did not answer within {timeout_s:.0f} s; see {server.log_path}, or "
                     "raise --ready-timeout.")


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def process_tree(root: int) -> list[int]:
    """The process and every descendant that is alive now."""
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except OSError:  # the process ended while we looked
            continue
    return found


def _status_kb(pid: int, key: str) -> int:
    return _field_kb(f"/proc/{pid}/status", key)


def _smaps_kb(pid: int, key: str) -> int:
    return _field_kb(f"/proc/{pid}/smaps_rollup", key)


def _field_kb(path: str, key: str) -> int:
    try:
        with open(path) as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
