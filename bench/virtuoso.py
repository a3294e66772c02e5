"""A private Virtuoso 7 (Debian's virtuoso-opensource): its own ini and database in one folder, both ports on
127.0.0.1, data bulk-loaded with Virtuoso's own loader. Used by the benchmark (as a server under test) and by the
portability tests (tests/virtuoso_support.py).

`python -m bench.virtuoso serve --folder DIR --port PORT --data FILE.nt --graph IRI` starts it, loads the file
into the graph and keeps it in the foreground until stopped (its start-up time includes the load, as
`kraeftgraf serve --data` includes its own).
"""

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

HOST = "127.0.0.1"
DBA_PASSWORD = "dba"  # a new database's administrator password: loopback only, gone with the folder
DEBIAN_BINARY = "/usr/bin/virtuoso-t"
_INI = """\
[Database]
DatabaseFile    = {folder}/virtuoso.db
ErrorLogFile    = {folder}/virtuoso.log
LockFile        = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage     = TempDatabase

[TempDatabase]
DatabaseFile    = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort       = {host}:{isql_port}
DisableUnixSocket = 1
DirsAllowed      = ., {folder}
NumberOfBuffers  = 10000
MaxDirtyBuffers  = 6000
CheckpointInterval = 0
ThreadsPerQuery  = 2

[HTTPServer]
ServerPort       = {host}:{http_port}
ServerRoot       = {folder}
ServerThreads    = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
DefaultQuery     = ASK {{}}
"""


def binary() -> str | None:
    """The `virtuoso-t` server of Debian's package, or None."""
    return shutil.which("virtuoso-t") or (DEBIAN_BINARY if Path(DEBIAN_BINARY).is_file() else None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def write_ini(folder: Path, *, http_port: int, isql_port: int) -> Path:
    """The ini of a private server storing everything in `folder`, listening on loopback only."""
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, host=HOST, isql_port=isql_port, http_port=http_port),
                   encoding="utf-8")
    return ini


def start(folder: Path, *, http_port: int, isql_port: int, log: Path) -> "subprocess.Popen[bytes]":
    """Start virtuoso-t in the foreground on the folder's ini (RuntimeError where it is not installed)."""
    server = binary()
    if server is None:
        raise RuntimeError("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
    ini = write_ini(folder, http_port=http_port, isql_port=isql_port)
    with log.open("wb") as output:
        return subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=folder,
                                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_until_ready(http_port: int, process: "subprocess.Popen[bytes]", folder: Path, timeout_s: float) -> None:
    """Until the SPARQL endpoint answers; RuntimeError with the log's end if it exits or takes too long."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}:\n{log_tail(folder)}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{http_port}/sparql?query=ASK%7B%7D", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Virtuoso did not answer within {timeout_s:.0f} s:\n{log_tail(folder)}")


def isql(isql_port: int, statements: str) -> str:
    """Run SQL statements as the administrator; their output. RuntimeError with Virtuoso's message on an error."""
    client = shutil.which("isql-vt") or shutil.which("isql-v")
    if client is None:
        raise RuntimeError("virtuoso-t is installed but its isql client (isql-vt) is not")
    done = subprocess.run([client, f"{HOST}:{isql_port}", "dba", DBA_PASSWORD, "VERBOSE=OFF", "BANNER=OFF",
                           "PROMPT=OFF", "ERRORS=STDOUT"],
                          input=statements, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def bulk_load(isql_port: int, data: Path, graph: str) -> None:
    """Replace `graph` with the triples of an N-Triples file, with Virtuoso's bulk loader (ld_dir and
    rdf_loader_run; the file's folder must be in the ini's DirsAllowed)."""
    isql(isql_port, f"SPARQL CLEAR GRAPH <{graph}>;\nDELETE FROM DB.DBA.load_list;\n"
                    f"ld_dir('{data.parent}', '{data.name}', '{graph}');\nrdf_loader_run();\ncheckpoint;\n")
    errors = isql(isql_port, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")
    if data.name in errors:
        raise RuntimeError(f"Virtuoso's loader refused {data}:\n{errors}")


def stop(process: "subprocess.Popen[bytes]") -> None:
    """SIGTERM, and SIGKILL after 30 s (no checkpoint needed: the folder is thrown away)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def log_tail(folder: Path) -> str:
    log = folder / "virtuoso.log"
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.is_file() else "(no log)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.virtuoso")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start a private Virtuoso, load a file, serve until stopped")
    serve.add_argument("--folder", type=Path, required=True, help="its database and ini (emptied first)")
    serve.add_argument("--port", type=int, required=True, help="the HTTP port (SPARQL at /sparql)")
    serve.add_argument("--data", type=Path, required=True,
                       help="the file to load: TriG or N-Quads (each graph kept; Virtuoso's default graph is "
                            "their union) or N-Triples (into --graph)")
    serve.add_argument("--graph", default="urn:kraeftgraf:bench", help="the graph of triples outside a graph")
    serve.add_argument("--ready-timeout", type=float, default=600)
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "load").mkdir(parents=True)
    data = folder / "load" / f"data{args.data.suffix}"
    shutil.copyfile(args.data, data)  # into a folder the ini lets the loader read
    isql_port = free_port()
    # Loaded on a private HTTP port first: the benchmark's port answers only once every triple is in.
    process = start(folder, http_port=free_port(), isql_port=isql_port, log=folder / "load.out")
    try:
        wait_until_ready(_http_port(folder), process, folder, args.ready_timeout)
        bulk_load(isql_port, data, args.graph)
    finally:
        stop(process)
    process = start(folder, http_port=args.port, isql_port=isql_port, log=folder / "server.out")
    # Stopped as the benchmark stops a server (SIGTERM to its group): the server ends, then this wait.
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        process.wait()
    finally:
        stop(process)
    return 0


def _http_port(folder: Path) -> int:
    """The HTTP port the folder's ini gives."""
    for line in (folder / "virtuoso.ini").read_text(encoding="utf-8").split("[HTTPServer]")[1].splitlines():
        if line.strip().startswith("ServerPort"):
            return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"{folder}/virtuoso.ini gives no HTTP port")


if __name__ == "__main__":
    sys.exit(main())
