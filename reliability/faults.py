"""Faults: workers, the zygote and the server killed; SIGTERM with a query in flight; broken input at start-up
and under `kraeftgraf build`. Each scenario returns what it saw and whether that is what the README promises."""

import hashlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .checks import documented_5xx
from .client import Client, RawRequest, Reply, source_address
from .load import RUNAWAY
from .processes import alive, cpu_ticks, wait_for
from .server import Server, kraeftgraf_command, leftovers, shown, start_server

_DIRECT = (b"Content-Type", b"application/sparql-query")
BROKEN_TURTLE = """@prefix kg: <https://w3id.org/kraeftgraf/vocab#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/kraeftgraf/id/broken> a kg:Track
    rdfs:label "a semicolon is missing above"@en .
"""
NONCONFORMING_TURTLE = """@prefix kg: <https://w3id.org/kraeftgraf/vocab#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/kraeftgraf/id/recommendation-reliability-without-evidence> a kg:Recommendation ;
    rdfs:label "Anbefaling uden kilde"@da , "Recommendation without a source"@en .
"""


def ask(number: int) -> RawRequest:
    """An uncached ASK (POST, a new comment each time), answered by a worker."""
    return RawRequest("POST", b"/sparql", (_DIRECT,), f"ASK {{ ?s ?p ?o }} # {number}".encode(), "ask")


def _runaway() -> RawRequest:
    return RawRequest("POST", b"/sparql", (_DIRECT,), f"{RUNAWAY} # {time.monotonic_ns()}".encode(), "runaway")


def _followers(server: Server, count: int = 20) -> dict[str, int]:
    """Statuses of `count` queries sent one after another once the fault is over."""
    statuses: dict[str, int] = {}
    with Client(server.port, source=source_address(0), timeout_s=30) as client:
        for number in range(count):
            reply = client.send(ask(number))
            key = str(reply.status or reply.outcome)
            statuses[key] = statuses.get(key, 0) + 1
    return statuses


def _in_flight(server: Server, request: RawRequest, *, deadline_s: float) -> tuple[threading.Thread, list[Reply]]:
    """Send the request from a thread; the reply lands in the list."""
    replies: list[Reply] = []

    def send() -> None:
        with Client(server.port, source=source_address(1), timeout_s=deadline_s) as client:
            replies.append(client.send(request))

    thread = threading.Thread(target=send, name="in-flight")
    thread.start()
    return thread, replies


def _busy_worker(server: Server, *, within_s: float = 3.0) -> int | None:
    """The worker whose CPU time grows (the one running the long query)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        before = {pid: cpu_ticks(pid) for pid in server.roles().workers}
        time.sleep(0.3)
        grown = {pid: cpu_ticks(pid) - ticks for pid, ticks in before.items() if ticks >= 0}
        busy = [pid for pid, delta in grown.items() if delta > 5]
        if busy:
            return max(busy, key=lambda pid: grown[pid])
    return None


def exit_in_words(code: int | None) -> str:
    """An exit status as a person reads it: `exit 2`, or `ended by signal 15 (SIGTERM)`."""
    if code is None:
        return "still running"
    if code < 0:
        return f"ended by signal {-code} ({signal.Signals(-code).name})"
    return f"exit {code}"


def _reply_record(reply: Reply | None) -> dict[str, Any]:
    if reply is None:
        return {"status": None, "outcome": "no answer"}
    return {"status": reply.status, "outcome": reply.outcome, "seconds": round(reply.seconds, 2),
            "message": reply.text()[:200]}


def kill_idle_worker(server: Server) -> dict[str, Any]:
    """SIGKILL one worker while nothing runs: every later query must be answered. The pool finds a dead worker
    when it reaches for it ("replaced before it gets a request"), so with one query at a time the count of living
    workers may stay one short until then."""
    before = server.roles().workers
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    wait_for(lambda: not alive(victim), 5)
    statuses = _followers(server)
    ok = statuses == {"200": 20} and server.process.poll() is None
    return {"name": "kill -9 an idle worker", "victim": victim, "workers_before": len(before),
            "followers": statuses, "workers_after": len(server.roles().workers), "ok": ok,
            "expected": "20 queries one by one after it, all 200"}


def kill_every_idle_worker(server: Server) -> dict[str, Any]:
    """SIGKILL every worker while nothing runs: the next query finds them all dead, has them replaced, and is
    answered; so are the ones after it."""
    before = server.roles().workers
    for victim in before:
        os.kill(victim, signal.SIGKILL)
    wait_for(lambda: not any(alive(pid) for pid in before), 5)
    statuses = _followers(server)
    replaced = wait_for(lambda: len(server.roles().workers) == server.expected_workers, 10)
    ok = statuses == {"200": 20} and replaced and server.process.poll() is None
    return {"name": "kill -9 every idle worker", "workers_killed": len(before), "followers": statuses,
            "workers_after": len(server.roles().workers), "ok": ok,
            "expected": "20 queries one by one after it, all 200; every worker replaced"}


def kill_busy_worker(server: Server, *, deadline_s: float) -> dict[str, Any]:
    """SIGKILL the worker running a long query: its client gets a 4xx (never a 5xx or nothing); others go on."""
    before = server.roles().workers
    thread, replies = _in_flight(server, _runaway(), deadline_s=deadline_s)
    victim = _busy_worker(server)
    if victim is not None:
        os.kill(victim, signal.SIGKILL)
    thread.join(deadline_s + 5)
    reply = replies[0] if replies else None
    statuses = _followers(server)
    replaced = wait_for(lambda: len(server.roles().workers) >= len(before), 10)
    status = reply.status if reply else None
    answered = reply is not None and reply.outcome == "answered" and status is not None and (
        status < 500 or documented_5xx(reply))
    ok = victim is not None and answered and statuses == {"200": 20} and replaced
    return {"name": "kill -9 a busy worker", "victim": victim, "in_flight": _reply_record(reply),
            "followers": statuses, "workers_after": len(server.roles().workers), "ok": ok,
            "expected": "the query in flight answered with a 4xx or a documented 503; every later query 200; "
                        "the worker replaced"}


def kill_zygote(arguments: Sequence[str], log_dir: Path) -> dict[str, Any]:
    """SIGKILL the process that forks workers: the next request is a 503 and `serve` exits 2, saying why."""
    with start_server(arguments, log_dir, name="kill-zygote") as server:
        zygote = server.roles().zygote
        if zygote is None:
            return {"name": "kill -9 the zygote", "ok": False, "error": "no zygote found under the server"}
        workers = server.roles().workers
        os.kill(zygote, signal.SIGKILL)
        time.sleep(0.3)
        with Client(server.port, source=source_address(0), timeout_s=30) as client:
            reply = client.send(ask(0))
        try:
            code: int | None = server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        said = "the process that starts query workers died" in server.log_text()
        left = [pid for pid in [zygote, *workers] if alive(pid)]
        ok = reply.status == 503 and documented_5xx(reply) and code == 2 and said and not left
        return {"name": "kill -9 the zygote", "request_after": _reply_record(reply), "exit": exit_in_words(code),
                "says_why": said, "left_running": left, "ok": ok,
                "expected": "503 naming the restart; serve exits 2 saying the worker-starting process died; "
                            "no process left"}


def sigterm_in_flight(arguments: Sequence[str], log_dir: Path, *, deadline_s: float) -> dict[str, Any]:
    """SIGTERM while a query runs: the client gets an answer or a closed connection, never a hang; serve stops."""
    with start_server(arguments, log_dir, name="sigterm") as server:
        thread, replies = _in_flight(server, _runaway(), deadline_s=deadline_s)
        time.sleep(0.5)
        sent = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = server.process.wait(timeout=deadline_s + 10)
        except subprocess.TimeoutExpired:
            code = None
        stopped_s = time.monotonic() - sent
        thread.join(deadline_s + 5)
        reply = replies[0] if replies else None
        time.sleep(0.5)
        left = leftovers(server)
        no_hang = reply is not None and reply.outcome in ("answered", "closed")
        bad_status = reply is not None and reply.status is not None and reply.status >= 500 and not documented_5xx(
            reply)
        ok = no_hang and not bad_status and code is not None and not left
        # uvicorn stops gracefully on SIGTERM (the request in flight is finished first); serve then closes its
        # workers and ends itself by the same signal, so that whoever sent it sees the process end by it.
        return {"name": "SIGTERM with a query in flight", "in_flight": _reply_record(reply),
                "exit": exit_in_words(code),
                "seconds_to_exit": round(stopped_s, 2), "left_running": left, "ok": ok,
                "expected": "the client gets an answer or a closed connection (no hang, no undocumented 5xx); "
                            "serve exits; no process left"}


def sigkill_server(arguments: Sequence[str], log_dir: Path, *, timeout_s: float) -> dict[str, Any]:
    """SIGKILL the server itself with a query running: its zygote and workers must not outlive it for long."""
    with start_server(arguments, log_dir, name="sigkill") as server:
        thread, _replies = _in_flight(server, _runaway(), deadline_s=timeout_s + 10)
        time.sleep(0.5)
        family = [pid for pid in [server.roles().zygote, *server.roles().workers] if pid]
        os.kill(server.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        started = time.monotonic()
        gone = wait_for(lambda: not any(alive(pid) for pid in family), timeout_s + 15, every_s=0.1)
        seconds = time.monotonic() - started
        thread.join(timeout_s + 15)
        left = [pid for pid in family if alive(pid)]
        return {"name": "kill -9 the server with a query running", "processes": len(family),
                "seconds_until_all_gone": round(seconds, 2), "left_running": left, "ok": gone,
                "expected": f"zygote and workers exit by themselves (a busy worker at its backstop, the time "
                            f"limit {timeout_s:g} s + 5 s)"}


def _run(command: Sequence[str], *, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    """The command's exit and output; a command still running after `timeout_s` is killed (returncode -9)."""
    try:
        return subprocess.run(list(command), capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return subprocess.CompletedProcess(list(command), -9, "", stderr + f"\n(still running after {timeout_s} s)")


def broken_start(folder: Path) -> list[dict[str, Any]]:
    """`serve` on a file that is not valid Turtle (curated and --data) and on data that breaks the shapes."""
    folder.mkdir(parents=True, exist_ok=True)
    broken = folder / "broken.ttl"
    broken.write_text(BROKEN_TURTLE, encoding="utf-8")
    nonconforming = folder / "nonconforming.ttl"
    nonconforming.write_text(NONCONFORMING_TURTLE, encoding="utf-8")
    results = []
    for name, arguments, accepted in (
            ("serve --data on invalid Turtle", ["--data", str(broken)], (2,)),
            ("serve PATH on invalid Turtle", [str(broken)], (2,)),
            ("serve PATH on data that breaks the shapes", [str(nonconforming)], (1, 2))):
        command = [*kraeftgraf_command(), "serve", "--port", "0", *arguments]
        done = _run(command)
        path = broken if "Turtle" in name else nonconforming
        names_file = str(path) in done.stderr
        served = "serving http" in done.stderr
        results.append({"name": name, "command": shown(command), "exit_code": done.returncode,
                        "names_the_file": names_file, "served": served, "stderr": done.stderr[-600:],
                        "ok": done.returncode in accepted and names_file and not served,
                        "expected": f"exit {' or '.join(map(str, accepted))}, naming {path.name}, serving nothing"})
    return results


def build_over_good_output(folder: Path) -> list[dict[str, Any]]:
    """`build --output X` where X is a good build, with broken inputs: X stays byte for byte, no X.partial."""
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / "kraeftgraf.trig"
    partial = output.with_name(output.name + ".partial")
    first = _run([*kraeftgraf_command(), "build", "--output", str(output)])
    if first.returncode != 0 or not output.is_file():
        return [{"name": "build a good output first", "ok": False, "exit_code": first.returncode,
                 "stderr": first.stderr[-600:]}]
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    broken = folder / "broken.ttl"
    broken.write_text(BROKEN_TURTLE, encoding="utf-8")
    nonconforming = folder / "nonconforming.ttl"
    nonconforming.write_text(NONCONFORMING_TURTLE, encoding="utf-8")
    results = []
    for name, path in (("build over a good output, invalid Turtle in", broken),
                       ("build over a good output, data that breaks the shapes in", nonconforming)):
        command = [*kraeftgraf_command(), "build", "--output", str(output), str(path)]
        done = _run(command)
        unchanged = output.is_file() and hashlib.sha256(output.read_bytes()).hexdigest() == digest
        results.append({"name": name, "command": shown(command), "exit_code": done.returncode,
                        "output_unchanged": unchanged, "partial_left": partial.exists(),
                        "names_the_file": str(path) in done.stderr, "stderr": done.stderr[-400:],
                        "ok": done.returncode != 0 and unchanged and not partial.exists(),
                        "expected": "non-zero exit; the old output byte-identical; no .partial left"})
    return results
