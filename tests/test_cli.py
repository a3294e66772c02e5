"""The command line: exit 0 all good, 1 data does not conform, 2 could not run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset

from kraeftgraf import resources
from kraeftgraf.cli.main import main
from kraeftgraf.engines.disk_store import store_version, write_store
from kraeftgraf.graph.build_cache import content_version
from kraeftgraf.namespaces import ID, KG

from .conftest import TESTS, subject_line

REFERENCE = [str(p) for p in resources.data_files() if p.name.startswith("reference-")]
BROKEN = str(TESTS / "broken" / "provenance-initiative-without-evidence.ttl")
BROKEN_AT = f"{BROKEN}:{subject_line(Path(BROKEN), 'id:test-initiative')}"  # where the initiative without evidence is


def test_validate_exits_0_when_the_data_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--alone", *REFERENCE]) == 0
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict.startswith("kraeftgraf validate: ") and verdict.endswith(" conform.")


def test_validate_exits_1_and_names_file_thing_and_fix_when_data_does_not_conform(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--alone", *REFERENCE, BROKEN]) == 1
    out = capsys.readouterr().out
    assert f"{BROKEN_AT}: Violation: id:test-initiative kg:hasEvidence" in out
    assert "add kg:hasEvidence" in out


def test_validate_speaks_danish_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--alone", "--lang", "da", *REFERENCE, BROKEN]) == 1
    assert "Faktummet mangler kildebelæg" in capsys.readouterr().out


def test_validate_json_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--alone", "--format", "json", *REFERENCE, BROKEN]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is False
    assert {(r["source_file"], r["line"]) for r in report["results"]} == {
        (BROKEN, subject_line(Path(BROKEN), "id:test-initiative"))}
    assert all({"focus_node", "path", "messages", "severity"} <= set(r) for r in report["results"])
    assert sorted(report["checked"]["files"]) == sorted([*REFERENCE, BROKEN])  # in path order, wherever installed


def test_validate_exits_2_on_invalid_turtle_naming_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(TESTS / "data" / "invalid-syntax.ttl")
    assert main(["validate", "--alone", *REFERENCE, path]) == 2
    err = capsys.readouterr().err
    assert path in err and "line 9" in err
    assert "Traceback" not in err


LONG_FILE = next(p for p in resources.data_files() if p.name == "region-hovedstaden-opfoelgning-kraeftplan.ttl")
LONG_FILE_LINES = LONG_FILE.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.mark.parametrize("line", [23, 202, 653, len(LONG_FILE_LINES), len(LONG_FILE_LINES) + 1])
def test_validate_names_the_line_where_invalid_turtle_was_written_in_a_long_file(
    line: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tester's broken line 653 was reported on line 695: rdflib's own line count drifts through the file.
    path = tmp_path / LONG_FILE.name
    text = [*LONG_FILE_LINES[:line - 1], "this is not turtle .\n", *LONG_FILE_LINES[line - 1:]]
    path.write_text("".join(text), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: line {line}, column 1: invalid RDF syntax at 'this is not turtle .'" in err


def test_a_semicolon_missing_at_a_line_end_is_reported_where_the_parser_meets_the_next_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tester's case: the `;` at the end of a line near line 422 removed.
    edited = next(n for n in range(422, len(LONG_FILE_LINES)) if LONG_FILE_LINES[n - 1].rstrip().endswith(" ;"))
    following = next(n for n in range(edited + 1, len(LONG_FILE_LINES)) if LONG_FILE_LINES[n - 1].strip())
    lines = list(LONG_FILE_LINES)
    lines[edited - 1] = lines[edited - 1].rstrip().removesuffix(" ;") + "\n"
    path = tmp_path / LONG_FILE.name
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    column = len(LONG_FILE_LINES[following - 1]) - len(LONG_FILE_LINES[following - 1].lstrip()) + 1
    assert f"{path}: line {following}, column {column}: invalid RDF syntax" in err


def test_a_string_never_closed_is_reported_on_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The tester's case: an unclosed string at line 300.
    lines = list(LONG_FILE_LINES)
    lines[299] = '    kg:text "Regionen tester en streng, der aldrig lukkes@da ;\n'
    path = tmp_path / LONG_FILE.name
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert f"{path}: line 300, column " in capsys.readouterr().err


def test_build_writes_the_inferred_dataset_with_its_named_graphs(tmp_path: Path) -> None:
    output = tmp_path / "out" / "kraeftgraf.trig"
    assert main(["build", "--output", str(output), *REFERENCE]) == 0
    dataset = Dataset()
    dataset.parse(output, format="trig")
    names = {g.identifier for g in dataset.graphs()}
    assert {ID["graph-inferred"], ID["graph-reference-organisations"], ID["graph-kraeftgraf"]} <= names
    # The quotes' places in their source texts, computed, in a graph of their own beside the source texts' manifest.
    assert {ID["graph-locations"], ID["graph-sources"]} <= names
    quotes = {s for s, _, _, _ in dataset.quads((None, KG.quote, None, None))}
    assert quotes and quotes == set(dataset.graph(ID["graph-locations"]).subjects(KG.startLine, None))


def test_build_refuses_to_write_anything_when_validation_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "kraeftgraf.trig"
    output.write_text("previous build\n")
    assert main(["build", "--output", str(output), *REFERENCE, BROKEN]) == 1
    assert output.read_text() == "previous build\n"
    assert not list(tmp_path.glob("*.partial"))
    assert "nothing was written" in capsys.readouterr().err


def _kraeftgraf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, run in `cwd` with its build cache there too; a minute at most."""
    command = [str(Path(sys.executable).with_name("kraeftgraf")), *args]
    env = {**os.environ, "KRAEFTGRAF_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False)


def _names_the_violation(output: str) -> bool:
    return f"{BROKEN_AT}: Violation: id:test-initiative kg:hasEvidence\n    The fact has no evidence" in output


def test_build_of_data_that_violates_a_shape_prints_the_violations_exits_1_and_writes_nothing(
    tmp_path: Path,
) -> None:
    done = _kraeftgraf("build", "--output", "tmp/x.trig", "--store", "tmp/store", *REFERENCE, BROKEN, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert _names_the_violation(done.stderr)
    assert list(tmp_path.iterdir()) == []


def test_serve_of_data_that_violates_a_shape_prints_the_violations_and_exits_1_before_it_listens(
    tmp_path: Path,
) -> None:
    done = _kraeftgraf("serve", "--port", "0", *REFERENCE, BROKEN, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert _names_the_violation(done.stderr)
    assert "serving http" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_build_with_only_a_store_writes_the_store_and_no_trig_file(tmp_path: Path) -> None:
    done = _kraeftgraf("build", "--store", "tmp/store", *REFERENCE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "dist").exists()
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*")] == ["tmp/store"]
    assert store_version(tmp_path / "tmp" / "store")


@pytest.mark.parametrize(("options", "written"), [
    ([], ["dist/kraeftgraf.trig"]),
    (["--output", "out/x.trig"], ["out/x.trig"]),
    (["--store", "out/store"], ["out/store"]),
    (["--output", "out/x.trig", "--store", "out/store"], ["out/store", "out/x.trig"]),
], ids=["default", "output", "store", "both"])
def test_build_writes_what_was_asked_and_nothing_else(
    options: list[str], written: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build", *options, *REFERENCE]) == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*")) == written


@pytest.mark.parametrize("option", ["--output", "--store"])
def test_a_build_that_fails_while_writing_leaves_what_was_there_and_no_partial_file(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    previous = tmp_path / "previous.ttl"
    previous.write_text("<urn:a> <urn:p> <urn:b> .\n", encoding="utf-8")
    target = tmp_path / "out" / "target"
    if option == "--output":
        target.parent.mkdir()
        target.write_text("previous build\n", encoding="utf-8")
    else:
        write_store([previous], target)

    def run_out_of_space(self: Dataset, destination: Path, **_: object) -> None:
        Path(destination).write_text("half a file", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Dataset, "serialize", run_out_of_space)
    with pytest.raises(OSError, match="No space left"):
        main(["build", option, str(target), *REFERENCE])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "previous.ttl"]
    assert [p.name for p in target.parent.iterdir()] == ["target"]
    if option == "--output":
        assert target.read_text(encoding="utf-8") == "previous build\n"
    else:
        assert store_version(target) == content_version([previous])


def test_stats_counts_recommendations_per_source_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    # 000 lists Anbefaling 1-10 under three tracks and Anbefaling A-E under "Tværgående temaer".
    plan = stats["per_document"]["id:document-hovedstaden-kraeftplan-del-2-anbefalinger"]
    assert plan["kg:Recommendation"] == 15
    # The five Danish regions, each once.
    assert stats["totals"]["kg:Region"] == 5


def test_verify_sources_exits_1_and_lists_a_quote_not_in_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "doc.txt").write_text("Regionen sikrer tilgængelige og effektive tilbud.")
    data = tmp_path / "data.ttl"
    data.write_text("""@prefix kg: <https://w3id.org/kraeftgraf/vocab#> .
        @prefix id: <https://w3id.org/kraeftgraf/id/> .
        id:document-test kg:sourceFile "doc.txt" .
        id:recommendation-test kg:hasEvidence [ kg:inDocument id:document-test ; kg:quote "Regionen lover alt."@da ] .
    """)
    assert main(["verify-sources", "--sources", str(tmp_path), str(data)]) == 1
    out = capsys.readouterr().out
    line = next(n for n, text in enumerate(data.read_text().splitlines(), 1) if "Regionen lover alt." in text)
    assert f"{data}:{line}: id:recommendation-test: quote not found in the source text doc.txt" in out
    assert f"0 of 1 quotes in {data}" in out


def test_verify_sources_exits_2_when_the_folder_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify-sources", "--sources", str(tmp_path / "nowhere"), *REFERENCE]) == 2
    assert "--sources DIR" in capsys.readouterr().err


def test_the_installed_command_and_python_m_both_answer_help() -> None:
    for command in (["kraeftgraf", "--help"], [sys.executable, "-m", "kraeftgraf", "--help"]):
        if command[0] == "kraeftgraf":
            command[0] = str(Path(sys.executable).with_name("kraeftgraf"))
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0
        assert "validate" in done.stdout and "verify-sources" in done.stdout
