"""Send generated requests from several client threads and count the answers by status, family and failure."""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .checks import failures, leaks, notes
from .client import Client, RawRequest, Reply, source_address
from .generate import request
from .vocabulary import Vocabulary

EXAMPLES_KEPT = 12  # per kind of failure or note, the first ones (by request number) are kept with the request


@dataclass
class Example:
    """A request that failed (or is worth a note), with enough to send it again: seed and number."""

    kind: str
    index: int
    request: str
    status: int | None
    seconds: float
    body: str
    leaked: list[str]


@dataclass
class Tally:
    """The counts of a fuzzing run; safe to add to from several threads."""

    statuses: Counter[str] = field(default_factory=Counter)
    families: dict[str, Counter[str]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)
    slowest_s: float = 0.0
    sent: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, index: int, sent: RawRequest, reply: Reply, *, deadline_s: float) -> int:
        """Count the answer; the number of answers counted so far."""
        found = failures(sent, reply, deadline_s=deadline_s)
        noted = notes(reply)
        status = str(reply.status) if reply.status is not None else reply.outcome
        with self._lock:
            self.sent += 1
            self.statuses[status] += 1
            self.families.setdefault(sent.family, Counter())[status] += 1
            self.slowest_s = max(self.slowest_s, reply.seconds)
            for kind in found:
                self.failures[kind] += 1
            for kind in noted:
                self.notes[kind] += 1
            for kind in (*found, *noted):
                if sum(e.kind == kind for e in self.examples) < EXAMPLES_KEPT:
                    self.examples.append(Example(kind, index, sent.describe(), reply.status, round(reply.seconds, 3),
                                                 reply.text()[:600], leaks(sent, reply)))
            return self.sent

    def record(self) -> dict[str, Any]:
        """The counts as plain data (for the JSON record and the report)."""
        return {
            "sent": self.sent, "statuses": dict(sorted(self.statuses.items())),
            "families": {name: dict(sorted(c.items())) for name, c in sorted(self.families.items())},
            "failures": dict(self.failures), "notes": dict(self.notes), "slowest_s": round(self.slowest_s, 3),
            "examples": [vars(e) for e in sorted(self.examples, key=lambda e: (e.kind, e.index))],
        }


@dataclass(frozen=True)
class FuzzPlan:
    """How many requests, from which seed, by how many client threads, and when an answer is too late."""

    requests: int
    seed: int
    clients: int
    deadline_s: float  # the server's time limit plus a margin
    first: int = 0  # the number of the first request (a run may continue another)


def run_fuzz(port: int, plan: FuzzPlan, vocab: Vocabulary, *, progress_every: int = 0) -> Tally:
    """Send requests plan.first .. plan.first + plan.requests - 1, each once, from plan.clients threads."""
    tally = Tally()
    counter = iter(range(plan.first, plan.first + plan.requests))
    lock = threading.Lock()
    stop = threading.Event()  # set when the caller is interrupted: the threads end after their request
    started = time.monotonic()

    def client_loop(number: int) -> None:
        with Client(port, source=source_address(number), timeout_s=plan.deadline_s) as client:
            while not stop.is_set():
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                sent = request(plan.seed, index, vocab)
                counted = tally.add(index, sent, client.send(sent), deadline_s=plan.deadline_s)
                if progress_every and counted % progress_every == 0:
                    rate = counted / (time.monotonic() - started)
                    print(f"   {counted} requests, {rate:.0f}/s; failures {dict(tally.failures)}", flush=True)

    threads = [threading.Thread(target=client_loop, args=(n,), name=f"fuzz-{n}") for n in range(plan.clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
    return tally
