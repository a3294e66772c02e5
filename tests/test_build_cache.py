"""Valid builds are cached by the exact bytes of their inputs; anything else is built again."""

from pathlib import Path

from rdflib.compare import isomorphic

from kraeftgraf import resources
from kraeftgraf.build_cache import BuildCache, content_version
from kraeftgraf.pipeline import build

from .conftest import TESTS

REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]


def test_a_cached_build_has_the_same_graphs_as_a_fresh_one(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    fresh = build(REFERENCE, cache=cache)
    cached = build(REFERENCE, cache=cache)
    assert len(list(tmp_path.glob("*.nq"))) == 1
    fresh_graphs = {g.identifier: g for g in fresh.dataset.graphs() if len(g)}
    cached_graphs = {g.identifier: g for g in cached.dataset.graphs() if len(g)}
    assert fresh_graphs.keys() == cached_graphs.keys()
    for name, graph in fresh_graphs.items():
        assert isomorphic(graph, cached_graphs[name]), name


def test_changing_one_byte_of_an_input_misses_the_cache(tmp_path: Path) -> None:
    copy = tmp_path / "reference-organisations.ttl"
    original = next(p for p in REFERENCE if p.name == copy.name)
    copy.write_bytes(original.read_bytes())
    others = [p for p in REFERENCE if p.name != copy.name]
    first = content_version([*others, copy])
    copy.write_bytes(original.read_bytes() + b"\n# changed\n")
    assert content_version([*others, copy]) != first


def test_a_build_that_fails_validation_is_never_cached(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    broken = TESTS / "broken" / "provenance-initiative-without-evidence.ttl"
    assert not build([*REFERENCE, broken], cache=cache).report.conforms
    assert list(tmp_path.iterdir()) == []
    assert not build([*REFERENCE, broken], cache=cache).report.conforms
