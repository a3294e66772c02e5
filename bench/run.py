"""The benchmark: kraeftgraf serve against Oxigraph's server and rdflib-endpoint, on the same built dataset.

    python -m bench.run                      # x1 and x10, a few minutes
    python -m bench.run --scales 1 10 100    # adds x100 (long: see bench/README.md)

For each scale: generate the data, build it (timed), load it into Oxigraph, start every server as its own
process on 127.0.0.1 (timed to its first answer), warm each request up once, then measure at concurrency 1
and in bursts at concurrency 4, servers taking turns. Prints Markdown tables (ratios kraeftgraf/peer,
targets) and writes the JSON record. Every server is stopped at the end, also when something fails.
"""

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.errors import BenchError
from bench.generate import DEFAULT_SEED
from bench.measure import Client, measure_concurrent, measure_sequential, warm_up
from bench.prepare import prepare_scale
from bench.report import markdown_scale, scale_record
from bench.servers import embedded_spec, executable, server_specs, start_server
from bench.workload import build_items

BENCH = Path(__file__).resolve().parent
PACKAGES = ("kraeftgraf", "rdflib", "pyshacl", "owlrl", "fastapi", "uvicorn", "rdflib-endpoint", "oxigraph",
            "pyoxigraph", "pyyaml")


@dataclass(frozen=True)
class Settings:
    scales: tuple[int, ...]
    seed: int
    iterations: int
    bursts: int
    concurrency: int
    per_thread: int
    budget_s: float
    min_samples: int
    burst_limit_s: float
    workers: tuple[int, ...]
    validate_up_to: int
    servers: tuple[str, ...]  # names to run; empty: all
    ready_timeout_s: float
    out: Path
    json_path: Path
    append: bool


def run_scale(scale: int, settings: Settings) -> dict[str, Any]:
    print(f"\n== x{scale}: generating, building, loading Oxigraph ...", flush=True)
    prepared = prepare_scale(scale, settings.out, seed=settings.seed, validate=scale <= settings.validate_up_to,
                             oxigraph=executable("oxigraph"))
    print(f"   {prepared.build.quads} quads; build {prepared.build.total_s:.1f} s", flush=True)
    specs = server_specs(prepared.trig, prepared.oxigraph_dir, prepared.store_dir, workers=settings.workers,
                         only=settings.servers)
    items = build_items(specs)
    with contextlib.ExitStack() as servers_running:
        servers = []
        for spec in specs:  # one at a time, so that start-ups do not compete for the CPU
            server = servers_running.enter_context(
                start_server(spec, settings.out / "logs" / f"x{scale}", ready_timeout_s=settings.ready_timeout_s))
            print(f"   {spec.name}: first answer after {server.startup_s:.2f} s", flush=True)
            servers.append(server)
        client = Client()
        warmed = warm_up(items, servers, client)
        main_servers = [s for s in servers if not s.spec.throughput_only]
        print(f"   concurrency 1: {settings.iterations} rounds of {len(items)} items ...", flush=True)
        sequential = measure_sequential(items, main_servers, client, iterations=settings.iterations,
                                        budget_s=settings.budget_s, min_samples=settings.min_samples,
                                        skip=warmed.timed_out)
        too_slow = {pair for pair, samples in sequential.items() if samples.timed_out or (
            samples.latencies_s and statistics.median(samples.latencies_s) > settings.burst_limit_s)}
        too_slow |= warmed.timed_out
        burst_items = [i for i in items if i.group in ("saved", "trivial", "entity")]
        print(f"   concurrency {settings.concurrency}: {settings.bursts} bursts per item ...", flush=True)
        concurrent = measure_concurrent(burst_items, servers, client, bursts=settings.bursts,
                                        concurrency=settings.concurrency, per_thread=settings.per_thread,
                                        budget_s=settings.budget_s, too_slow=too_slow)
        for server in servers:
            server.stop()  # takes the last memory sample first
        return scale_record(prepared, servers, items, warmed.answers, sequential, concurrent)


def embedded_startups(settings: Settings) -> dict[str, float]:
    """Start-up of plain `kraeftgraf serve` on the embedded data: with an empty build cache, then a filled one."""
    cache = settings.out / "build-cache"
    if cache.exists():
        shutil.rmtree(cache)
    startups = {}
    for case in ("cold_cache_s", "warm_cache_s"):
        with start_server(embedded_spec(cache), settings.out / "logs" / "embedded",
                          ready_timeout_s=settings.ready_timeout_s) as server:
            startups[case] = server.startup_s
        print(f"   kraeftgraf serve (embedded data, {case[:4]} build cache): first answer after "
              f"{startups[case]:.2f} s", flush=True)
    return startups


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH.parent, capture_output=True,
                            text=True).stdout.strip()
    help_text = subprocess.run([executable("kraeftgraf"), "serve", "--help"], capture_output=True, text=True).stdout
    engine = re.search(r"--engine \{[^}]*\}.*?\(default:\s*(\w+)\)", help_text, flags=re.S)
    return {"kraeftgraf_engine": engine.group(1) if engine else None, "cpus": os.cpu_count(), "cpu_model": cpu,
            "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "kernel": platform.release(), "packages": versions,
            "git_commit": commit or None, "load_average_at_start": os.getloadavg()}


def parse_settings(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10], help="data sizes, times the seed data")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the synthetic data")
    parser.add_argument("--iterations", type=int, default=10, help="rounds at concurrency 1")
    parser.add_argument("--bursts", type=int, default=4, help="bursts per item at concurrency N")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads in a burst")
    parser.add_argument("--per-thread", type=int, default=2, help="requests each thread sends in a burst")
    parser.add_argument("--budget", type=float, default=6.0, dest="budget_s",
                        help="seconds per item, server and phase after which only the minimum samples are taken")
    parser.add_argument("--min-samples", type=int, default=3,
                        help="samples a pair gets at concurrency 1 even past its budget")
    parser.add_argument("--burst-limit", type=float, default=10.0, dest="burst_limit_s",
                        help="pairs slower than this (median seconds at concurrency 1) are not measured in bursts")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1],
                        help="kraeftgraf --workers to run: the first is measured everywhere, the others for "
                             "throughput at concurrency N")
    parser.add_argument("--validate-up-to", type=int, default=1,
                        help="validate the build up to this scale (above it pyshacl takes hours)")
    parser.add_argument("--servers", nargs="+", default=[],
                        help="run only these servers (kraeftgraf, kraeftgraf-w1, kraeftgraf-disk, oxigraph, "
                             "rdflib-endpoint, virtuoso where installed)")
    parser.add_argument("--ready-timeout", type=float, default=1800.0, dest="ready_timeout_s",
                        help="seconds a server may take to give its first answer")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="folder for data, builds, stores, logs")
    parser.add_argument("--json", type=Path, default=BENCH / "results" / "latest.json", dest="json_path",
                        help="where to write the JSON record")
    parser.add_argument("--append", action="store_true",
                        help="add these scales to the record in --json (replacing the same scales), not a new record")
    args = parser.parse_args(argv)
    if any(scale < 1 for scale in args.scales) or args.iterations < 1 or args.bursts < 1 or args.concurrency < 1:
        parser.error("--scales, --iterations, --bursts and --concurrency take numbers of 1 or more")
    return Settings(scales=tuple(args.scales), seed=args.seed, iterations=args.iterations, bursts=args.bursts,
                    concurrency=args.concurrency, per_thread=args.per_thread, budget_s=args.budget_s,
                    min_samples=args.min_samples, burst_limit_s=args.burst_limit_s,
                    workers=tuple(args.workers), validate_up_to=args.validate_up_to, servers=tuple(args.servers),
                    ready_timeout_s=args.ready_timeout_s, out=args.out, json_path=args.json_path,
                    append=args.append)


def _previous_record(settings: Settings) -> dict[str, Any]:
    """With --append: the record already in --json (empty otherwise)."""
    if not settings.append or not settings.json_path.is_file():
        return {}
    previous: dict[str, Any] = json.loads(settings.json_path.read_text(encoding="utf-8"))
    return previous


def _earlier_scales(settings: Settings, previous: dict[str, Any]) -> list[dict[str, Any]]:
    """The scales already in the previous record that this run does not measure again."""
    kept = [s for s in previous.get("scales", []) if s["scale"] not in settings.scales]
    for kept_scale in kept:  # each scale keeps the machine and settings it was measured with
        kept_scale.setdefault("machine", previous.get("machine"))
        kept_scale.setdefault("settings", previous.get("settings"))
    return kept


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)
    # SIGTERM (and SIGINT, which a shell may have set to be ignored in background jobs) unwind the run,
    # so that every server started is stopped and what was measured is written.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    record: dict[str, Any] = {"machine": machine(), "settings": {
        k: (str(v) if isinstance(v, Path) else v) for k, v in vars(settings).items()}, "scales": []}
    previous = _previous_record(settings)
    earlier = _earlier_scales(settings, previous)
    started = time.time()
    try:
        if not settings.servers or "kraeftgraf" in settings.servers:
            print("== kraeftgraf serve on the embedded data ...", flush=True)
            record["embedded_startup"] = embedded_startups(settings)
        for scale in settings.scales:
            scale_result = run_scale(scale, settings)
            record["scales"].append(scale_result)
            print("\n" + markdown_scale(scale_result), flush=True)
    except BenchError as exc:
        print(f"bench.run: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"bench.run: interrupted ({exc}); servers stopped", file=sys.stderr)
        return 130
    finally:  # what was measured is kept, also when a later scale fails
        record["machine"]["load_average_at_end"] = os.getloadavg()
        record["duration_s"] = time.time() - started
        if "embedded_startup" in previous:
            record.setdefault("embedded_startup", previous["embedded_startup"])
        record["scales"] = sorted([*earlier, *record["scales"]], key=lambda measured: measured["scale"])
        settings.json_path.parent.mkdir(parents=True, exist_ok=True)
        settings.json_path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nbench.run: wrote {settings.json_path} ({record['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
