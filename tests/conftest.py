"""Shared fixtures: the embedded dataset built once per session, and the source texts."""

import os
from pathlib import Path

import pytest

from kraeftgraf.pipeline import BuiltDataset, build

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


def _sources_dir() -> Path:
    return Path(os.environ.get("KRAEFTGRAF_SOURCES", REPO.parent / "shared" / "seeds"))


@pytest.fixture(scope="session")
def built() -> BuiltDataset:
    """The embedded data, loaded, inferred and validated once for the whole test session."""
    return build()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The folder of source texts; tests that need it skip, saying why, when it is absent."""
    path = _sources_dir()
    if not path.is_dir():
        pytest.skip(f"source texts not found at {path}; set KRAEFTGRAF_SOURCES to the folder of seeds")
    return path
