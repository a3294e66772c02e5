"""A private Virtuoso (Debian's `virtuoso-opensource`) for the tests: its own ini and database in a temporary
folder, both ports on loopback, data bulk-loaded through isql, stopped afterwards (bench/virtuoso.py starts it,
for the benchmark as for these tests).

The system service the Debian package starts is never used: its ports and password are the machine's, not ours.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from bench import virtuoso as launcher

from .endpoint_support import free_port

REQUIRE = "KRAEFTGRAF_REQUIRE_VIRTUOSO"  # set to 1 (CI does) and a missing Virtuoso fails instead of skipping
STARTUP_SECONDS = 120
PUBLISHER = "kraeftgraf_publisher"  # the account `kraeftgraf publish --user` writes as, created by the fixture
PUBLISHER_PASSWORD = "publisher-secret"  # of a throw-away database on loopback only


@dataclass(frozen=True)
class Virtuoso:
    """A running private Virtuoso: its SPARQL endpoint, its Graph Store endpoint and an isql runner."""

    folder: Path
    http_port: int
    isql_port: int

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that asks for digest authentication (the only one that writes)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def isql(self, statements: str) -> str:
        """Run SQL statements as the administrator; their output."""
        return launcher.isql(self.isql_port, statements)

    def load(self, dataset: Dataset, graph: str) -> int:
        """Bulk-load every triple of the dataset (its union, as `kraeftgraf publish` sends it) into `graph` with
        Virtuoso's own loader; the number of triples loaded."""
        union = Graph()
        for triple in dataset.triples((None, None, None)):
            union.add(triple)
        data = self.folder / "load" / "dataset.nt"
        data.parent.mkdir(exist_ok=True)
        union.serialize(destination=data, format="nt", encoding="utf-8")
        launcher.bulk_load(self.isql_port, data, graph)
        return len(union)

    def create_publisher(self) -> None:
        """The one-time settings `kraeftgraf publish --user` needs (README): an SQL user allowed SPARQL updates,
        with write permission on every graph, which /sparql-graph-crud-auth checks after digest authentication."""
        self.isql(f"DB.DBA.USER_CREATE('{PUBLISHER}', '{PUBLISHER_PASSWORD}');\n"
                  f"GRANT SPARQL_UPDATE TO \"{PUBLISHER}\";\n"
                  f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{PUBLISHER}', 3);\n")


def require_virtuoso() -> None:
    """A skip with the reason where virtuoso-t is absent, a failure where KRAEFTGRAF_REQUIRE_VIRTUOSO=1."""
    if launcher.binary() is None:
        reason = ("virtuoso-t (Debian package virtuoso-opensource) is not installed; "
                  "`apt-get install virtuoso-opensource` runs these tests")
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {reason}")
        pytest.skip(reason)


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start a private Virtuoso storing in `folder`, wait until it answers, stop it afterwards."""
    require_virtuoso()
    server = Virtuoso(folder=folder, http_port=free_port(), isql_port=free_port())
    process = launcher.start(folder, http_port=server.http_port, isql_port=server.isql_port,
                             log=folder / "server.out")
    try:
        launcher.wait_until_ready(server.http_port, process, folder, STARTUP_SECONDS)
        yield server
    finally:
        launcher.stop(process)
