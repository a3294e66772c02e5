"""Each block's targets, judged on its figures: met or not, and in words why not."""

from typing import Any

FUZZ_REQUESTS = 100_000
PROBE_P95_MS = 50.0


def _target(target: str, measured: str, met: bool, why: str = "") -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met, "why": "" if met else why}


def fuzz_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    tally = result["tally"]
    failures = tally["failures"]
    unexpected = failures.get("unexpected-5xx", 0)
    unanswered = {k: failures.get(k, 0) for k in ("hang", "late", "closed-without-answer")}
    leaks = failures.get("leak", 0)
    return [
        _target(f"at least {FUZZ_REQUESTS:,} generated and mutated requests", f"{tally['sent']:,}",
                tally["sent"] >= FUZZ_REQUESTS, f"this run was scaled down to {tally['sent']:,} requests"),
        _target("0 × 5xx other than the documented 503 (time limit, busy) and 502", str(unexpected),
                unexpected == 0, "see the findings below for each request and its answer"),
        _target(f"0 hangs: every request answered within {result['deadline_s']:g} s (time limit + margin)",
                ", ".join(f"{n} {k}" for k, n in unanswered.items()), not any(unanswered.values()),
                "see the findings below"),
        _target("0 bodies naming a Python exception type or a file path", str(leaks), leaks == 0,
                "see the findings below for each body and what it names"),
    ]


def adversarial_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    cases = result["cases"]
    stopped = [c for c in cases if c["stopped_by_limit"]]
    in_full = [c for c in cases if c["answered_in_full"]]
    unnamed = [c for c in cases if not c["stopped_by_limit"] and not c["answered_in_full"]]
    why = []
    if in_full:
        why.append("answered in full, within every limit (expensive, but no limit was reached): " + ", ".join(
            f"{c['name']} ({c['seconds']:.1f} s)" for c in in_full))
    if unnamed:
        why.append("stopped, but the answer does not name the limit: " + "; ".join(
            f"{c['name']} ({c['status']}: \"{c['message'].strip()[:120]}\")" for c in unnamed))
    over = [c for c in cases if not c["worker_under_memory_limit"]]
    slow = [c for c in cases if c["probe_p95_ms"] >= PROBE_P95_MS]
    limit = result["memory_limit_mb"]
    probes = result["summary"]
    return [
        _target("every query stopped by a limit with a 4xx/503 whose message names the limit",
                f"{len(stopped)} of {len(cases)}", len(stopped) == len(cases), "; ".join(why)),
        _target(f"peak worker RSS under --memory-limit-mb ({limit}) plus the loaded dataset (the zygote's RSS)",
                f"worst {result['summary']['worst_worker_rss_mb']:.0f} MB (dataset "
                f"{max((c['zygote_rss_mb'] for c in cases), default=0):.0f} MB)", not over,
                "over it: " + ", ".join(c["name"] for c in over)),
        _target(f"probe ASK {{}} p95 < {PROBE_P95_MS:g} ms while each query runs",
                f"worst {probes['worst_probe_p95_ms']:.1f} ms, median {probes['median_probe_p95_ms']:.1f} ms",
                not slow, "p95 at or over the target while " + ", ".join(
                    f"{c['name']} ran ({c['probe_p95_ms']:.0f} ms)" for c in slow)
                + ". The probe's worker, the query's worker, the server and the harness share 2 cores (and the "
                  "machine ran other work): a CPU-bound query slows the probe's turn on a core"),
    ]


def load_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for phase in result["phases"]:
        label = phase["label"]
        errors = phase["errors"]
        targets.append(_target(
            f"{label}: 0 errors for the load clients (429 and 503 counted as errors)",
            f"{errors} errors ({phase['errors_429']} × 429, {phase['errors_503']} × 503) in {phase['requests']:,}",
            errors == 0, "statuses: " + ", ".join(f"{k} × {v}" for k, v in phase["statuses"].items())))
    return targets


def fault_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    scenarios = result["scenarios"]
    return [_target(s["name"], "as expected" if s["ok"] else "not as expected", s["ok"],
                    "; ".join(f"{k}: {v}" for k, v in s.items() if k not in ("name", "ok", "expected", "stderr")))
            for s in scenarios]
