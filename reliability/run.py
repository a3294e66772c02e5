"""Run the reliability blocks against a real `kraeftgraf serve` and regenerate RELIABILITY.md.

python -m reliability.run                                   # all four blocks, full size (about 20 minutes)
python -m reliability.run --requests 2000 --load-seconds 5  # a quick look
python -m reliability.run --blocks faults                   # one block; the others are kept from the last record
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import adversarial, faults, load
from .client import Client
from .errors import ReliabilityError
from .fuzz import FuzzPlan, run_fuzz
from .processes import children_listed
from .report import markdown
from .server import PROBE, Server, start_server
from .targets import adversarial_targets, fault_targets, fuzz_targets, load_targets
from .vocabulary import load_vocabulary

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
BLOCKS = ("fuzz", "adversarial", "load", "faults")
DEFAULT_SEED = 20261204
MARGIN_S = 10.0  # an answer later than the time limit plus this is counted as a hang


@dataclass(frozen=True)
class Settings:
    blocks: tuple[str, ...]
    requests: int
    seed: int
    clients: int
    fuzz_timeout_s: float
    load_seconds: float
    load_clients: int
    data: tuple[Path, ...]
    out: Path
    json_path: Path
    markdown_path: Path
    argv: tuple[str, ...]


def data_arguments(settings: Settings) -> list[str]:
    return ["--data", *map(str, settings.data)] if settings.data else []


def fuzz_block(settings: Settings) -> dict[str, Any]:
    arguments = ["--timeout", f"{settings.fuzz_timeout_s:g}", "--log-level", "warning", *data_arguments(settings)]
    deadline = settings.fuzz_timeout_s + MARGIN_S
    with start_server(arguments, settings.out / "logs", name="fuzz") as server:
        vocab = load_vocabulary()
        started = time.monotonic()
        tally = run_fuzz(server.port, FuzzPlan(requests=settings.requests, seed=settings.seed,
                                               clients=settings.clients, deadline_s=deadline), vocab,
                         progress_every=10_000)
        seconds = time.monotonic() - started
        with Client(server.port, timeout_s=30) as client:
            alive_after = server.process.poll() is None and client.send(PROBE).status == 200
        result = {"seed": settings.seed, "clients": settings.clients, "deadline_s": deadline, "seconds": seconds,
                  "tally": tally.record(), "alive_after": alive_after,
                  "server_log": server_log_summary(server.log_text())}
    return _block(settings, server, result, fuzz_targets(result))


def server_log_summary(log: str) -> dict[str, Any]:
    """What the server logged: unhandled exceptions (each a 500), Rust panics and Python errors, by message."""
    panics = Counter(re.findall(r"panicked at [^\n]*\n([^\n]+)", log))
    errors = Counter(line[:160] for line in re.findall(r"^[A-Za-z_][\w.]*(?:Error|Exception): [^\n]*", log, re.M))
    return {"asgi_exceptions": log.count("Exception in ASGI application"), "rust_panics": sum(panics.values()),
            "panic_messages": dict(panics.most_common()), "tracebacks": log.count("Traceback (most recent call last)"),
            "errors_logged": dict(errors.most_common(8))}


def adversarial_block(settings: Settings) -> dict[str, Any]:
    arguments = ["--log-level", "warning", *data_arguments(settings)]
    timeout, memory_limit = 10.0, 1024  # the defaults: the server is started without limit options
    results = []
    with start_server(arguments, settings.out / "logs", name="adversarial") as server:
        for case in adversarial.cases():
            print(f"   {case.name} ...", flush=True)
            results.append(adversarial.run_case(server.port, server.pid, case, deadline_s=timeout + MARGIN_S,
                                                memory_limit_mb=memory_limit))
            time.sleep(0.5)  # a worker stopped at a limit is being replaced
    result = {"timeout_s": timeout, "memory_limit_mb": memory_limit, "probe_every_s": adversarial.PROBE_EVERY_S,
              "cases": results, "summary": adversarial.summary(results)}
    return _block(settings, server, result, adversarial_targets(result))


def load_block(settings: Settings) -> dict[str, Any]:
    arguments = ["--log-level", "warning", *data_arguments(settings)]
    deadline = 10.0 + MARGIN_S
    phases = []
    with start_server(arguments, settings.out / "logs", name="load") as server:
        work = load.usable(server.port, load.workload(load_vocabulary(), seed=settings.seed))
        for label, runaway in ((f"{settings.load_clients} clients", ""),
                               (f"{settings.load_clients} clients + time-limit client (same text)", "same"),
                               (f"{settings.load_clients} clients + time-limit client (new text)", "varied")):
            print(f"   {label} for {settings.load_seconds:g} s ...", flush=True)
            phase = load.run_phase(server.port, work, clients=settings.load_clients, seconds=settings.load_seconds,
                                   seed=settings.seed, deadline_s=deadline, time_limit_client=runaway)
            phases.append({"label": label, **phase})
    result = {"clients": settings.load_clients, "saved_requests": len(work.saved), "adhoc_requests": len(work.adhoc),
              "phases": phases}
    return _block(settings, server, result, load_targets(result))


def faults_block(settings: Settings) -> dict[str, Any]:
    if not children_listed():
        raise ReliabilityError("this kernel does not list a process's children in /proc (CONFIG_PROC_CHILDREN); "
                               "the fault block finds workers there.")
    timeout = 5.0
    arguments = ["--timeout", f"{timeout:g}", "--log-level", "warning", *data_arguments(settings)]
    logs = settings.out / "logs"
    scenarios: list[dict[str, Any]] = []
    with start_server(arguments, logs, name="faults") as server:
        scenarios.append(faults.kill_idle_worker(server))
        scenarios.append(faults.kill_every_idle_worker(server))
        scenarios.append(faults.kill_busy_worker(server, deadline_s=timeout + MARGIN_S))
    scenarios.append(faults.kill_zygote(arguments, logs))
    scenarios.append(faults.sigterm_in_flight(arguments, logs, deadline_s=timeout + MARGIN_S))
    scenarios.append(faults.sigkill_server(arguments, logs, timeout_s=timeout))
    scenarios += faults.broken_start(settings.out / "faults")
    scenarios += faults.build_over_good_output(settings.out / "faults")
    result = {"timeout_s": timeout, "scenarios": scenarios}
    return _block(settings, server, result, fault_targets(result))


RUNNERS: dict[str, Callable[[Settings], dict[str, Any]]] = {
    "fuzz": fuzz_block, "adversarial": adversarial_block, "load": load_block, "faults": faults_block}


def _block(settings: Settings, server: Server, result: dict[str, Any],
           targets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"command": shlex.join(["python", "-m", "reliability.run", *settings.argv]),
            "server_command": server.command + " --host 127.0.0.1 --port PORT", "result": result,
            "targets": targets}


def _commit() -> str | None:
    """The commit checked out when the harness started (its code is what runs), marked when files differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPOSITORY, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "src", "reliability",
                  ":(exclude)reliability/results")
    return f"{commit} with uncommitted changes" if commit and changed else commit or None


COMMIT = _commit()


def machine() -> dict[str, Any]:
    """What the block ran on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory_gb": round(memory_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "kraeftgraf": importlib.metadata.version("kraeftgraf"), "git_commit": COMMIT,
            "load_average_at_start": os.getloadavg()}


def parse_settings(argv: Sequence[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m reliability.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", nargs="+", choices=BLOCKS, default=list(BLOCKS),
                        help="blocks to run; the record keeps the others from its last run")
    parser.add_argument("--requests", type=int, default=100_000, help="fuzzed requests (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated requests")
    parser.add_argument("--clients", type=int, default=4, help="fuzzing client threads (default: %(default)s)")
    parser.add_argument("--fuzz-timeout", type=float, default=5.0, dest="fuzz_timeout_s",
                        help="the fuzzed server's --timeout (default: %(default)s)")
    parser.add_argument("--load-seconds", type=float, default=60.0, help="length of each load phase")
    parser.add_argument("--load-clients", type=int, default=4, help="load clients (default: %(default)s)")
    parser.add_argument("--data", nargs="+", type=Path, default=[], metavar="FILE",
                        help="serve these RDF files (serve --data) instead of the embedded data")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="folder for server logs and scratch files")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json", dest="json_path")
    parser.add_argument("--markdown", type=Path, default=REPOSITORY / "RELIABILITY.md", dest="markdown_path")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.clients < 1 or args.load_clients < 1 or args.load_seconds <= 0:
        parser.error("--requests, --clients, --load-clients and --load-seconds take numbers above 0")
    return Settings(blocks=tuple(b for b in BLOCKS if b in args.blocks), requests=args.requests, seed=args.seed,
                    clients=args.clients, fuzz_timeout_s=args.fuzz_timeout_s, load_seconds=args.load_seconds,
                    load_clients=args.load_clients, data=tuple(args.data), out=args.out, json_path=args.json_path,
                    markdown_path=args.markdown_path, argv=tuple(sys.argv[1:] if argv is None else argv))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_settings(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # unwind, so that every server started is stopped
    record: dict[str, Any] = {"blocks": {}}
    if settings.json_path.is_file():
        record = json.loads(settings.json_path.read_text(encoding="utf-8"))
    code = 0
    try:
        for block in settings.blocks:
            print(f"== {block} ...", flush=True)
            started, where = time.monotonic(), machine()
            measured = RUNNERS[block](settings)
            where["load_average_at_end"] = os.getloadavg()
            record["blocks"][block] = {"date": datetime.date.today().isoformat(), "machine": where,
                                       "duration_s": time.monotonic() - started, **measured}
            for target in measured["targets"]:
                print(f"   {'met' if target['met'] else 'NOT MET'}: {target['target']} ({target['measured']})")
    except ReliabilityError as exc:
        print(f"reliability.run: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt as exc:
        print(f"reliability.run: interrupted ({exc}); servers stopped", file=sys.stderr)
        code = 130
    finally:  # what was measured is kept, also when a later block fails
        settings.json_path.parent.mkdir(parents=True, exist_ok=True)
        settings.json_path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        settings.markdown_path.write_text(markdown(record), encoding="utf-8")
        print(f"reliability.run: wrote {settings.json_path} and {settings.markdown_path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
