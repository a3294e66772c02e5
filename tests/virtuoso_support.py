"""A private Virtuoso (Debian's `virtuoso-opensource`) for the tests: its own ini and database in a temporary
folder, both ports on loopback, data bulk-loaded through isql, stopped afterwards.

The system service the Debian package starts is never used: its ports and password are the machine's, not ours.
"""

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from .endpoint_support import free_port

REQUIRE = "KRAEFTGRAF_REQUIRE_VIRTUOSO"  # set to 1 (CI does) and a missing Virtuoso fails instead of skipping
STARTUP_SECONDS = 120
PUBLISHER = "kraeftgraf_publisher"  # the account `kraeftgraf publish --user` writes as, created by the fixture
PUBLISHER_PASSWORD = "publisher-secret"  # of a throw-away database on loopback only
_DBA_PASSWORD = "dba"  # a new database's administrator password, on loopback only, gone with the folder
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
ServerPort       = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
DirsAllowed      = ., {folder}
NumberOfBuffers  = 10000
MaxDirtyBuffers  = 6000
CheckpointInterval = 0
ThreadsPerQuery  = 2

[HTTPServer]
ServerPort       = 127.0.0.1:{http_port}
ServerRoot       = {folder}
ServerThreads    = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
DefaultQuery     = ASK {{}}
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running private Virtuoso: its SPARQL endpoint, its Graph Store endpoints and an isql runner."""

    folder: Path
    http_port: int
    isql_port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that asks for digest authentication (the only one that writes)."""
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, statements: str) -> str:
        """Run SQL statements as the administrator; their output. RuntimeError with Virtuoso's message on an error."""
        done = subprocess.run([_isql(), f"127.0.0.1:{self.isql_port}", "dba", _DBA_PASSWORD, "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"],
                              input=statements, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def load(self, dataset: Dataset, graph: str) -> int:
        """Bulk-load every triple of the dataset (its union, as `kraeftgraf publish` sends it) into `graph` with
        Virtuoso's own loader (ld_dir + rdf_loader_run); the number of triples loaded."""
        union = Graph()
        for triple in dataset.triples((None, None, None)):
            union.add(triple)
        data = self.folder / "load"
        data.mkdir(exist_ok=True)
        union.serialize(destination=data / "dataset.nt", format="nt", encoding="utf-8")
        self.isql(f"SPARQL CLEAR GRAPH <{graph}>;\nDELETE FROM DB.DBA.load_list;\n"
                  f"ld_dir('{data}', 'dataset.nt', '{graph}');\nrdf_loader_run();\ncheckpoint;\n")
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n")
        if "dataset.nt" in errors:
            raise RuntimeError(f"Virtuoso's loader refused the data:\n{errors}")
        return len(union)

    def create_publisher(self) -> None:
        """The one-time settings `kraeftgraf publish --user` needs (README): an SQL user allowed SPARQL updates,
        with write permission on every graph, which /sparql-graph-crud-auth checks after digest authentication."""
        self.isql(f"DB.DBA.USER_CREATE('{PUBLISHER}', '{PUBLISHER_PASSWORD}');\n"
                  f"GRANT SPARQL_UPDATE TO \"{PUBLISHER}\";\n"
                  f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{PUBLISHER}', 3);\n")


def virtuoso_binary() -> str | None:
    """The `virtuoso-t` server of Debian's package, or None."""
    return shutil.which("virtuoso-t") or (_DEBIAN if Path(_DEBIAN).is_file() else None)


_DEBIAN = "/usr/bin/virtuoso-t"


def _isql() -> str:
    found = shutil.which("isql-vt") or shutil.which("isql-v")
    if found is None:
        raise RuntimeError("virtuoso-t is installed but its isql client (isql-vt) is not")
    return found


def require_virtuoso() -> str:
    """The server binary; a skip with the reason where it is absent, a failure where KRAEFTGRAF_REQUIRE_VIRTUOSO=1."""
    binary = virtuoso_binary()
    if binary is None:
        reason = ("virtuoso-t (Debian package virtuoso-opensource) is not installed; "
                  "`apt-get install virtuoso-opensource` runs these tests")
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {reason}")
        pytest.skip(reason)
    return binary


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start a private Virtuoso storing in `folder`, wait until both its ports answer, stop it afterwards."""
    binary = require_virtuoso()
    server = Virtuoso(folder=folder, http_port=free_port(), isql_port=free_port())
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(folder=folder, isql_port=server.isql_port, http_port=server.http_port),
                   encoding="utf-8")
    log = (folder / "server.out").open("wb")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_until_ready(server, process)
        yield server
    finally:
        _stop(server, process)
        log.close()


def _wait_until_ready(server: Virtuoso, process: "subprocess.Popen[bytes]") -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}:\n{_log(server)}")
        try:
            with urllib.request.urlopen(f"{server.sparql}?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Virtuoso did not answer within {STARTUP_SECONDS} s:\n{_log(server)}")


def _stop(server: Virtuoso, process: "subprocess.Popen[bytes]") -> None:
    """Ask for a clean shutdown (no checkpoint needed: the folder is thrown away), then make sure."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _log(server: Virtuoso) -> str:
    log = server.folder / "virtuoso.log"
    return log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.is_file() else "(no log)"
