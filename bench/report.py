"""Turn the measurements into the JSON record, the ratios kraeftgraf/peer, the targets, and Markdown tables."""

import argparse
import json
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.measure import Samples
from bench.prepare import PreparedScale
from bench.servers import DISK, RunningServer
from bench.workload import Item

MAIN = "kraeftgraf"
PEERS = ("oxigraph", "rdflib-endpoint")

# The performance issues' targets (the second round's: the trivial request, a build under a second, memory
# at x1 too, the warm start)
TARGET_MEDIAN_VS_OXIGRAPH = 0.5
TARGET_WORST_VS_OXIGRAPH = 1.5
TARGET_MEDIAN_VS_RDFLIB = 0.05
TARGET_CACHED_OVER_FLOOR = 1.5
TARGET_TRIVIAL_VS_OXIGRAPH = 1.5
TARGET_BUILD_SEED_S = 1.0
TARGET_MEMORY_VS_OXIGRAPH = 2.0
TARGET_WARM_STARTUP_S = 0.3


def scale_record(prepared: PreparedScale, servers: Sequence[RunningServer], items: Sequence[Item],
                 answers: Mapping[str, Mapping[str, str]], sequential: Mapping[tuple[str, str], Samples],
                 concurrent: Mapping[tuple[str, str], Samples]) -> dict[str, Any]:
    """Everything measured at one scale, with the ratios and targets worked out."""
    record: dict[str, Any] = {
        "scale": prepared.scale, "quads": prepared.build.quads, "generate_s": prepared.generate_s,
        "build": asdict(prepared.build), "oxigraph_load_s": prepared.oxigraph_load_s,
        "store_load_s": prepared.store_load_s,
        "servers": {s.spec.name: {"startup_s": s.startup_s, **asdict(s.memory), "command": list(s.spec.command)}
                    for s in servers},
        "items": [],
    }
    for item in items:
        entry: dict[str, Any] = {"name": item.name, "group": item.group, "answers": dict(answers.get(item.name, {})),
                                 "c1": {}, "c4": {}}
        for phase, results in (("c1", sequential), ("c4", concurrent)):
            for server in servers:
                samples = results.get((item.name, server.spec.name))
                if samples is not None:
                    entry[phase][server.spec.name] = samples.summary()
                    if samples.errors:
                        entry.setdefault("error_examples", {})[server.spec.name] = samples.errors[:2]
        record["items"].append(entry)
    record["throughput_c4"] = _throughput(servers, items, concurrent)
    record["summary"] = _summary(record)
    record["targets"] = _targets(record)
    return record


def _throughput(servers: Sequence[RunningServer], items: Sequence[Item],
                concurrent: Mapping[tuple[str, str], Samples]) -> dict[str, dict[str, float | None]]:
    """Requests per second at concurrency 4, over all saved-query bursts and over the trivial bursts."""
    out: dict[str, dict[str, float | None]] = {}
    for server in servers:
        row: dict[str, float | None] = {}
        for group, key in (("saved", "saved_rps"), ("trivial", "trivial_rps"), ("entity", "entity_rps")):
            chosen = [concurrent[(i.name, server.spec.name)] for i in items
                      if i.group == group and (i.name, server.spec.name) in concurrent]
            count = sum(len(s.latencies_s) for s in chosen)
            wall = sum(s.wall_s for s in chosen)
            row[key] = count / wall if wall and count else None
        out[server.spec.name] = row
    return out


def _p50(entry: Mapping[str, Any], phase: str, server: str) -> float | None:
    value = entry[phase].get(server, {}).get("p50_ms")
    return float(value) if value is not None else None


def _ratios(record: Mapping[str, Any], group: str, peer: str, *, via_api: bool = False,
            main: str = MAIN) -> dict[str, float]:
    """kraeftgraf p50 / peer p50 per item of the group; with via_api, kraeftgraf's figure is its saved-query API's."""
    by_name = {entry["name"]: entry for entry in record["items"]}
    ratios = {}
    for entry in record["items"]:
        if entry["group"] != group:
            continue
        own = by_name.get(f"api {entry['name']}") if via_api else entry
        if own is None:
            continue
        mine, theirs = _p50(own, "c1", main), _p50(entry, "c1", peer)
        if mine is not None and theirs:
            ratios[entry["name"]] = mine / theirs
    return ratios


def _summary(record: Mapping[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for peer in PEERS:
        for key, via_api in (("saved", False), ("api", True)):
            ratios = _ratios(record, "saved", peer, via_api=via_api)
            if ratios:
                worst = max(ratios, key=lambda name: ratios[name])
                summary[f"{key}_median_vs_{peer}"] = statistics.median(ratios.values())
                summary[f"{key}_worst_vs_{peer}"] = {"query": worst, "ratio": ratios[worst]}
                summary[f"{key}_above_1.5_vs_{peer}"] = sorted(n for n, r in ratios.items() if r > 1.5)
        entity = _ratios(record, "entity", peer)
        if entity:
            summary[f"entity_median_vs_{peer}"] = statistics.median(entity.values())
    floor = next((_p50(e, "c1", MAIN) for e in record["items"] if e["group"] == "trivial"), None)
    cached = {e["name"]: p for e in record["items"] if e["group"] == "saved-api"
              and (p := _p50(e, "c1", MAIN)) is not None}
    if floor and cached:
        over = {name: p / floor for name, p in cached.items()}
        best = min(over, key=lambda name: over[name])
        summary["trivial_floor_ms"] = {s: _p50(e, "c1", s) for e in record["items"] if e["group"] == "trivial"
                                       for s in e["c1"]}
        summary["cached_over_floor_median"] = statistics.median(over.values())
        summary["cached_over_floor_best"] = {"query": best, "ratio": over[best]}
    main_memory = record["servers"].get(MAIN, {}).get("pss_mb")
    for peer in PEERS:
        theirs = record["servers"].get(peer, {}).get("pss_mb")
        if main_memory and theirs:
            summary[f"memory_vs_{peer}"] = main_memory / theirs
    # kraeftgraf on its on-disk store: the configuration for memory rather than speed
    disk = _ratios(record, "saved", "oxigraph", main=DISK)
    if disk:
        worst = max(disk, key=lambda name: disk[name])
        summary["disk_saved_median_vs_oxigraph"] = statistics.median(disk.values())
        summary["disk_saved_worst_vs_oxigraph"] = {"query": worst, "ratio": disk[worst]}
    disk_memory = record["servers"].get(DISK, {}).get("pss_mb")
    oxigraph_memory = record["servers"].get("oxigraph", {}).get("pss_mb")
    if disk_memory and oxigraph_memory:
        summary["disk_memory_vs_oxigraph"] = disk_memory / oxigraph_memory
    summary["mismatched_answers"] = {
        e["name"]: e["answers"] for e in record["items"]
        if e["group"] in ("saved", "trivial") and len(set(e["answers"].values())) > 1}
    return summary


def _targets(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    summary = record["summary"]
    scale = record["scale"]
    targets: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float, applies: bool) -> None:
        targets.append({"target": name, "value": value, "limit": limit, "applies_at_this_scale": applies,
                        "met": None if value is None else value <= limit})

    latency_scale = scale in (1, 100)
    for key, how in (("saved", "new query text each time, via /sparql"),
                     ("api", "via the saved-query API, repeated: from kraeftgraf's answer cache")):
        add(f"median over saved queries of kraeftgraf p50 / Oxigraph p50 ({how})",
            summary.get(f"{key}_median_vs_oxigraph"), TARGET_MEDIAN_VS_OXIGRAPH, latency_scale)
        worst = summary.get(f"{key}_worst_vs_oxigraph")
        add(f"worst saved query, kraeftgraf p50 / Oxigraph p50 ({how})", worst["ratio"] if worst else None,
            TARGET_WORST_VS_OXIGRAPH, latency_scale)
        add(f"median over saved queries of kraeftgraf p50 / rdflib-endpoint p50 ({how})",
            summary.get(f"{key}_median_vs_rdflib-endpoint"), TARGET_MEDIAN_VS_RDFLIB, latency_scale)
    add("repeated saved query via the API, median over queries: p50 / p50 of kraeftgraf's ASK {}",
        summary.get("cached_over_floor_median"), TARGET_CACHED_OVER_FLOOR, latency_scale)
    floors = summary.get("trivial_floor_ms", {})
    add("trivial ASK {} (new text each time), kraeftgraf p50 / Oxigraph p50",
        floors[MAIN] / floors["oxigraph"] if floors.get(MAIN) and floors.get("oxigraph") else None,
        TARGET_TRIVIAL_VS_OXIGRAPH, True)
    add("build (load + infer + validate), seconds", record["build"]["total_s"] if record["build"]["validate_s"]
        is not None else None, TARGET_BUILD_SEED_S, scale == 1)
    add("peak memory (PSS), kraeftgraf / Oxigraph", summary.get("memory_vs_oxigraph"), TARGET_MEMORY_VS_OXIGRAPH,
        scale in (1, 100))
    add("peak memory (PSS), kraeftgraf serve --store (on disk) / Oxigraph", summary.get("disk_memory_vs_oxigraph"),
        TARGET_MEMORY_VS_OXIGRAPH, scale in (1, 100))
    disk_worst = summary.get("disk_saved_worst_vs_oxigraph")
    add("median over saved queries, kraeftgraf serve --store p50 / Oxigraph p50 (new query text, via /sparql)",
        summary.get("disk_saved_median_vs_oxigraph"), TARGET_MEDIAN_VS_OXIGRAPH, latency_scale)
    add("worst saved query, kraeftgraf serve --store p50 / Oxigraph p50 (new query text, via /sparql)",
        disk_worst["ratio"] if disk_worst else None, TARGET_WORST_VS_OXIGRAPH, latency_scale)
    return targets


# --- Markdown --------------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def _ratio(mine: float | None, theirs: float | None) -> str:
    return "—" if mine is None or not theirs else f"{mine / theirs:.2f}"


def markdown_items(record: Mapping[str, Any]) -> str:
    """One row per item: p50/p95 at concurrency 1, ratios kraeftgraf/peer, p50 at concurrency 4."""
    header = ("| item | kg p50 | kg p95 | oxigraph p50 | oxigraph p95 | rdflib-ep p50 | rdflib-ep p95 | kg/oxigraph "
              "| kg/rdflib-ep | kg-disk p50 | kg-disk/oxigraph | kg c4 p50 | oxigraph c4 p50 | rdflib-ep c4 p50 |")
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for entry in record["items"]:
        c1, c4 = entry["c1"], entry["c4"]

        def cell(phase: Mapping[str, Any], server: str, key: str) -> float | None:
            value = phase.get(server, {}).get(key)
            return float(value) if value is not None else None

        mine = cell(c1, MAIN, "p50_ms")
        lines.append("| " + " | ".join([
            entry["name"], _ms(mine), _ms(cell(c1, MAIN, "p95_ms")),
            _ms(cell(c1, "oxigraph", "p50_ms")), _ms(cell(c1, "oxigraph", "p95_ms")),
            _ms(cell(c1, "rdflib-endpoint", "p50_ms")), _ms(cell(c1, "rdflib-endpoint", "p95_ms")),
            _ratio(mine, cell(c1, "oxigraph", "p50_ms")), _ratio(mine, cell(c1, "rdflib-endpoint", "p50_ms")),
            _ms(cell(c1, DISK, "p50_ms")), _ratio(cell(c1, DISK, "p50_ms"), cell(c1, "oxigraph", "p50_ms")),
            _ms(cell(c4, MAIN, "p50_ms")), _ms(cell(c4, "oxigraph", "p50_ms")),
            _ms(cell(c4, "rdflib-endpoint", "p50_ms")),
        ]) + " |")
    return "\n".join(lines)


def markdown_servers(record: Mapping[str, Any]) -> str:
    """Start-up, memory and throughput per server."""
    lines = ["| server | start-up to first answer (s) | peak PSS (MB) | peak RSS, sum of processes (MB) "
             "| processes | saved queries/s at c4 | trivial requests/s at c4 |",
             "|---|---|---|---|---|---|---|"]
    for name, server in record["servers"].items():
        rates = record["throughput_c4"].get(name, {})
        lines.append(f"| {name} | {server['startup_s']:.2f} | {server['pss_mb']:.0f} | {server['hwm_sum_mb']:.0f} "
                     f"| {server['processes']} | {_rate(rates.get('saved_rps'))} | {_rate(rates.get('trivial_rps'))} |")
    return "\n".join(lines)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def markdown_targets(record: Mapping[str, Any]) -> str:
    lines = ["| target | measured | limit | met |", "|---|---|---|---|"]
    for target in record["targets"]:
        value = "—" if target["value"] is None else f"{target['value']:.3g}"
        verdict = "—" if target["met"] is None else ("yes" if target["met"] else "**no**")
        note = "" if target["applies_at_this_scale"] else " (target set for another scale)"
        lines.append(f"| {target['target']}{note} | {value} | ≤ {target['limit']:g} | {verdict} |")
    return "\n".join(lines)


def markdown_build(record: Mapping[str, Any]) -> str:
    build = record["build"]
    validate = "left out" if build["validate_s"] is None else f"{build['validate_s']:.2f} s"
    return (f"×{record['scale']}: {record['quads']} quads; build load {build['load_s']:.2f} s, infer "
            f"{build['infer_s']:.2f} s, validate {validate} (total {build['total_s']:.2f} s, peak RSS "
            f"{build['peak_rss_mb']:.0f} MB); TriG written in {build['write_s']:.2f} s; `oxigraph load` "
            f"{record['oxigraph_load_s']:.2f} s; `kraeftgraf load --store` {record.get('store_load_s', 0):.2f} s; "
            f"generated in {record['generate_s']:.2f} s.")


def markdown_scale(record: Mapping[str, Any]) -> str:
    earlier = [f"Measured in an earlier run: {markdown_machine(record)}"] if "machine" in record else []
    return "\n\n".join([
        f"### ×{record['scale']}", *earlier, markdown_build(record), markdown_servers(record), markdown_targets(record),
        markdown_items(record)])


def markdown_machine(record: Mapping[str, Any]) -> str:
    machine = record["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items() if version)
    load = ", ".join(f"{value:.1f}" for value in machine["load_average_at_start"])
    return (f"{machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB memory, Linux "
            f"{machine['kernel']}, Python {machine['python']}; kraeftgraf engine: {machine.get('kraeftgraf_engine')}; "
            f"git {machine['git_commit']}; load average at start {load}.\n\nPackages: {packages}.")


def markdown_record(record: Mapping[str, Any]) -> str:
    """The whole record: machine, start-up of plain `kraeftgraf serve`, then each scale."""
    parts = [markdown_machine(record)]
    embedded = record.get("embedded_startup")
    if embedded:
        warm = embedded["warm_cache_s"]
        met = "met" if warm <= TARGET_WARM_STARTUP_S else "**not met**"
        parts.append(f"`kraeftgraf serve` on the embedded data, to first answer: {embedded['cold_cache_s']:.2f} s "
                     f"with an empty build cache, {warm:.2f} s with a filled one (target ≤ "
                     f"{TARGET_WARM_STARTUP_S} s: {met}).")
    parts.extend(markdown_scale(scale) for scale in record["scales"])
    return "\n\n".join(parts)


def refresh(record: dict[str, Any]) -> None:
    """Work the summaries and targets out again from the measurements (after this module changed)."""
    for scale in record["scales"]:
        scale["summary"] = _summary(scale)
        scale["targets"] = _targets(scale)


def main(argv: Sequence[str] | None = None) -> int:
    """python -m bench.report [FILE] [--rewrite]: print a recorded run as Markdown (--rewrite: also store the
    summaries and targets worked out again)."""
    parser = argparse.ArgumentParser(prog="python -m bench.report", description="Print a recorded run as Markdown.")
    parser.add_argument("record", nargs="?", type=Path, default=Path("bench/results/latest.json"),
                        help="the JSON record bench.run wrote (default: bench/results/latest.json)")
    parser.add_argument("--rewrite", action="store_true",
                        help="also store the summaries and targets worked out again in the record")
    args = parser.parse_args(argv)
    try:
        record = json.loads(args.record.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        parser.error(f"{args.record}: cannot read a JSON record ({exc}); give the file bench.run wrote with --json")
    refresh(record)
    if args.rewrite:
        args.record.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown_record(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
