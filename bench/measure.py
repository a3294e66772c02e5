"""Send the requests and time them: one at a time (concurrency 1) and in bursts from 4 threads.

Servers take turns within every iteration, in an order that rotates from one iteration to the next,
so that whatever else the machine does falls on all of them alike. Each (item, server) pair has a
time budget per phase, so that a slow server cannot make the run endless; it still gets a minimum
number of samples.
"""

import http.client
import json
import statistics
import threading
import time
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.servers import HOST, QUERY_TIMEOUT_S, RunningServer
from bench.workload import HttpRequest, Item

REQUEST_TIMEOUT_S = QUERY_TIMEOUT_S + 15.0  # the servers stop a query at QUERY_TIMEOUT_S; this is for the rest
# A server may close an idle keep-alive connection: these mean "reconnect and send again", nothing more.
_STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Samples:
    """Latencies of the successful sends of one (item, server, phase), errors, and wall time of the bursts."""

    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0  # for bursts: the time from the first send to the last answer, summed over bursts
    spent_s: float = 0.0  # time spent on this pair, for the budget
    timed_out: bool = False  # the client gave up waiting: the pair is not asked again

    def summary(self) -> dict[str, float | int | None]:
        latencies = self.latencies_s
        return {
            "n": len(latencies), "errors": len(self.errors),
            "p50_ms": percentile(latencies, 50) * 1000 if latencies else None,
            "p95_ms": percentile(latencies, 95) * 1000 if latencies else None,
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else None,
            "throughput_rps": len(latencies) / self.wall_s if self.wall_s and latencies else None,
            "timed_out": self.timed_out,
        }


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (no interpolation: with few samples, a value that was measured)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float


class Client:
    """Keep-alive connections, one per thread and server, as a real client would hold them."""

    def __init__(self) -> None:
        self._local = threading.local()

    def send(self, server: RunningServer, request: HttpRequest) -> Answer:
        """Send and wait for the whole answer; a timeout is raised, never retried (the server may still be busy)."""
        path, body, headers = request.materialise()
        for attempt in (1, 2):
            connection = self._connection(server.port, fresh=attempt == 2)
            try:
                started = time.perf_counter()
                connection.request(request.method, path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                return Answer(response.status, payload, time.perf_counter() - started)
            except _STALE_CONNECTION:
                connection.close()
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                connection.close()
                raise
        raise AssertionError("unreachable")

    def _connection(self, port: int, *, fresh: bool) -> http.client.HTTPConnection:
        connections: dict[int, http.client.HTTPConnection] = getattr(self._local, "connections", {})
        self._local.connections = connections
        if fresh or port not in connections:
            if port in connections:
                connections[port].close()
            connections[port] = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        return connections[port]


def _record(samples: Samples, client: Client, server: RunningServer, request: HttpRequest) -> None:
    try:
        answer = client.send(server, request)
    except TimeoutError:
        samples.timed_out = True
        samples.errors.append(f"no answer within {REQUEST_TIMEOUT_S:.0f} s")
        return
    except (OSError, http.client.HTTPException) as exc:
        samples.errors.append(f"{type(exc).__name__}: {exc}")
        return
    if answer.status == 200:
        samples.latencies_s.append(answer.seconds)
    else:
        samples.errors.append(f"HTTP {answer.status}: {answer.body[:300].decode(errors='replace')}")
        samples.timed_out = samples.timed_out or _hit_time_limit(answer)


@dataclass
class WarmUp:
    """What each server answered to each item the first time (row counts, or the error), and which pairs
    got no answer in time (they are not asked again)."""

    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    timed_out: set[tuple[str, str]] = field(default_factory=set)


def warm_up(items: Sequence[Item], servers: Sequence[RunningServer], client: Client) -> WarmUp:
    """Send every request once, and note the answers."""
    result = WarmUp()
    for item in items:
        for server in servers:
            request = item.requests.get(server.spec.name)
            if request is None:
                continue
            answers = result.answers.setdefault(item.name, {})
            try:
                answer = client.send(server, request)
                answers[server.spec.name] = _describe(answer)
                if answer.status != 200 and _hit_time_limit(answer):
                    result.timed_out.add((item.name, server.spec.name))
            except TimeoutError:
                answers[server.spec.name] = f"no answer within {REQUEST_TIMEOUT_S:.0f} s"
                result.timed_out.add((item.name, server.spec.name))
            except (OSError, http.client.HTTPException) as exc:
                answers[server.spec.name] = f"error: {exc}"
    return result


def _hit_time_limit(answer: Answer) -> bool:
    """A failure that came after about the servers' time limit: the server stopped the query."""
    return answer.seconds >= 0.9 * QUERY_TIMEOUT_S


def _describe(answer: Answer) -> str:
    if answer.status != 200:
        return f"HTTP {answer.status}"
    try:
        parsed = json.loads(answer.body)
    except ValueError:
        return f"{len(answer.body)} bytes"
    if isinstance(parsed, dict) and "boolean" in parsed:
        return f"boolean {parsed['boolean']}"
    if isinstance(parsed, dict) and isinstance(parsed.get("results"), dict):
        return f"{len(parsed['results'].get('bindings', []))} rows"
    return f"{len(answer.body)} bytes"


def _rotated(servers: Sequence[RunningServer], turn: int) -> list[RunningServer]:
    shift = turn % len(servers) if servers else 0
    return [*servers[shift:], *servers[:shift]]


def measure_sequential(items: Sequence[Item], servers: Sequence[RunningServer], client: Client, *,
                       iterations: int, budget_s: float, min_samples: int = 3,
                       skip: Collection[tuple[str, str]] = ()) -> dict[tuple[str, str], Samples]:
    """Concurrency 1: every item on every server, one request at a time, `iterations` rounds; the pairs
    (item, server) in `skip` are left out."""
    results: dict[tuple[str, str], Samples] = {}
    for turn in range(iterations):
        for item in items:
            for server in _rotated(servers, turn):
                request = item.requests.get(server.spec.name)
                if request is None or (item.name, server.spec.name) in skip:
                    continue
                samples = results.setdefault((item.name, server.spec.name), Samples())
                if samples.timed_out or (samples.spent_s > budget_s and len(samples.latencies_s) >= min_samples):
                    continue
                started = time.perf_counter()
                _record(samples, client, server, request)
                samples.spent_s += time.perf_counter() - started
    return results


def measure_concurrent(items: Sequence[Item], servers: Sequence[RunningServer], client: Client, *,
                       bursts: int, concurrency: int, per_thread: int, budget_s: float,
                       too_slow: Collection[tuple[str, str]] = ()) -> dict[tuple[str, str], Samples]:
    """Concurrency N: bursts of N threads each sending `per_thread` requests back to back; the pairs
    (item, server) in `too_slow` are left out."""
    results: dict[tuple[str, str], Samples] = {}
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bench-client") as pool:
        for turn in range(bursts):
            for item in items:
                for server in _rotated(servers, turn):
                    request = item.requests.get(server.spec.name)
                    if request is None or (item.name, server.spec.name) in too_slow:
                        continue
                    samples = results.setdefault((item.name, server.spec.name), Samples())
                    if samples.timed_out or (samples.spent_s > budget_s and samples.latencies_s):
                        continue
                    _burst(pool, samples, client, server, request, concurrency, per_thread)
    return results


def _burst(pool: ThreadPoolExecutor, samples: Samples, client: Client, server: RunningServer,
           request: HttpRequest, concurrency: int, per_thread: int) -> None:
    lock = threading.Lock()

    def worker() -> None:
        own = Samples()
        for _ in range(per_thread):
            _record(own, client, server, request)
        with lock:
            samples.latencies_s.extend(own.latencies_s)
            samples.errors.extend(own.errors)

    started = time.perf_counter()
    for future in [pool.submit(worker) for _ in range(concurrency)]:
        future.result()
    elapsed = time.perf_counter() - started
    samples.wall_s += elapsed
    samples.spent_s += elapsed
