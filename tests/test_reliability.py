"""A bounded run of the reliability harness (reliability/) against real `kraeftgraf serve` processes: a few thousand
fuzzed requests from a fixed seed, properties over generated queries and saved-query parameters, and each worker
fault once. The full run, `python -m reliability.run`, writes RELIABILITY.md."""

import os
import random
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliability import faults, processes
from reliability.checks import failures, leaks
from reliability.client import Client, RawRequest, source_address
from reliability.fuzz import FuzzPlan, Tally, run_fuzz
from reliability.generate import HOSTILE_IRIS, HOSTILE_NUMBERS, HOSTILE_TEXT, POSITIONS, in_position, request
from reliability.processes import children_listed
from reliability.queries import KEYWORDS, valid_query
from reliability.server import Server, start_server
from reliability.vocabulary import Vocabulary, load_vocabulary

SEED = 20261204  # the harness's default seed
REQUESTS = 2500
TIMEOUT = 3.0
DEADLINE = TIMEOUT + 10.0  # an answer later than this is a hang
ARGUMENTS = ["--timeout", f"{TIMEOUT:g}", "--log-level", "warning"]
PROPERTY_SETTINGS = settings(max_examples=120, derandomize=True, deadline=None, database=None)
needs_children = pytest.mark.skipif(not children_listed(), reason="this kernel does not list a process's children "
                                                                  "in /proc (CONFIG_PROC_CHILDREN)")
VOCABULARY = load_vocabulary()
SAVED = {query.name: query for query in VOCABULARY.saved}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kraeftgraf serve` on the embedded data, with a short time limit."""
    with start_server(ARGUMENTS, tmp_path_factory.mktemp("reliability")) as served:
        yield served


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Client]:
    with Client(server.port, source=source_address(50), timeout_s=DEADLINE) as connection:
        yield connection


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return VOCABULARY


def shown(tally: Tally) -> str:
    return "\n\n".join(f"{e.kind} (request {e.index}): {e.status}\n{e.request}\n=> {e.body[:300]}"
                       for e in tally.examples)


def assert_good(sent: RawRequest, client: Client) -> None:
    reply = client.send(sent)
    found = failures(sent, reply, deadline_s=DEADLINE)
    assert not found, f"{found}: {sent.describe()}\n=> {reply.status} {reply.text()[:300]} {leaks(sent, reply)}"


def test_the_same_seed_and_number_give_the_same_request(vocabulary: Vocabulary) -> None:
    first = [request(SEED, n, vocabulary) for n in range(300)]
    assert first == [request(SEED, n, vocabulary) for n in range(300)]
    assert first != [request(SEED + 1, n, vocabulary) for n in range(300)]
    families = {sent.family.split(":")[0] for sent in first}
    assert families == {"query", "saved", "path", "framing"}


def test_queries_built_from_the_ontology_are_valid_sparql(client: Client, vocabulary: Vocabulary) -> None:
    rng = random.Random(SEED)
    for _ in range(40):
        query = valid_query(rng, vocabulary)
        reply = client.send(RawRequest("POST", b"/sparql", ((b"Content-Type", b"application/sparql-query"),
                                                            (b"Accept", b"*/*")), query.encode()))
        assert reply.status != 400, f"{query}\n=> {reply.text()[:300]}"


def test_fuzzed_requests_get_no_undocumented_5xx_no_exception_or_path_and_no_hang(
        server: Server, vocabulary: Vocabulary) -> None:
    tally = run_fuzz(server.port, FuzzPlan(requests=REQUESTS, seed=SEED, clients=4, deadline_s=DEADLINE), vocabulary)
    assert tally.sent == REQUESTS
    assert not tally.failures, shown(tally)
    assert server.process.poll() is None, server.log_text()[-2000:]
    assert "Exception in ASGI application" not in server.log_text()


@PROPERTY_SETTINGS
@given(name=st.sampled_from(sorted(SAVED)), data=st.data())
def test_a_saved_query_never_answers_500_nor_names_an_exception_whatever_its_parameters(
        client: Client, name: str, data: st.DataObject) -> None:
    declared = [param.name for param in SAVED[name].params]
    keys = st.sampled_from([*declared, "x", "query", ""])
    values = st.one_of(st.text(max_size=60), st.sampled_from([*HOSTILE_TEXT, *HOSTILE_IRIS, *HOSTILE_NUMBERS]),
                       st.sampled_from([c for p in SAVED[name].params for c in p.choices] or ["x"]))
    items = data.draw(st.lists(st.tuples(keys, values), max_size=4))
    query_string = urllib.parse.urlencode(items, encoding="utf-8", errors="surrogatepass")
    assert_good(RawRequest("GET", f"/api/queries/{name}?{query_string}".encode()), client)


SPARQL_PIECES = st.one_of(st.sampled_from(KEYWORDS), st.sampled_from([*VOCABULARY.classes, *VOCABULARY.instances]),
                          st.sampled_from(["?s", "?p", "?o", "SELECT *", "WHERE {", "ASK {", "} LIMIT 5", "1", '"x"']),
                          st.text(max_size=8))


@PROPERTY_SETTINGS
@given(pieces=st.lists(SPARQL_PIECES, max_size=25), position=st.sampled_from(POSITIONS))
def test_any_text_as_a_query_never_answers_500_nor_names_an_exception(
        client: Client, pieces: list[str], position: str) -> None:
    assert_good(in_position(" ".join(pieces).encode("utf-8", "surrogatepass"), position), client)


@needs_children
def test_an_idle_worker_killed_costs_no_query_an_answer(server: Server) -> None:
    seen = faults.kill_idle_worker(server)
    assert seen["ok"], str(seen)


@needs_children
def test_idle_workers_killed_are_replaced_before_the_next_query_runs(server: Server) -> None:
    seen = faults.kill_every_idle_worker(server)
    assert seen["ok"], str(seen)


@needs_children
def test_a_busy_worker_killed_answers_its_query_with_a_4xx_and_the_next_ones_with_200(server: Server) -> None:
    seen = faults.kill_busy_worker(server, deadline_s=DEADLINE)
    assert seen["ok"], str(seen)
    assert 400 <= seen["in_flight"]["status"] < 500


def test_sigterm_with_a_query_in_flight_stops_the_server_and_the_client_does_not_hang(tmp_path: Path) -> None:
    seen = faults.sigterm_in_flight(ARGUMENTS, tmp_path, deadline_s=DEADLINE)
    assert seen["ok"], str(seen)


@pytest.mark.parametrize("listed", [True, False] if children_listed() else [False])
def test_a_processs_children_are_found_zombies_too_whether_or_not_the_kernel_lists_them(
        listed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processes, "children_listed", lambda: listed)
    living = subprocess.Popen(["sleep", "30"])
    zombie = subprocess.Popen(["true"])
    try:
        while processes.alive(zombie.pid):  # ended, not yet reaped
            time.sleep(0.01)
        assert {living.pid, zombie.pid} <= set(processes.children(os.getpid()))
        assert living.pid not in processes.children(zombie.pid)
    finally:
        living.kill()
        living.wait()
        zombie.wait()
    assert not {living.pid, zombie.pid} & set(processes.children(os.getpid()))
