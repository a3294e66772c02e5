"""Quotes are checked against the source texts, normalising white space and line-end hyphenation only."""

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kraeftgraf import resources
from kraeftgraf.cli.main import main
from kraeftgraf.errors import SourcesDirectoryError
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.graph.sources import SourceText, verify_quotes

REFERENCE = [str(p) for p in resources.data_files() if p.name.startswith("reference-")]
SJAELLAND_FILE = next(p for p in resources.data_files() if p.name == "region-sjaelland-8-punktsplan-2021.ttl")
SJAELLAND_SOURCE = "002_31b870cea9142a86.txt"
# A quote in the Region Sjælland file, as 002 has it on line 114 (read there).
RIGHT = "Målrettet indsats for at sikre korrekt registrering med særligt fokus på markører i kræftpakkeforløbene."
WRONG = RIGHT.replace("registrering", "registering")


def test_a_word_hyphenated_across_a_line_end_matches_joined_or_with_hyphen() -> None:
    # 000: "hurtig udredning og diag-\nnostik."
    text = SourceText("kan tilbydes hurtig udredning og diag-\nnostik. \n")
    assert text.contains("hurtig udredning og diagnostik.")
    assert text.contains("hurtig udredning og diag-nostik.")


def test_white_space_and_line_breaks_are_collapsed() -> None:
    text = SourceText("Regionen sikrer   tilgængelige\n\tog effektive tilbud")
    assert text.contains("Regionen sikrer tilgængelige og effektive tilbud")


def test_other_differences_are_not_forgiven() -> None:
    text = SourceText("Regionen sikrer tilgængelige og effektive tilbud")
    assert not text.contains("Regionen sikrer tilgaengelige og effektive tilbud")
    assert not text.contains("regionen sikrer tilgængelige")


def test_every_quote_in_the_curated_data_is_in_its_source(built: BuiltDataset, sources_dir: Path) -> None:
    failures = verify_quotes(built.dataset, sources_dir)
    assert [(f.source_file, f.resource, f.quote) for f in failures] == []


def test_a_quote_not_in_the_source_is_reported_with_resource_and_file(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("Regionen sikrer tilgængelige og effektive tilbud.")
    graph = Graph().parse(format="turtle", data="""
        @prefix kg: <https://w3id.org/kraeftgraf/vocab#> . @prefix id: <https://w3id.org/kraeftgraf/id/> .
        id:document-test kg:sourceFile "doc.txt" .
        id:recommendation-test kg:hasEvidence [ kg:inDocument id:document-test ; kg:quote "Regionen lover alt."@da ] .
        id:recommendation-ok kg:hasEvidence [ kg:inDocument id:document-test ; kg:quote "effektive tilbud"@da ] .
    """)
    failures = verify_quotes(graph, tmp_path)
    assert [(f.resource, f.source_file, f.reason) for f in failures] == [
        ("id:recommendation-test", "doc.txt", "quote not found in the source text doc.txt")]


def test_a_missing_sources_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesDirectoryError, match="--sources"):
        verify_quotes(Graph(), tmp_path / "nowhere")


def test_a_suspended_compound_at_a_line_end_keeps_its_hyphen_and_space() -> None:
    # 002: "skal Udrednings- \nog behandlingsforløbet igangsættes"
    text = SourceText("skal Udrednings- \nog behandlingsforløbet igangsættes")
    assert text.contains("skal Udrednings- og behandlingsforløbet igangsættes")


def _copy_with_one_word_altered(tmp_path: Path) -> tuple[Path, int, str]:
    """A copy of the Sjælland file under data/ttl with one word of one quote misspelt; its line and resource."""
    text = SJAELLAND_FILE.read_text(encoding="utf-8")
    assert text.count(f'kg:quote "{RIGHT}"@da') == 1
    copy = tmp_path / "data" / "ttl" / SJAELLAND_FILE.name
    copy.parent.mkdir(parents=True)
    copy.write_text(text.replace(f'kg:quote "{RIGHT}"', f'kg:quote "{WRONG}"'), encoding="utf-8")
    lines = copy.read_text(encoding="utf-8").splitlines()
    line = next(n for n, written in enumerate(lines, start=1) if WRONG in written)
    resource = next(written.split()[0] for written in reversed(lines[:line]) if written.startswith("id:"))
    return copy, line, resource


def _source_line(sources_dir: Path, words: str) -> int:
    lines = (sources_dir / SJAELLAND_SOURCE).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if words in line)


def test_a_failing_quote_names_the_data_file_and_line_the_nearest_passage_and_the_word_that_differs(
    sources_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy, line, resource = _copy_with_one_word_altered(tmp_path)
    monkeypatch.chdir(tmp_path)
    relative = f"data/ttl/{copy.name}"
    assert main(["verify-sources", "--sources", str(sources_dir), *REFERENCE, relative]) == 1
    out = capsys.readouterr().out
    assert f"{relative}:{line}: {resource}: quote not found in the source text {SJAELLAND_SOURCE}\n" in out
    passage_line = _source_line(sources_dir, "Målrettet indsats for at sikre korrekt registrering")
    assert f'    nearest: {SJAELLAND_SOURCE}:{passage_line}: "{RIGHT}"\n' in out
    assert "korrekt [-registering-] {+registrering+} med" in out
    files = [*map(Path, REFERENCE), copy]
    quotes = sum(path.read_text(encoding="utf-8").count("kg:quote ") for path in files)
    assert f"{quotes - 1} of {quotes} quotes in the {len(files)} files found in their source" in out


def test_a_failing_quote_in_json_carries_file_line_passage_and_diff(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy, line, resource = _copy_with_one_word_altered(tmp_path)
    assert main(["verify-sources", "--format", "json", "--sources", str(sources_dir), *REFERENCE, str(copy)]) == 1
    [failure] = json.loads(capsys.readouterr().out)
    assert (failure["data_file"], failure["line"], failure["resource"]) == (str(copy), line, resource)
    assert failure["passage"] == RIGHT
    assert failure["passage_line"] == _source_line(sources_dir, "Målrettet indsats for at sikre korrekt registrering")
    assert failure["diff"] == WRONG.replace("registering", "[-registering-] {+registrering+}")
