"""Valid builds are cached by the exact bytes of their inputs and of the program; anything else is built again."""

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store
from rdflib import Graph
from rdflib.compare import isomorphic

from kraeftgraf import resources
from kraeftgraf.graph import build_cache, pipeline
from kraeftgraf.graph.build_cache import BuildCache, content_version, program_digest
from kraeftgraf.graph.pipeline import build
from kraeftgraf.graph.validation import ValidationReport
from kraeftgraf.namespaces import KG

from .conftest import TESTS

REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the validations the pipeline runs (each call appends one), still validating for real."""
    calls: list[int] = []
    real = pipeline.validate  # type: ignore[attr-defined]

    def counted(*args: object, **kwargs: object) -> ValidationReport:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "validate", counted)
    return calls


def test_a_second_build_of_the_same_inputs_comes_from_the_cache_without_validating(
        tmp_path: Path, validations: list[int]) -> None:
    cache = BuildCache(tmp_path)
    fresh = build(REFERENCE, cache=cache)
    assert fresh.report.conforms and len(validations) == 1
    cached = build(REFERENCE, cache=cache)
    assert len(validations) == 1  # read back, not validated again
    assert cached.version == fresh.version
    fresh_graphs = {g.identifier: g for g in fresh.dataset.graphs() if len(g)}
    cached_graphs = {g.identifier: g for g in cached.dataset.graphs() if len(g)}
    assert fresh_graphs.keys() == cached_graphs.keys()
    for name, graph in fresh_graphs.items():
        assert isomorphic(graph, cached_graphs[name]), name


def test_a_changed_input_is_built_and_validated_again(tmp_path: Path, validations: list[int]) -> None:
    cache = BuildCache(tmp_path / "cache")
    copy = tmp_path / "reference-organisations.ttl"
    original = next(p for p in REFERENCE if p.name == copy.name)
    copy.write_bytes(original.read_bytes())
    inputs = [*(p for p in REFERENCE if p.name != copy.name), copy]
    build(inputs, cache=cache)
    copy.write_bytes(original.read_bytes() + b"\n# one comment more\n")
    build(inputs, cache=cache)
    assert len(validations) == 2
    assert len(list((tmp_path / "cache").glob("*.nq"))) == 2


def test_a_changed_module_of_the_program_changes_its_digest(tmp_path: Path) -> None:
    copy = tmp_path / "kraeftgraf"
    shutil.copytree(build_cache.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = program_digest(copy)
    assert before == program_digest(build_cache.PACKAGE_DIR)  # the same bytes, the same digest
    module = copy / "graph" / "inference.py"
    module.write_bytes(module.read_bytes() + b"\n# a changed rule\n")
    assert program_digest(copy) != before


def test_a_changed_program_misses_the_cache_and_validates_again(
        tmp_path: Path, validations: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    cache = BuildCache(tmp_path)
    build(REFERENCE, cache=cache)
    first = content_version(REFERENCE)
    monkeypatch.setattr(build_cache, "program_digest", lambda package=build_cache.PACKAGE_DIR: "another program")
    assert content_version(REFERENCE) != first
    build(REFERENCE, cache=cache)
    assert len(validations) == 2


def test_a_build_that_fails_validation_is_never_cached(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    broken = TESTS / "broken" / "provenance-initiative-without-evidence.ttl"
    assert not build([*REFERENCE, broken], cache=cache).report.conforms
    assert list(tmp_path.iterdir()) == []
    assert not build([*REFERENCE, broken], cache=cache).report.conforms


def test_another_version_of_a_library_that_decides_the_build_changes_the_digest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = program_digest()
    real = build_cache._version_of
    monkeypatch.setattr(build_cache, "_version_of", lambda library: "0.0.1" if library == "pyshacl" else real(library))
    assert program_digest() != before


def test_a_changed_source_text_is_built_again_with_the_quotes_located_in_the_new_text(
        tmp_path: Path, validations: list[int]) -> None:
    cache = BuildCache(tmp_path / "cache")
    sources = tmp_path / "sources"
    shutil.copytree(resources.sources_dir(), sources)
    build(REFERENCE, cache=cache, sources=sources)
    assert len(validations) == 1
    # Two lines put before 000's text: every quote of it now stands two lines further down.
    text = sources / "000_959267de805e99f3.txt"
    old = hashlib.sha256(text.read_bytes()).hexdigest()
    text.write_bytes(b"\n\n" + text.read_bytes())
    manifest = sources / "sources.ttl"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, hashlib.sha256(
        text.read_bytes()).hexdigest()), encoding="utf-8")
    again = build(REFERENCE, cache=cache, sources=sources)
    assert len(validations) == 2  # not read back from the cache
    # 000, line 10: "Regionen sikrer tilgængelige og effektive tilbud, så patienter med symptomer" (12 now).
    lines = {int(str(line)) for evidence, quote in again.dataset.subject_objects(KG.quote)
             if str(quote).startswith("Regionen sikrer tilgængelige")
             for line in again.dataset.objects(evidence, KG.startLine)}
    assert lines == {12}


def test_serving_from_a_warm_cache_loads_the_cached_file_straight_into_oxigraph_with_the_same_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kraeftgraf.endpoint import service
    from kraeftgraf.endpoint.settings import settings_from
    from kraeftgraf.engines.oxigraph import OxigraphEngine
    from kraeftgraf.graph.oxigraph_terms import to_rdflib

    monkeypatch.setenv("KRAEFTGRAF_CACHE_DIR", str(tmp_path))
    fresh = build(REFERENCE, cache=BuildCache(tmp_path))
    reference = OxigraphEngine.from_dataset(fresh.dataset)  # what a cold start serves

    def no_rdflib_reading(self: BuildCache, key: str) -> None:
        raise AssertionError("a warm start read the cached build with rdflib")

    monkeypatch.setattr(BuildCache, "load", no_rdflib_reading)
    served = service.start_built(REFERENCE, settings=settings_from(workers=1, fast_workers=0))
    try:
        engine = served.pool.context.engine
        assert isinstance(engine, OxigraphEngine)
        assert served.summary.graphs == reference.graph_sizes()
        assert served.summary.triples == len(reference.store) == sum(1 for _ in fresh.dataset.quads())
        def graph_in(store: Store, name: str) -> Graph:
            graph = Graph()
            for quad in store.quads_for_pattern(None, None, None, NamedNode(name)):
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
            return graph

        for name in served.summary.graphs:  # the same graphs, blank nodes aside (their labels may differ)
            assert isomorphic(graph_in(engine.store, name), graph_in(reference.store, name)), name
        assert "validated against the kraeftgraf shapes" in served.summary.origin
    finally:
        served.close()


def test_the_cache_keeps_the_most_recently_used_entries_and_deletes_the_rest(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path)
    dataset = build(REFERENCE).dataset
    for number in range(build_cache.KEEP_ENTRIES + 3):
        cache.store(f"entry-{number:02d}", dataset)
        os.utime(tmp_path / f"entry-{number:02d}.nq", (1_000_000 + number, 1_000_000 + number))  # stored in turn
    assert cache.file_for("entry-00") is None  # the oldest went when newer ones came
    survivor = "entry-03"
    assert cache.file_for(survivor) is not None  # used now: the newest of all
    cache.store("entry-new", dataset)
    kept = sorted(path.stem for path in tmp_path.glob("*.nq"))
    assert len(kept) == build_cache.KEEP_ENTRIES
    assert survivor in kept and "entry-new" in kept and "entry-04" not in kept  # the least recently used went
    assert not list(tmp_path.glob("*.partial"))
