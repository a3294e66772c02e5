"""A build runs with Python's cycle collector paused (its objects live until it ends), and leaves it as it found it."""

import gc
from collections.abc import Iterator

import pytest
from rdflib import Graph

from kraeftgraf import resources
from kraeftgraf.errors import DataFileError
from kraeftgraf.graph import pipeline
from kraeftgraf.graph.inference import Triple
from kraeftgraf.graph.pipeline import build

from .conftest import TESTS

REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]


@pytest.fixture
def collector_during_inference(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the collector was on when the build inferred (one entry per build), inferring for real."""
    seen: list[bool] = []
    real = pipeline.inferred_triples  # type: ignore[attr-defined]

    def observed(data: Graph, ontology: Graph) -> list[Triple]:
        seen.append(gc.isenabled())
        return real(data, ontology)

    monkeypatch.setattr(pipeline, "inferred_triples", observed)
    return seen


@pytest.fixture
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    (gc.enable if was_enabled else gc.disable)()


def test_the_collector_is_paused_while_a_build_runs_and_on_again_after(collector_during_inference: list[bool],
                                                                       collector_restored: None) -> None:
    gc.enable()
    assert build(REFERENCE, locate=False).report.conforms
    assert collector_during_inference == [False]
    assert gc.isenabled()


def test_a_build_that_fails_turns_the_collector_on_again(collector_restored: None) -> None:
    gc.enable()
    with pytest.raises(DataFileError):
        build([TESTS / "data" / "invalid-syntax.ttl"], locate=False)
    assert gc.isenabled()


def test_a_build_leaves_a_collector_it_found_off_off(collector_restored: None) -> None:
    gc.disable()
    build(REFERENCE, locate=False)
    assert not gc.isenabled()
