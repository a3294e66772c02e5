"""Steady load: client threads sending saved queries and ad-hoc SPARQL back to back, with and without one more
client that sends queries which run into the time limit."""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .adversarial import percentile
from .checks import failures
from .client import Client, RawRequest, Reply, source_address
from .queries import valid_query
from .vocabulary import Vocabulary

RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")  # 14,150^4 rows
_DIRECT = (b"Content-Type", b"application/sparql-query")


@dataclass(frozen=True)
class Workload:
    """The requests the load clients draw from: saved queries over the API, and ad-hoc queries by POST."""

    saved: tuple[RawRequest, ...]
    adhoc: tuple[RawRequest, ...]


def workload(vocab: Vocabulary, *, seed: int, generated: int = 300) -> Workload:
    """Every saved query with each value its header offers, and the saved texts plus generated valid queries."""
    saved = []
    for query in vocab.saved:
        saved.append(RawRequest("GET", f"/api/queries/{query.name}".encode(), family="saved"))
        for param in query.params:
            for value in param.choices:
                saved.append(RawRequest("GET", f"/api/queries/{query.name}?{param.name}={quote(value)}".encode(),
                                        family="saved"))
    rng = random.Random(f"load:{seed}")
    texts = [q.sparql for q in vocab.saved] + [valid_query(rng, vocab) for _ in range(generated)]
    adhoc = tuple(RawRequest("POST", b"/sparql", (_DIRECT,), text.encode(), "adhoc") for text in texts)
    return Workload(tuple(saved), adhoc)


def usable(port: int, candidates: Workload, *, seconds: float = 1.0) -> Workload:
    """The requests that answer 200 within `seconds` when sent alone (generated queries may ask too much)."""
    def keep(requests: tuple[RawRequest, ...]) -> tuple[RawRequest, ...]:
        kept = []
        with Client(port, source=source_address(200), timeout_s=30) as client:
            for sent in requests:
                reply = client.send(sent)
                if reply.status == 200 and reply.seconds < seconds:
                    kept.append(sent)
        return tuple(kept)

    return Workload(keep(candidates.saved), keep(candidates.adhoc))


@dataclass
class ClientLog:
    """What one client saw: latencies of its answers and its statuses."""

    role: str  # "load" or "time-limit"
    latencies_s: list[float] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)  # time.monotonic() at each answer
    statuses: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)


def run_phase(port: int, load: Workload, *, clients: int, seconds: float, seed: int, deadline_s: float,
              time_limit_client: str = "") -> dict[str, Any]:
    """`clients` threads for `seconds`, each with its own address; `time_limit_client` "same" or "varied" adds
    a client sending RUNAWAY (the same text, or a new one each time) back to back."""
    stop = threading.Event()
    logs: list[ClientLog] = []

    def load_client(number: int) -> None:
        log = ClientLog("load")
        logs.append(log)
        rng = random.Random(f"{seed}:client:{number}")
        with Client(port, source=source_address(number), timeout_s=deadline_s) as client:
            while not stop.is_set():
                sent = rng.choice(load.saved) if rng.random() < 0.5 else rng.choice(load.adhoc)
                _record(log, sent, client.send(sent), deadline_s)

    def runaway_client() -> None:
        log = ClientLog("time-limit")
        logs.append(log)
        count = 0
        with Client(port, source=source_address(clients), timeout_s=deadline_s) as client:
            while not stop.is_set():
                count += 1
                text = RUNAWAY + (f" # {count}" if time_limit_client == "varied" else "")
                sent = RawRequest("POST", b"/sparql", (_DIRECT,), text.encode(), "time-limit")
                _record(log, sent, client.send(sent), deadline_s)

    threads = [threading.Thread(target=load_client, args=(n,), name=f"load-{n}") for n in range(clients)]
    if time_limit_client:
        threads.append(threading.Thread(target=runaway_client, name="time-limit"))
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        time.sleep(seconds)
    finally:  # also when interrupted: the clients end after their request
        stop.set()
    ended = time.monotonic()
    for thread in threads:
        thread.join()
    return _phase_record(logs, started, ended, clients=clients, time_limit_client=time_limit_client)


def _record(log: ClientLog, sent: RawRequest, reply: Reply, deadline_s: float) -> None:
    log.latencies_s.append(reply.seconds)
    log.finished.append(time.monotonic())
    log.statuses[str(reply.status or reply.outcome)] += 1
    for kind in failures(sent, reply, deadline_s=deadline_s):
        log.failures[kind] += 1


def _phase_record(logs: list[ClientLog], started: float, ended: float, *, clients: int,
                  time_limit_client: str) -> dict[str, Any]:
    """Throughput counts the answers that came within the phase; latencies and statuses count every answer."""
    load_logs = [log for log in logs if log.role == "load"]
    latencies = [s for log in load_logs for s in log.latencies_s]
    within = sum(started <= t <= ended for log in load_logs for t in log.finished)
    elapsed = ended - started
    statuses: Counter[str] = sum((log.statuses for log in load_logs), Counter())
    ok = sum(n for status, n in statuses.items() if status in ("200", "304"))
    record: dict[str, Any] = {
        "clients": clients, "time_limit_client": time_limit_client or None, "seconds": round(elapsed, 1),
        "requests": len(latencies), "throughput_per_s": round(within / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1), "max_ms": round(max(latencies, default=0) * 1000, 1),
        "statuses": dict(sorted(statuses.items())), "errors": len(latencies) - ok,
        "errors_429": statuses.get("429", 0), "errors_503": statuses.get("503", 0),
        "failures": dict(sum((log.failures for log in load_logs), Counter())),
    }
    runaway = [log for log in logs if log.role == "time-limit"]
    if runaway:
        record["time_limit_client_statuses"] = dict(sorted(runaway[0].statuses.items()))
        record["time_limit_client_failures"] = dict(runaway[0].failures)
    return record
