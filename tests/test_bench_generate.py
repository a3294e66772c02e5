"""The benchmark's synthetic-data generator: deterministic for a seed, scaling by the factor, valid data."""

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kraeftgraf import resources
from kraeftgraf.graph.pipeline import build
from kraeftgraf.namespaces import KG

REPO = Path(__file__).resolve().parent.parent


def _load_generator() -> ModuleType:
    """bench/ is not an installed package: load bench/generate.py from its file."""
    path = REPO / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate_under_test", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generator = _load_generator()
SCALED_CLASSES = (KG.Recommendation, KG.PlanPoint, KG.Initiative, KG.Figure, KG.StatusClaim, KG.MonetaryAmount)


def _files_and_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.ttl"))}


def _union(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def _instances(graph: Graph, cls: URIRef) -> int:
    return len(set(graph.subjects(RDF.type, cls)))


def test_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path: Path) -> None:
    generator.generate(3, tmp_path / "first", seed=7)
    generator.generate(3, tmp_path / "again", seed=7)
    generator.generate(3, tmp_path / "other", seed=8)
    first = _files_and_bytes(tmp_path / "first")
    assert first == _files_and_bytes(tmp_path / "again")
    other = _files_and_bytes(tmp_path / "other")
    assert other.keys() == first.keys()
    assert other != first


def test_counts_of_documented_things_scale_by_the_factor(tmp_path: Path) -> None:
    factor = 4
    written = generator.generate(factor, tmp_path / "x4", seed=1)
    seed_files = resources.data_files()
    assert len(written) == factor * len(seed_files)
    seed, generated = _union(seed_files), _union(written)
    for cls in SCALED_CLASSES:
        in_seed = _instances(seed, cls)
        assert in_seed > 0, f"the curated data has no {cls}; pick classes it has"
        assert _instances(generated, cls) == factor * in_seed, cls


def test_copy_zero_is_the_curated_data_and_later_copies_are_renamed(tmp_path: Path) -> None:
    generator.generate(2, tmp_path / "x2", seed=1)
    for seed_file in resources.data_files():
        original = Graph().parse(seed_file, format="turtle")
        copy_zero = Graph().parse(tmp_path / "x2" / seed_file.name, format="turtle")
        assert len(copy_zero) == len(original)
        assert set(original.subjects(RDF.type, KG.Initiative)) == set(copy_zero.subjects(RDF.type, KG.Initiative))
    copy_one = Graph().parse(tmp_path / "x2" / "reference-organisations-x1.ttl", format="turtle")
    regions = {str(r) for r in copy_one.subjects(RDF.type, KG.Region)}
    assert "https://w3id.org/kraeftgraf/id/region-hovedstaden-x1" in regions
    assert not any(r.endswith("/region-hovedstaden") for r in regions)


def test_scale_ten_passes_the_shapes_checked_on_the_curated_copy_and_the_last_synthetic_copy(tmp_path: Path) -> None:
    # Validating all ten copies takes pyshacl minutes (bench/run.py does it); copies share nothing but the
    # reference concepts, so the curated copy and one synthetic copy together show every kind of clash.
    generator.generate(10, tmp_path / "x10", seed=1)
    sample = [path for path in sorted((tmp_path / "x10").glob("*.ttl"))
              if path.stem.endswith("-x9") or not re.search(r"-x\d+$", path.stem)]
    report = build(sample).report
    problems = [f"{r.source_file}: {r.focus_node} {r.path}: {r.message()}" for r in report.violations[:5]]
    assert report.conforms, "\n".join(problems)


def test_a_folder_with_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(generator.GenerationError, match="did not write"):
        generator.generate(1, tmp_path, seed=1)
    assert (tmp_path / "notes.txt").read_text() == "mine"
