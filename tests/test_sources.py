"""Quotes are checked against the source texts, normalising white space and line-end hyphenation only."""

from pathlib import Path

import pytest
from rdflib import Graph

from kraeftgraf.errors import SourcesDirectoryError
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.graph.sources import SourceText, verify_quotes


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
        ("id:recommendation-test", "doc.txt", "quote not found in the source text")]


def test_a_missing_sources_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourcesDirectoryError, match="--sources"):
        verify_quotes(Graph(), tmp_path / "nowhere")


def test_a_suspended_compound_at_a_line_end_keeps_its_hyphen_and_space() -> None:
    # 002: "skal Udrednings- \nog behandlingsforløbet igangsættes"
    text = SourceText("skal Udrednings- \nog behandlingsforløbet igangsættes")
    assert text.contains("skal Udrednings- og behandlingsforløbet igangsættes")
