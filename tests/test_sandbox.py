"""The second layer: a sealed process cannot reach the network, start programs or read files, whatever it runs.

Each test proves that the harm did not happen (a listener saw no connection, a marker was not read), and
the operating-system seal is tested with code that goes around Python's audit hooks (ctypes, Oxigraph's own
HTTP client), since that is what the hooks cannot stop.
"""

import asyncio
import ctypes
import errno
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kraeftgraf.endpoint.workers import Answer, WorkerContext, WorkerPool
from kraeftgraf.engines.oxigraph import OxigraphEngine

from .listeners import CountingListener, counting_listener

LINUX = sys.platform.startswith("linux")
needs_linux = pytest.mark.skipif(not LINUX, reason=f"the operating-system seal uses Linux features ({sys.platform})")


@pytest.fixture
def canary() -> Iterator[CountingListener]:
    with counting_listener() as listener:
        yield listener


def run_sealed(code: str, *, seal: str = "seal_process()", pass_fds: tuple[int, ...] = ()
               ) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh Python after sealing it: a seal is for good, so never in the test process."""
    script = "from kraeftgraf.endpoint.sandbox import seal_process\nreport = " + seal + "\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          pass_fds=pass_fds)


@needs_linux
def test_the_operating_system_refuses_a_sealed_process_a_network_socket_even_around_python(
        canary: CountingListener) -> None:
    done = run_sealed(f"""
        import ctypes, errno, socket
        print("SEAL", report.network_sealed, report.describe())
        libc = ctypes.CDLL(None, use_errno=True)
        for family in (socket.AF_INET, socket.AF_INET6):
            fd = libc.socket(family, socket.SOCK_STREAM, 0)  # straight to the kernel: no audit hook sees it
            if fd < 0:
                print("REFUSED", errno.errorcode[ctypes.get_errno()])
            else:  # a namespace without a network still lets the socket be made: try to connect it
                address = ctypes.create_string_buffer(bytes([2, 0]) + ({canary.port}).to_bytes(2, "big")
                                                      + bytes([127, 0, 0, 1]) + bytes(8))
                result = libc.connect(fd, address, 16) if family == socket.AF_INET else -1
                print("CONNECT", result, errno.errorcode.get(ctypes.get_errno()))
        # Not even a Unix socket: glibc asks nscd or systemd-resolved for host names through one.
        print("UNIX", libc.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0) >= 0)
        print("PAIR", len(socket.socketpair()))  # how the workers' own channels are made
        """)
    assert done.returncode == 0, done.stderr
    assert "SEAL True" in done.stdout, done.stdout
    assert "seccomp" in done.stdout
    assert done.stdout.count("REFUSED EACCES") == 2, done.stdout
    assert "UNIX False" in done.stdout and "PAIR 2" in done.stdout
    assert canary.connections == []


@needs_linux
def test_a_worker_sealed_for_a_relay_may_open_unix_sockets_but_no_network_socket() -> None:
    done = run_sealed("""
        import ctypes, socket
        libc = ctypes.CDLL(None, use_errno=True)
        print("UNIX", libc.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0) >= 0)
        print("INET", libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0) >= 0)
        """, seal='seal_process(relay="/nonexistent/relay.sock", backend="http://127.0.0.1:9/query")')
    assert done.returncode == 0, done.stderr
    assert "UNIX True" in done.stdout and "INET False" in done.stdout


@needs_linux
def test_a_sealed_process_cannot_reach_into_another_process_for_its_sockets() -> None:
    done = run_sealed("""
        import ctypes, errno, os
        libc = ctypes.CDLL(None, use_errno=True)
        PTRACE_ATTACH, SYS_PIDFD_OPEN = 16, 434
        print("PTRACE", libc.ptrace(PTRACE_ATTACH, os.getppid(), None, None), errno.errorcode[ctypes.get_errno()])
        print("PIDFD", libc.syscall(SYS_PIDFD_OPEN, os.getppid(), 0), errno.errorcode[ctypes.get_errno()])
        """)
    assert done.returncode == 0, done.stderr
    assert "PTRACE -1 EPERM" in done.stdout and "PIDFD -1 EPERM" in done.stdout


@needs_linux
def test_a_sealed_process_cannot_start_a_program_even_around_python(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    done = run_sealed(f"""
        import ctypes, errno
        libc = ctypes.CDLL(None, use_errno=True)
        argv = (ctypes.c_char_p * 4)(b"/bin/sh", b"-c", b"touch {marker}", None)
        print("EXECVE", libc.execv(b"/bin/sh", argv), errno.errorcode[ctypes.get_errno()])
        """)
    assert done.returncode == 0, done.stderr
    assert "EXECVE -1 EACCES" in done.stdout
    assert not marker.exists()


@needs_linux
def test_a_sealed_process_has_closed_the_sockets_it_inherited(canary: CountingListener) -> None:
    inherited = socket.create_connection(("127.0.0.1", canary.port))
    try:
        done = run_sealed(f"""
            import os
            print("OPEN", {inherited.fileno()} in [int(fd) for fd in os.listdir("/proc/self/fd")])
            """, pass_fds=(inherited.fileno(),))
    finally:
        inherited.close()
    assert done.returncode == 0, done.stderr
    assert "OPEN False" in done.stdout


def test_python_code_in_a_sealed_process_gets_a_clear_refusal_for_the_network(canary: CountingListener) -> None:
    done = run_sealed(f"""
        import socket, urllib.request
        from kraeftgraf.errors import QueryRefusedError
        for attempt in (lambda: urllib.request.urlopen("{canary.url}", timeout=2),
                        lambda: socket.create_connection(("127.0.0.1", {canary.port}), timeout=2)):
            try:
                attempt()
                print("CONNECTED")
            except QueryRefusedError as refused:
                print("BLOCKED", refused)
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("BLOCKED") == 2 and "CONNECTED" not in done.stdout
    assert "never reaches outside its own data" in done.stdout
    assert canary.connections == []


def test_a_sealed_process_cannot_read_files_or_start_programs(tmp_path: Path) -> None:
    marker = tmp_path / "secret.txt"
    marker.write_text("MARKER-7f3a9c", encoding="utf-8")
    done = run_sealed(f"""
        import subprocess
        from kraeftgraf.errors import QueryRefusedError
        for attempt in (lambda: open({str(marker)!r}).read(), lambda: subprocess.run(["true"])):
            try:
                print("leaked:", attempt())
            except QueryRefusedError as refused:
                print("BLOCKED", refused)
        import rdflib.plugins.sparql.parser  # its own code still loads
        print("imports work")
        """)
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stdout and "MARKER-7f3a9c" not in done.stdout
    assert done.stdout.count("BLOCKED") == 2
    assert "imports work" in done.stdout


def test_a_sealed_process_opens_only_the_sqlite_files_it_was_given(tmp_path: Path) -> None:
    """The workers may map the full-text index, and no other database: not an existing one, not a new one (which
    SQLite would create), not through a file: URI; nor may SQLite load an extension (native code from a file),
    where this Python's SQLite can load extensions at all."""
    import sqlite3

    extensions = hasattr(sqlite3.Connection, "enable_load_extension")

    allowed, secret, created = tmp_path / "index.sqlite", tmp_path / "secret.sqlite", tmp_path / "new.sqlite"
    for path, value in ((allowed, "INDEX-ROW"), (secret, "MARKER-93be11")):
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE t (v TEXT)")
            connection.execute("INSERT INTO t VALUES (?)", (value,))
        connection.close()
    done = run_sealed(f"""
        import sqlite3
        from kraeftgraf.errors import QueryRefusedError
        read = "SELECT v FROM t"
        attempts = [lambda: sqlite3.connect({str(secret)!r}).execute(read).fetchall(),
                    lambda: sqlite3.connect({secret.as_uri() + "?mode=ro"!r}, uri=True).execute(read).fetchall(),
                    lambda: sqlite3.connect({str(created)!r}).execute("CREATE TABLE x (y)")]
        if {extensions}:
            attempts.append(lambda: sqlite3.connect(":memory:").enable_load_extension(True))
        for attempt in attempts:
            try:
                print("leaked:", attempt())
            except QueryRefusedError as refused:
                print("BLOCKED", refused)
        print(sqlite3.connect({allowed.as_uri() + "?mode=ro"!r}, uri=True).execute("SELECT v FROM t").fetchall())
        print(sqlite3.connect(":memory:").execute("SELECT 'IN-MEMORY'").fetchall())
        """, seal=f"seal_process(readable=[__import__('pathlib').Path({str(allowed)!r})])")
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stdout and "MARKER-93be11" not in done.stdout
    assert done.stdout.count("BLOCKED") == (4 if extensions else 3)
    assert not created.exists()
    assert "INDEX-ROW" in done.stdout and "IN-MEMORY" in done.stdout


def test_a_sealed_process_reads_its_memory_counters_and_nothing_else_of_proc() -> None:
    """/proc/self/statm is let through (workers tell their heap from mapped pages with it); the rest of /proc is
    not: its environment could hold a secret."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        from kraeftgraf.endpoint.sandbox import seal_process
        from kraeftgraf.errors import QueryRefusedError
        seal_process()
        print("statm", len(open("/proc/self/statm").read().split()))
        for path in ("/proc/self/environ", "/proc/self/status", "/proc/self/../self/statm"):
            try:
                print("leaked:", open(path, "rb").read())
            except QueryRefusedError:
                print("BLOCKED", path)
        """)], capture_output=True, text=True, timeout=60, env={**os.environ, "KG_SECRET": "MARKER-e41d07"})
    assert done.returncode == 0, done.stderr
    assert "statm 7" in done.stdout
    assert "leaked" not in done.stdout and "MARKER-e41d07" not in done.stdout
    assert done.stdout.count("BLOCKED") == 3


def test_rdflib_in_a_sealed_process_never_opens_a_file_named_by_from(tmp_path: Path) -> None:
    marker = tmp_path / "graph.ttl"
    marker.write_text("<urn:a> <urn:b> 'MARKER-51c2e8' .", encoding="utf-8")
    # A hook added before the seal's sees every attempt, including one the seal would refuse.
    seal = (f"__import__('sys').addaudithook(lambda event, args: event == 'open' and args and "
            f"{str(marker)!r} in str(args[0]) and print('OPENED', args[0])) or seal_process()")
    done = run_sealed(f"""
        from rdflib import Dataset
        dataset = Dataset(default_union=True)
        try:
            rows = list(dataset.query("SELECT ?o FROM <{marker.as_uri()}> WHERE {{ ?s ?p ?o }}"))
            print("rows:", rows)
        except Exception as error:
            print("error:", error)
        """, seal=seal)
    assert done.returncode == 0, done.stderr
    assert "OPENED" not in done.stdout  # not refused: never even tried
    assert "MARKER-51c2e8" not in done.stdout + done.stderr


@dataclass(frozen=True)
class ServiceStraightToOxigraph:
    """A job that skips the query check and asks Oxigraph for SERVICE itself: what a missed bypass would do."""

    url: str

    def run(self, context: WorkerContext) -> Answer:
        assert isinstance(context.engine, OxigraphEngine)
        try:
            list(context.engine.store.query(f"SELECT * WHERE {{ SERVICE <{self.url}> {{ ?s ?p ?o }} }}"))  # type: ignore[arg-type]
            outcome = "answered"
        except OSError as exc:
            outcome = f"failed: {errno.errorcode.get(exc.errno or 0, exc.errno)} {exc}"
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
        outcome += f"; raw socket: {fd if fd >= 0 else errno.errorcode[ctypes.get_errno()]}"
        return Answer("text/plain", outcome.encode())


@needs_linux
def test_a_query_worker_cannot_reach_a_service_even_when_the_query_check_is_skipped(canary: CountingListener) -> None:
    context = WorkerContext(engine=OxigraphEngine(ox.Store()), graphs=frozenset(), max_rows=10)
    pool = WorkerPool(context, workers=1, timeout=20, memory_limit_mb=512)
    pool.start()
    try:
        assert pool.seal.network_sealed, pool.seal.describe()
        outcome = asyncio.run(pool.run(ServiceStraightToOxigraph(canary.url))).body.decode()
    finally:
        pool.close()
    assert outcome.startswith("failed"), outcome
    assert "raw socket: EACCES" in outcome
    assert canary.connections == []
