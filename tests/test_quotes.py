"""find-quote: rough words give back the source's own words, which pass the quote check as they stand.

The passages below were picked by reading the seeds; the expected quotes are written from the text, not
from the program's output.
"""

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kraeftgraf.cli.main import main
from kraeftgraf.graph.quotes import IndexedText, word_diff
from kraeftgraf.graph.sources import SourceText, verify_quotes
from kraeftgraf.namespaces import ID, KG

PLAN_DEL_2 = "000_959267de805e99f3.txt"
SJAELLAND = "002_31b870cea9142a86.txt"
NEWSLETTER = "003_1359ecab6ee37e7a.txt"
KB_GUIDANCE = "004_d9e0f8e19aaebdd6.txt"

# (source, rough words as a curator might type them, the passage as the source has it, its first line)
PASSAGES = [
    # ASCII for æ/ø/å, lower case, commas left out
    (PLAN_DEL_2, "regionen sikrer tilgaengelige og effektive tilbud saa patienter med symptomer",
     "Regionen sikrer tilgængelige og effektive tilbud, så patienter med symptomer", 10),
    # "diag-\nnostik." at the end of line 11
    (PLAN_DEL_2, "kan tilbydes hurtig udredning og diagnostik",
     "kan tilbydes hurtig udredning og diagnostik.", 11),
    # Danish letters typed as ASCII; the source has "Sjælland går også ... læge"
    (SJAELLAND, "borgere i region sjaelland gaar ogsaa senere til laege med symptomer end borgere i andre regioner",
     "Borgere i Region Sjælland går også senere til læge med symptomer end borgere i andre regioner.", 11),
    # two words misspelt ("registering", "saerligt")
    (SJAELLAND, "Maalrettet indsats for at sikre korrekt registering med saerligt fokus paa markører",
     "Målrettet indsats for at sikre korrekt registrering med særligt fokus på markører", 114),
    # three words left out ("en del af"), and "næsten" hyphen-free, "opfølg-/ningsforløbet" not asked for
    (KB_GUIDANCE, "naesten hver sjette patient oplevede selv at staa med ansvaret",
     "næsten hver sjette patient oplevede selv at stå med en del af ansvaret", 10),
    # "HPV-" at a line end, a blank line, then "infektion": the hyphen belongs to the word
    (NEWSLETTER, "beskytter de drenge de har sex med mod HPV infektion",
     "beskytter de drenge, de har sex med, mod HPV-infektion", 121),
    # "Udrednings- \nog": a suspended compound keeps its hyphen and space
    (SJAELLAND, "Udrednings og behandlingsforløbet igangsættes inden for en bestemt tidsperiode",
     "Udrednings- og behandlingsforløbet igangsættes inden for en bestemt tidsperiode", 91),
]


def _text(sources_dir: Path, name: str) -> str:
    return (sources_dir / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("source", "words", "expected", "line"), PASSAGES,
                         ids=["folded", "hyphenated-line-end", "danish-letters", "misspelt", "words-missing",
                              "hyphen-kept", "suspended-compound"])
def test_rough_words_find_the_passage_as_the_source_has_it(
    source: str, words: str, expected: str, line: int, sources_dir: Path
) -> None:
    search = IndexedText(_text(sources_dir, source)).find(words)
    assert search.sure
    best = search.passages[0]
    assert (best.quote, best.first_line) == (expected, line)


@pytest.mark.parametrize(("source", "words", "expected", "line"), PASSAGES)
def test_the_passage_found_passes_the_projects_quote_check(
    source: str, words: str, expected: str, line: int, sources_dir: Path
) -> None:
    quote = IndexedText(_text(sources_dir, source)).find(words).passages[0].quote
    assert SourceText(_text(sources_dir, source)).contains(quote)
    graph = Graph()
    document, evidence = ID["document-test"], ID["evidence-test"]
    graph.add((document, KG.sourceFile, Literal(source)))
    graph.add((evidence, KG.inDocument, document))
    graph.add((evidence, KG.quote, Literal(quote, lang="da")))
    graph.add((URIRef(ID["recommendation-test"]), KG.hasEvidence, evidence))
    assert verify_quotes(graph, sources_dir) == []


def test_the_same_words_in_two_places_are_one_sure_quote_with_both_lines(sources_dir: Path) -> None:
    text = _text(sources_dir, SJAELLAND)
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if "Der igangsættes følgende initiativ:" in line]
    assert len(lines) == 2
    search = IndexedText(text).find("der igangsaettes foelgende initiativ")
    assert search.sure
    same = [p for p in search.passages if p.quote == "Der igangsættes følgende initiativ:"]
    assert [p.first_line for p in same] == lines


def test_words_that_fit_two_passages_alike_give_both_as_candidates(sources_dir: Path) -> None:
    # Lines 10 and 14: "næsten hver sjette patient" and "Næsten hver fjerde patient".
    search = IndexedText(_text(sources_dir, KB_GUIDANCE)).find("naesten hver patient")
    assert not search.sure
    assert [(p.quote, p.first_line) for p in search.passages[:2]] == [
        ("næsten hver sjette patient", 10), ("Næsten hver fjerde patient", 14)]


def test_words_found_nowhere_give_no_passage(sources_dir: Path) -> None:
    assert IndexedText(_text(sources_dir, PLAN_DEL_2)).find("xyzzy plugh frobnicate").passages == []


def test_a_passage_with_a_pdf_glyph_says_so() -> None:
    # 000, Anbefaling B: the bullets are U+F0B7 glyphs from the PDF.
    text = "hjælp til: \n\n\uf0b7 at forebygge risikoen for kræft\n\uf0b7 at diagnosticere kræftdiagnosen i tide\n"
    passage = IndexedText(text).find("forebygge risikoen for kraeft at diagnosticere").passages[0]
    assert "\uf0b7" in passage.quote
    assert any("U+F0B7" in warning for warning in passage.warnings)


def test_word_diff_marks_words_only_in_the_quote_and_words_only_in_the_passage() -> None:
    assert word_diff("korrekt registering med fokus", "korrekt registrering med særligt fokus") == (
        "korrekt [-registering-] {+registrering+} med {+særligt+} fokus")


def test_find_quote_prints_the_line_and_a_kg_quote_to_paste_that_passes_the_check(
    sources_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = sources_dir / PLAN_DEL_2
    assert main(["find-quote", str(source), "kan tilbydes hurtig udredning og diagnostik"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{PLAN_DEL_2}:11-12: score 1.00\n")
    pasted = out.splitlines()[1].strip().removeprefix("kg:quote ")
    literal = next(Graph().parse(data=f"<urn:e> <urn:q> {pasted} .", format="turtle").objects())
    assert literal == Literal("kan tilbydes hurtig udredning og diagnostik.", lang="da")
    assert SourceText(source.read_text(encoding="utf-8")).contains(str(literal))


def test_find_quote_lists_candidates_when_not_sure(sources_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["find-quote", str(sources_dir / KB_GUIDANCE), "naesten", "hver", "patient"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Not sure which passage is meant")
    assert f"{KB_GUIDANCE}:10: " in out and f"{KB_GUIDANCE}:14: " in out


def test_find_quote_exits_1_when_nothing_is_close_and_2_without_the_source(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["find-quote", str(sources_dir / PLAN_DEL_2), "xyzzy plugh frobnicate"]) == 1
    assert "nothing in" in capsys.readouterr().err
    assert main(["find-quote", str(tmp_path / "nowhere.txt"), "regionen"]) == 2
    assert "nowhere.txt: no such file" in capsys.readouterr().err
