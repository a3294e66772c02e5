"""Queries written to hurt: each is sent alone while the server's memory is sampled and a probe measures how
quickly everyone else is still answered."""

import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

from .checks import leaks
from .client import Client, RawRequest, source_address
from .processes import MemorySampler

_CARTESIAN_3 = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i"
_CARTESIAN_4 = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"
PROBE_EVERY_S = 0.1
PROBE_WINDOW_S = 1.0  # probes run at least this long, so that a quick refusal is probed too
# How an answer names the limit that stopped it: the option, or the fixed limit's value.
LIMIT_NAMES = ("--timeout", "--max-rows", "--max-query-length", "--max-body", "--memory-limit-mb", "128 levels")


@dataclass(frozen=True)
class Case:
    """One adversarial query: what it is, the SPARQL, the Accept header, and the limit that should stop it."""

    name: str
    what: str
    query: str
    accept: str = "application/sparql-results+json"
    expected: str = ""  # the limit expected to stop it; "" when it may well be answered within the limits


def cases() -> list[Case]:
    """The adversarial queries, cheapest to write and dearest to run."""
    doublings = "".join(f"BIND(CONCAT(?s{n}, ?s{n}) AS ?s{n + 1}) " for n in range(30))
    values = " ".join(str(n) for n in range(2400))
    huge_values = " ".join(str(n) for n in range(6000))
    return [
        Case("cartesian-select", "every combination of 3 triples, all rows",
             f"SELECT * WHERE {{ {_CARTESIAN_3} }}", expected="--max-rows"),
        Case("cartesian-count", "every combination of 4 triples, counted (14,150^4)",
             f"SELECT (COUNT(*) AS ?n) WHERE {{ {_CARTESIAN_4} }}", expected="--timeout"),
        Case("path-p-or-not-p", "(p|!p)* from every node: every pair of connected nodes, counted",
             "SELECT (COUNT(*) AS ?n) WHERE { ?s (rdfs:label|!rdfs:label)* ?o }"),
        Case("path-p-or-not-p-joined", "(p|!p)* twice, joined: pairs of pairs",
             "SELECT (COUNT(*) AS ?n) WHERE { ?s (rdfs:label|!rdfs:label)* ?o . ?o (rdfs:label|!rdfs:label)* ?x }",
             expected="--timeout"),
        Case("path-a-or-inverse-a", "(a|^a)*: every node reachable through types and instances, counted",
             "SELECT (COUNT(*) AS ?n) WHERE { ?s (rdf:type|^rdf:type)* ?o }", expected="--timeout"),
        Case("path-rows", "(a|^a)* with every pair as a row",
             "SELECT ?s ?o WHERE { ?s (rdf:type|^rdf:type)* ?o }", expected="--max-rows"),
        Case("regex-backtracking", "REGEX ^(a+)+$ on a+b: catastrophic for a backtracking engine",
             'SELECT (COUNT(*) AS ?n) WHERE { BIND(CONCAT("' + "a" * 60 + '", "b") AS ?x) '
             'FILTER(REGEX(?x, "^(a+)+$")) }'),
        Case("regex-on-cartesian", "REGEX ^(a+)+$ on every pair of objects",
             'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 '
             'FILTER(REGEX(CONCAT(STR(?o), STR(?o2)), "^(a+)+$")) }', expected="--timeout"),
        Case("group-concat-blowup", "GROUP_CONCAT over every pair of triples",
             "SELECT (STRLEN(GROUP_CONCAT(STR(?o))) AS ?n) WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 }", expected="--timeout"),
        Case("concat-doubling", "a 10-character text doubled 30 times (10 GB)",
             f'SELECT (STRLEN(?s30) AS ?length) WHERE {{ BIND("0123456789" AS ?s0) {doublings}}}',
             expected="--memory-limit-mb"),
        Case("nesting-500-groups", "500 nested { }",
             "SELECT * WHERE " + "{ " * 500 + "?s ?p ?o " + "} " * 500, expected="128 levels"),
        Case("nesting-500-parentheses", "500 nested ( ) in an expression",
             "SELECT (" + "(" * 500 + "1" + ")" * 500 + " AS ?x) WHERE {}", expected="128 levels"),
        Case("huge-values", "VALUES with 6,000 numbers (over the query length limit)",
             f"SELECT * WHERE {{ VALUES ?x {{ {huge_values} }} }}", expected="--max-query-length"),
        Case("values-cross-join", "two VALUES of 2,400 numbers each, joined: 5.8 million rows",
             f"SELECT * WHERE {{ VALUES ?x {{ {values} }} VALUES ?y {{ {values[:len(values) // 2]} }} }}",
             expected="--max-rows"),
        Case("describe-everything", "DESCRIBE every subject", "DESCRIBE ?s WHERE { ?s ?p ?o }",
             accept="text/turtle", expected="--max-rows"),
        Case("construct-everything", "CONSTRUCT every triple", "CONSTRUCT WHERE { ?s ?p ?o }",
             accept="application/n-triples", expected="--max-rows"),
        Case("order-by-rand", "every triple, sorted at random", "SELECT * WHERE { ?s ?p ?o } ORDER BY RAND()",
             expected="--max-rows"),
        Case("body-over-max-body", "a 300 KB query body", "ASK {} #" + "x" * 300_000, expected="--max-body"),
    ]


def run_case(port: int, server_pid: int, case: Case, *, deadline_s: float, memory_limit_mb: int) -> dict[str, Any]:
    """Send the case's query (POST, application/sparql-query) while sampling memory and probing with ASK {}."""
    sent = RawRequest("POST", b"/sparql", ((b"Content-Type", b"application/sparql-query"),
                                           (b"Accept", case.accept.encode())), case.query.encode(), case.name)
    probe = RawRequest("POST", b"/sparql", ((b"Content-Type", b"application/sparql-query"),), b"ASK {}", "probe")
    latencies: list[float] = []
    probe_statuses: dict[str, int] = {}
    done = threading.Event()

    def probing() -> None:
        started = time.monotonic()
        with Client(port, source=source_address(100), timeout_s=deadline_s) as client:
            while not done.is_set() or time.monotonic() - started < PROBE_WINDOW_S:
                reply = client.send(probe)
                latencies.append(reply.seconds)
                key = str(reply.status or reply.outcome)
                probe_statuses[key] = probe_statuses.get(key, 0) + 1
                time.sleep(max(0.0, PROBE_EVERY_S - reply.seconds))

    with MemorySampler(server_pid) as sampler:
        dataset_mb = sampler.peaks.zygote_rss_mb
        prober = threading.Thread(target=probing, name="probe")
        prober.start()
        with Client(port, source=source_address(101), timeout_s=deadline_s) as client:
            reply = client.send(sent)
        done.set()
        prober.join()
    text = reply.text()
    named = [name for name in LIMIT_NAMES if name in text]
    peaks = sampler.peaks
    worker_peak = max(peaks.worker_rss_mb, peaks.worker_hwm_mb)
    stopped = reply.status is not None and (400 <= reply.status < 500 or reply.status == 503)
    return {
        "name": case.name, "what": case.what, "expected_limit": case.expected, "query_chars": len(case.query),
        "status": reply.status, "outcome": reply.outcome, "seconds": round(reply.seconds, 3),
        "message": text[:300], "limits_named": named, "stopped_by_limit": stopped and bool(named),
        "answered_in_full": reply.status == 200, "leaked": leaks(sent, reply),
        "server_rss_mb": round(peaks.server_rss_mb, 1), "zygote_rss_mb": round(dataset_mb, 1),
        "worker_rss_mb": round(peaks.worker_rss_mb, 1), "worker_hwm_mb": round(peaks.worker_hwm_mb, 1),
        "all_processes_rss_mb": round(peaks.total_rss_mb, 1), "memory_samples": peaks.samples,
        "worker_under_memory_limit": worker_peak <= dataset_mb + memory_limit_mb,
        "probes": len(latencies), "probe_statuses": probe_statuses,
        "probe_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "probe_p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "probe_max_ms": round(max(latencies, default=0.0) * 1000, 1),
    }


def percentile(values: list[float], rank: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(-(-rank * len(ordered) // 100)) - 1))]


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Block-level figures: how many were stopped by a named limit, the worst memory and probe figures."""
    probes = [r["probe_p95_ms"] for r in results]
    return {
        "cases": len(results),
        "stopped_by_named_limit": sum(r["stopped_by_limit"] for r in results),
        "answered_in_full": sum(r["answered_in_full"] for r in results),
        "unexpected": [r["name"] for r in results if not (r["stopped_by_limit"] or r["answered_in_full"])],
        "worst_worker_rss_mb": max((max(r["worker_rss_mb"], r["worker_hwm_mb"]) for r in results), default=0.0),
        "worst_probe_p95_ms": max(probes, default=0.0),
        "median_probe_p95_ms": statistics.median(probes) if probes else 0.0,
    }
