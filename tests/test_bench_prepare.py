"""The bench's build: kraeftgraf's own pipeline, with each phase timed where `build` looks it up."""

from pathlib import Path

import pytest
from rdflib import Dataset

from bench.prepare import timed_build
from kraeftgraf import resources

REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]


@pytest.mark.parametrize("validate", [True, False])
def test_every_phase_of_the_real_build_is_timed_and_its_dataset_written(tmp_path: Path, validate: bool) -> None:
    output = tmp_path / "built.trig"
    timing = timed_build(REFERENCE, output, validate=validate)
    assert timing.load_s > 0 and timing.infer_s > 0  # the wrapped names are the ones build() calls
    assert (timing.validate_s is not None and timing.validate_s > 0) if validate else timing.validate_s is None
    assert timing.conforms is (True if validate else None)
    written = Dataset()
    written.parse(output, format="trig")
    assert len(written) == timing.quads > 0
