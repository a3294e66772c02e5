"""Get one scale ready: synthetic Turtle, the built dataset as TriG (build timed per phase), an Oxigraph store.

The build runs in its own process (`python -m bench.prepare build ...`), so that its peak memory is its
own and the runner never holds a large dataset. It is `kraeftgraf.graph.pipeline.build` itself, with each
phase (load, infer, validate) wrapped in a timer. Above the scales given to `--validate-up-to` the
validation phase is left out: pyshacl then takes hours, and the generator's output is checked against
the shapes by tests/test_bench_generate.py (at x10).
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench.errors import BenchError
from bench.generate import generate
from bench.servers import executable

T = TypeVar("T")
_PHASES = {"load": "load_dataset", "infer": "inferred_triples", "validate": "validate"}  # phase: name in pipeline


@dataclass(frozen=True)
class BuildTiming:
    """How long each phase of one build took (seconds) and what it produced."""

    load_s: float
    infer_s: float
    validate_s: float | None  # None: validation was left out
    write_s: float
    total_s: float  # load + infer + validate, as `kraeftgraf validate` spends it (writing excluded)
    quads: int
    conforms: bool | None
    peak_rss_mb: float


@dataclass(frozen=True)
class PreparedScale:
    """Everything the servers of one scale are started from."""

    scale: int
    data_dir: Path
    trig: Path
    oxigraph_dir: Path
    build: BuildTiming
    oxigraph_load_s: float
    generate_s: float
    store_dir: Path  # the on-disk store for `kraeftgraf serve --store`
    store_load_s: float


def prepare_scale(scale: int, out_root: Path, *, seed: int, validate: bool, oxigraph: str) -> PreparedScale:
    """Generate the data of one scale, build it to TriG in a child process and load that into Oxigraph."""
    data_dir = out_root / f"x{scale}"
    started = time.perf_counter()
    generate(scale, data_dir, seed=seed)
    generate_s = time.perf_counter() - started
    trig = out_root / f"x{scale}.trig"
    build = run_build(sorted(data_dir.glob("*.ttl")), trig, validate=validate)
    oxigraph_dir = out_root / f"x{scale}.oxigraph"
    if oxigraph_dir.exists():
        shutil.rmtree(oxigraph_dir)
    started = time.perf_counter()
    loaded = subprocess.run([oxigraph, "load", "--location", str(oxigraph_dir), "--file", str(trig)],
                            capture_output=True, text=True)
    if loaded.returncode != 0:
        raise BenchError(f"`oxigraph load` of {trig} failed:\n{loaded.stderr[-3000:]}")
    oxigraph_load_s = time.perf_counter() - started
    store_dir = out_root / f"x{scale}.kgstore"
    started = time.perf_counter()
    stored = subprocess.run([executable("kraeftgraf"), "load", "--store", str(store_dir), str(trig)],
                            capture_output=True, text=True)
    if stored.returncode != 0:
        raise BenchError(f"`kraeftgraf load` of {trig} failed:\n{stored.stderr[-3000:]}")
    return PreparedScale(scale=scale, data_dir=data_dir, trig=trig, oxigraph_dir=oxigraph_dir, build=build,
                         oxigraph_load_s=oxigraph_load_s, generate_s=generate_s, store_dir=store_dir,
                         store_load_s=time.perf_counter() - started)


def run_build(paths: Sequence[Path], output: Path, *, validate: bool) -> BuildTiming:
    """Build in a child process; its timings, or CalledProcessError with its error output."""
    command = [sys.executable, "-m", "bench.prepare", "build", "--output", str(output)]
    command += [] if validate else ["--no-validate"]
    done = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode not in (0, 1) or not lines:
        raise BenchError(f"building {len(paths)} files to {output} failed:\n{done.stderr[-3000:]}")
    return BuildTiming(**json.loads(lines[-1]))


def timed_build(paths: Sequence[Path], output: Path, *, validate: bool) -> BuildTiming:
    """Run kraeftgraf's build on `paths` with its phases timed, and write the dataset as TriG."""
    from kraeftgraf.graph import pipeline
    from kraeftgraf.graph.validation import ValidationReport

    phases: dict[str, float] = {}

    def timer(name: str, function: Callable[..., T]) -> Callable[..., T]:
        def run(*args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - started
        return run

    def skip_validation(*args: Any, **kwargs: Any) -> ValidationReport:
        return ValidationReport(conforms=True)

    # The names build() calls, wrapped where build() looks them up: the build measured is the real one.
    originals = {attribute: getattr(pipeline, attribute) for attribute in _PHASES.values()}
    for phase, attribute in _PHASES.items():
        skipped = phase == "validate" and not validate
        setattr(pipeline, attribute, timer(phase, skip_validation if skipped else originals[attribute]))
    try:
        started = time.perf_counter()
        built = pipeline.build(list(paths))
        total = time.perf_counter() - started
    finally:
        for attribute, original in originals.items():
            setattr(pipeline, attribute, original)
    started = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    built.dataset.serialize(destination=output, format="trig")
    write_s = time.perf_counter() - started
    return BuildTiming(
        load_s=phases.get("load", 0.0), infer_s=phases.get("infer", 0.0),
        validate_s=phases.get("validate") if validate else None, write_s=write_s,
        total_s=total if validate else total - phases.get("validate", 0.0), quads=len(built.dataset),
        conforms=built.report.conforms if validate else None,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.prepare")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build data files to TriG with timed phases; prints JSON")
    build.add_argument("--output", type=Path, required=True)
    build.add_argument("--no-validate", action="store_true", help="leave out the validation phase")
    build.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    timing = timed_build(args.paths, args.output, validate=not args.no_validate)
    print(json.dumps(asdict(timing)))
    return 0 if timing.conforms is not False else 1


if __name__ == "__main__":
    sys.exit(main())
