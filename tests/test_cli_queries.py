"""`kraeftgraf queries`, `kraeftgraf query NAME` and `kraeftgraf sparql FILE|-` on the command line."""

import csv
import io
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import kraeftgraf.api
from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.cli.main import EXIT_ERROR, EXIT_OK, main


@pytest.fixture(autouse=True)
def built_once(knowledge_graph: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands open the graph through kraeftgraf.api.open; reuse the session's instead of building again."""
    monkeypatch.setattr(kraeftgraf.api, "open", lambda paths=None, **_: knowledge_graph)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_queries_lists_every_query_with_its_summary_and_parameters(
        capsys: pytest.CaptureFixture[str], knowledge_graph: KnowledgeGraph) -> None:
    code, out, _ = run(capsys, "queries")
    assert code == EXIT_OK
    for q in knowledge_graph.saved_queries():
        assert f"{q.name}\n    {q.summary.en}" in out
    assert "--param theme=...  the IRI of a kg:Theme" in out


def test_queries_in_danish_and_as_json(capsys: pytest.CaptureFixture[str], knowledge_graph: KnowledgeGraph) -> None:
    _, out, _ = run(capsys, "queries", "--lang", "da")
    assert knowledge_graph.queries["amounts"].summary.da in out
    _, out, _ = run(capsys, "queries", "--format", "json")
    listed = json.loads(out)
    assert [q["name"] for q in listed] == list(knowledge_graph.queries)


def test_query_prints_a_table_that_fits_the_terminal(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _ = run(capsys, "query", "plan-items-by-theme")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith("item ")
    assert all(len(line) <= 100 for line in lines)
    # 000 "Anbefaling 5", 001 "Anbefaling 6" (the same one), 002 point 7 (its two quotes in one row: one row per item
    # and document). Only 000 marks its pages ("Side 1 af 4", line 2): Anbefaling 5 is on page 2, after the page gap
    # at lines 24-26 ("Spor 2", line 27).
    # Each quote begins with its lines; the columns that say them, and the viewer's address, are left out of the
    # table (three more would leave the answer no width) and say where they are.
    assert lines[-1] == "(3 rows; startLine, endLine, sourceLink left out: see --format csv)"
    assert " page " in lines[0] and "startLine" not in lines[0] and "sourceLink" not in lines[0]
    # 002 point 7's two quotes stand on lines 42-44 ("7.\t� Senfølger og palliation på kræftområdet skal have
    # særligt " / "" / "fokus") and 443-444 (" Senfølger og palliation skal " / "have særligt fokus").
    code, out, _ = run(capsys, "query", "plan-items-by-theme", "--format", "csv", "--max-cell", "0")
    assert code == EXIT_OK
    assert "source/document-sjaelland-8-punktsplan#L42-L44 | source/document-sjaelland-8-punktsplan#L443-L444" in out
    monkeypatch.setenv("COLUMNS", "1000")
    _, out, _ = run(capsys, "query", "plan-items-by-theme", "--max-cell", "0")
    assert ("L42-L44: Senfølger og palliation på kræftområdet skal have særligt fokus | "
            "L443-L444: Senfølger og palliation skal have særligt fokus") in out


def test_long_cells_are_cut_with_an_ellipsis(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    _, out, _ = run(capsys, "query", "defined-terms", "--max-cell", "30")
    assert "…" in out
    assert "Den patientansvarlige læge er den læge, der er udpeget" not in out


def test_query_with_a_parameter_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "plan-items-by-theme", "--param", "theme=id:theme-palliation", "-f", "csv")
    assert code == EXIT_OK
    items = {row["item"] for row in csv.DictReader(io.StringIO(out))}
    # 000: "Spor 3: Palliation (lindring)" holds Anbefaling 7-10.
    assert {f"https://w3id.org/kraeftgraf/id/recommendation-hovedstaden-del-2-{n}" for n in (7, 8, 9, 10)} <= items


@pytest.mark.parametrize(("fmt", "check"), [
    ("json", lambda out: json.loads(out)["head"]["vars"][:2] == ["number", "item"]),
    ("tsv", lambda out: out.startswith("?number\t?item\t")),
    ("md", lambda out: out.startswith("| number | item |")),
    ("plain-json", lambda out: json.loads(out)[0]["number"] == "1"),
    ("xml", lambda out: "<sparql" in out),
])
def test_query_result_formats(capsys: pytest.CaptureFixture[str], fmt: str, check: object) -> None:
    code, out, _ = run(capsys, "query", "plan-items", "--format", fmt)
    assert code == EXIT_OK
    assert callable(check) and check(out)


def test_bad_parameter_value_exits_2_naming_the_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "initiatives-in-year", "--param", "year=next year")
    assert code == EXIT_ERROR
    assert "Parameter 'year'" in err and "a year" in err


def test_parameter_without_a_value_exits_2_showing_the_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "plan-items", "--param", "plan")
    assert code == EXIT_ERROR
    assert "--param key=value" in err


def test_unknown_query_exits_2_and_suggests_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "late-effect-clinics")
    assert code == EXIT_ERROR
    assert "Did you mean 'late-effects-clinics'" in err


def test_sparql_from_standard_input_with_predeclared_prefixes(capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT ?point WHERE { ?point a kg:PlanPoint } ORDER BY ?point"))
    code, out, _ = run(capsys, "sparql", "-")
    assert code == EXIT_OK
    assert out.splitlines()[-1] == "(8 rows)"  # 002: "De 8 punkter"


def test_sparql_construct_from_a_file_is_written_as_turtle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    query = tmp_path / "points.rq"
    query.write_text("CONSTRUCT { ?p a kg:PlanPoint } WHERE { ?p a kg:PlanPoint }", encoding="utf-8")
    code, out, _ = run(capsys, "sparql", str(query))
    assert code == EXIT_OK
    assert "point-sjaelland-8-punktsplan-8" in out
    code, _, err = run(capsys, "sparql", str(query), "--format", "csv")
    assert code == EXIT_ERROR and "turtle" in err


def test_sparql_that_does_not_parse_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    query = tmp_path / "broken.rq"
    query.write_text("SELECT ?x WHERE { ?x ", encoding="utf-8")
    code, _, err = run(capsys, "sparql", str(query))
    assert code == EXIT_ERROR
    assert f"{query}: not valid SPARQL" in err
    assert "(line 1, column" in err  # the user's line, not shifted by the predeclared prefixes


def test_sparql_file_that_does_not_exist_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "sparql", str(tmp_path / "missing.rq"))
    assert code == EXIT_ERROR
    assert "cannot read the query" in err


def _installed_cli(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kraeftgraf", *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_query_runs_in_a_fresh_process_on_the_embedded_data() -> None:
    done = _installed_cli(["query", "numbering-across-documents", "--format", "csv"])
    assert done.returncode == EXIT_OK, done.stderr
    numbers = {(row["numberInPlan"], row["numberInDocument"]) for row in csv.DictReader(io.StringIO(done.stdout))}
    # 001: "Anbefaling 5: Regionen indgår i et samarbejde med kommuner og almen praksis" is the plan's 6, and its
    # "Anbefaling 6" (senfølger) is the plan's 5.
    assert {("5", "6"), ("6", "5")} <= numbers
