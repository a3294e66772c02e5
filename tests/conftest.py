"""Shared fixtures: the embedded dataset built once per session, and the source texts."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kraeftgraf.graph.pipeline import BuiltDataset, build

if TYPE_CHECKING:
    from kraeftgraf.api import KnowledgeGraph
    from kraeftgraf.engines.oxigraph import OxigraphEngine

    from .endpoint_support import RunningServer

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent

# The browser fixtures, for every browser test file (imported after TESTS, which endpoint_support reads from here).
from .browser_support import browser, csp_violations, page  # noqa: E402, F401


def subject_line(path: Path, subject: str) -> int:
    """The line of a data file where a subject's block starts (the first line that begins with its name)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"{subject} "))


SEEDS = REPO.parent / "shared" / "seeds"  # the texts the quotes were curated from, beside a checkout in CI


def _sources_dir() -> Path:
    return Path(os.environ.get("KRAEFTGRAF_SOURCES", REPO / "data" / "sources"))


@pytest.fixture(scope="session")
def built() -> BuiltDataset:
    """The embedded data, loaded, inferred and validated once for the whole test session."""
    return build()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The folder of source texts (those shipped in data/sources/ unless KRAEFTGRAF_SOURCES names another)."""
    path = _sources_dir()
    if not path.is_dir():
        pytest.skip(f"source texts not found at {path}; set KRAEFTGRAF_SOURCES to the folder of seeds")
    return path


@pytest.fixture(scope="session")
def embedded_server() -> Iterator["RunningServer"]:
    """`kraeftgraf serve` on the embedded data, a real process on loopback, for HTTP clients and the browser."""
    from .endpoint_support import running_server

    with running_server([]) as server:
        yield server


@pytest.fixture(scope="session")
def knowledge_graph(built: BuiltDataset) -> "KnowledgeGraph":
    """The Python API's view of the session's dataset, with the embedded saved queries."""
    from kraeftgraf.api import KnowledgeGraph
    from kraeftgraf.engines.base import RdflibEngine
    from kraeftgraf.queries.saved import load_queries

    return KnowledgeGraph(RdflibEngine(built.require_valid().dataset), load_queries())


@pytest.fixture(scope="session")
def oxigraph_engine(built: BuiltDataset) -> "OxigraphEngine":
    """The same dataset in the fast embedded engine, to check that saved queries answer alike on both."""
    from kraeftgraf.engines.oxigraph import OxigraphEngine

    return OxigraphEngine.from_dataset(built.require_valid().dataset)
