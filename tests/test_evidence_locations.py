"""Every quote is located in its shipped source text when the dataset is built, in W3C Web Annotation terms.

The page numbers below were read in the source texts themselves (the line is quoted in each test's comment).
"""

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from kraeftgraf import resources
from kraeftgraf.errors import QuotesNotLocatedError, SourceTextChangedError
from kraeftgraf.graph.pages import Pages
from kraeftgraf.graph.pipeline import BuiltDataset, build
from kraeftgraf.graph.source_text import SourceText, Span, normalise
from kraeftgraf.namespaces import KG, OA

from .conftest import SEEDS

SOURCES = resources.sources_dir()
REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]
PLAN_DEL_2 = "000_959267de805e99f3.txt"
FOLLOW_UP = "001_1a32248d27a47157.txt"
SJAELLAND = "002_31b870cea9142a86.txt"


@dataclass(frozen=True)
class Located:
    """One evidence node's quote and what the build computed for it."""

    quote: str
    source_file: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    start_line: int
    end_line: int
    page: int | None


def _located(built: BuiltDataset) -> list[Located]:
    graph = built.dataset
    found = []
    for evidence, quote in graph.subject_objects(KG.quote):
        selectors = list(graph.objects(evidence, OA.hasSelector))
        [by_quote] = [s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph]
        [by_position] = [s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph]
        document = graph.value(evidence, KG.inDocument)
        page = graph.value(evidence, KG.page)
        found.append(Located(
            quote=str(quote), source_file=str(graph.value(document, KG.sourceFile)),
            start=int(str(graph.value(by_position, OA.start))), end=int(str(graph.value(by_position, OA.end))),
            exact=str(graph.value(by_quote, OA.exact)), prefix=str(graph.value(by_quote, OA.prefix) or ""),
            suffix=str(graph.value(by_quote, OA.suffix) or ""),
            start_line=int(str(graph.value(evidence, KG.startLine))),
            end_line=int(str(graph.value(evidence, KG.endLine))),
            page=int(str(page)) if page is not None else None))
    return found


@pytest.fixture(scope="module")
def located(built: BuiltDataset) -> list[Located]:
    return _located(built)


def _text(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


def _at(located: list[Located], source_file: str, quote_start: str) -> Located:
    [found] = [item for item in located if item.source_file == source_file and item.quote.startswith(quote_start)]
    return found


# 1. The shipped texts: the seeds byte for byte, with the checksums their manifest gives.

def test_the_shipped_source_texts_are_the_seeds_byte_for_byte() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not found: the shipped texts cannot be compared with the seeds here (CI has them)")
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(p.name for p in SOURCES.glob("*.txt")) == seeds and len(seeds) == 5
    for name in seeds:
        assert (SOURCES / name).read_bytes() == (SEEDS / name).read_bytes(), name


def test_the_manifest_gives_each_shipped_text_its_sha256_its_document_and_no_made_up_pdf_address() -> None:
    manifest = Graph().parse(SOURCES / "sources.ttl")
    spdx = "http://spdx.org/rdf/terms#"
    named = {str(manifest.value(text, DCTERMS.identifier)): text
             for text in manifest.subjects(RDF.type, KG.SourceText)}
    assert sorted(named) == sorted(p.name for p in SOURCES.glob("*.txt"))
    data = Graph()
    for path in resources.data_files():
        data.parse(path)
    for name, text in named.items():
        [checksum] = manifest.objects(text, URIRef(spdx + "checksum"))
        assert str(manifest.value(checksum, URIRef(spdx + "checksumValue"))) == hashlib.sha256(
            (SOURCES / name).read_bytes()).hexdigest()
        document = manifest.value(text, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        assert str(data.value(document, KG.sourceFile)) == name  # the document whose quotes are checked against it
        # Title, issuer and date are the document's own, as the curated data gives them.
        for ours, theirs in ((DCTERMS.title, DCTERMS.title), (DCTERMS.publisher, KG.issuedBy),
                             (DCTERMS.issued, DCTERMS.issued)):
            assert manifest.value(text, ours) == data.value(document, theirs), (name, ours)
        # No text and no data file names where the PDFs are published: the manifest gives no address.
        assert manifest.value(text, DCTERMS.source) is None


def test_a_source_text_changed_after_curation_stops_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    shutil.copytree(SOURCES, folder)
    changed = folder / PLAN_DEL_2
    changed.write_bytes(changed.read_bytes().replace(b"Anbefaling 1", b"Anbefaling 7", 1))
    with pytest.raises(SourceTextChangedError, match=PLAN_DEL_2):
        build(REFERENCE, sources=folder)


# 2. Every quote located: offsets, lines, context, computed and exact.

def test_every_quote_has_offsets_that_slice_its_shipped_text_to_exactly_the_quote(located: list[Located],
                                                                                   built: BuiltDataset) -> None:
    assert len(located) == len(set(built.dataset.subjects(KG.quote, None))) >= 876
    texts = {name: _text(name) for name in {item.source_file for item in located}}
    for item in located:
        text = texts[item.source_file]
        assert text[item.start:item.end] == item.exact, item.quote
        # Read as verify-sources reads a quote: white space collapsed, a line-end hyphen joined one of three ways.
        assert any(normalise(item.exact, join=join) == normalise(item.quote, join=None)
                   for join in ("", "-", None)), item.quote
        assert item.start_line == text[:item.start].count("\n") + 1
        assert item.end_line == text[:item.end].rstrip("\n").count("\n") + 1
        assert text[:item.start].endswith(item.prefix) and 0 < len(item.prefix) <= 30 or item.start < 30
        assert text[item.end:].startswith(item.suffix) and len(item.suffix) <= 30


def test_a_quote_broken_across_lines_spans_the_lines_it_stands_on(located: list[Located]) -> None:
    # 000, lines 10-12: "Regionen sikrer tilgængelige og effektive tilbud, så patienter med symptomer / på alvorlig
    # sygdom, der kan være kræft, kan tilbydes hurtig udredning og diag- / nostik."
    item = _at(located, PLAN_DEL_2, "Regionen sikrer tilgængelige og effektive tilbud")
    assert (item.start_line, item.end_line) == (10, 12)
    assert "diag-\nnostik" in item.exact


def test_a_quote_that_is_not_in_its_source_text_stops_the_build_naming_the_file_and_line(tmp_path: Path) -> None:
    original = next(p for p in REFERENCE if p.name == "reference-plan-hovedstaden-kraeftplan-del-2.ttl")
    copy = tmp_path / original.name
    text = original.read_text(encoding="utf-8")
    wrong = 'kg:quote "Regionen sikrer tilgængelige og effektive tilbud'
    assert wrong in text
    copy.write_text(text.replace(wrong, 'kg:quote "Regionen sikrer utilgængelige tilbud', 1), encoding="utf-8")
    line = next(n for n, row in enumerate(copy.read_text(encoding="utf-8").splitlines(), 1)
                if "Regionen sikrer utilgængelige tilbud" in row)
    with pytest.raises(QuotesNotLocatedError) as raised:
        build([*(p for p in REFERENCE if p != original), copy])
    assert f"{copy}:{line}: " in str(raised.value)
    assert "the quote is not in its source text 000_959267de805e99f3.txt" in str(raised.value)


def test_no_data_file_writes_a_location_by_hand() -> None:
    # Issue 14: pages, lines and offsets are computed from the shipped texts, "nothing here is typed by hand".
    computed = {KG.page, KG.startLine, KG.endLine, OA.hasSelector, OA.start, OA.end, OA.exact}
    for path in resources.data_files():
        graph = Graph().parse(path, format="turtle")
        written = {str(p) for p in set(graph.predicates()) & computed}
        assert not written, f"{path.name} writes {sorted(written)} by hand"


# 3. Pages, where the text marks them.

def test_a_quote_below_a_page_header_is_on_that_page(located: list[Located]) -> None:
    # 000, line 2: "Side 1 af 4"; Anbefaling 1 follows at lines 10-12 before any other page break.
    assert _at(located, PLAN_DEL_2, "Regionen sikrer tilgængelige og effektive tilbud").page == 1


def test_the_four_pages_of_the_plan_follow_its_three_page_gaps(located: list[Located]) -> None:
    # 000, line 2: "Side 1 af 4"; three runs of blank lines (24-26, 48-50, 76-78) split it into four pages,
    # opening "Spor 2" (line 27), "Spor 3" (line 51) and "Tværgående temaer" (line 79).
    assert _at(located, PLAN_DEL_2, "Regionen sikrer en systematisk og tidlig dialog").page == 2  # line 31
    assert _at(located, PLAN_DEL_2, "Regionen vil skabe bedre rammer").page == 3  # line 72
    assert _at(located, PLAN_DEL_2, "Regionen vil styrke arbejdet med data").page == 4  # line 114


def test_a_quote_just_after_a_running_footer_is_on_the_next_page(located: list[Located]) -> None:
    # 001, lines 991-992: "Opfølgning på indsatser i Region Hovedstadens kræftplan 2020/2021" over "19": page 19
    # ends there; line 994 opens page 20: "driver Supportive Care Ambulatoriet med PRO-monitorering og tidlig".
    item = _at(located, FOLLOW_UP, "driver Supportive Care Ambulatoriet")
    assert (item.start_line, item.page) == (994, 20)
    # Lines 1236-1237: the same footer over "23"; line 1243 holds "oprettet et 2 dages kursus i basal palliation".
    item = _at(located, FOLLOW_UP, "oprettet et 2 dages kursus i basal palliation")
    assert (item.start_line, item.page) == (1243, 24)


def test_no_page_is_given_where_the_text_marks_none(located: list[Located]) -> None:
    # 002 has no "Side n af m" and no running footer: its numbers alone on a line are the plan's points (line 47: "1").
    assert [item for item in located if item.source_file == SJAELLAND and item.page is not None] == []
    # 001 between its two footers: pages 20-22 with one gap of blank lines, so nothing there can be placed.
    assert _at(located, FOLLOW_UP, "Onkologisk og palliativ afdeling har siden 2021").page is None  # line 1213


def test_a_text_with_a_page_header_and_as_many_gaps_as_page_breaks_is_split_into_its_pages() -> None:
    text = "Side 1 af 2\nfirst page\n\n\n\nsecond page\n"
    pages = Pages(text)
    assert pages.page_of(Span(text.index("first"), text.index("first") + 5)) == 1
    assert pages.page_of(Span(text.index("second"), text.index("second") + 6)) == 2
    assert pages.page_of(Span(text.index("first"), text.index("second") + 6)) is None  # crosses the break


def test_a_stretch_with_fewer_gaps_than_page_breaks_places_only_the_blocks_touching_its_marks() -> None:
    text = ("Title\n 3 \nopening block\nstill page 4\n\nmiddle, page 4 or 5\n\n\n\nmore\n\nclosing block\n\n\n"
            "Title\n 6 \n")
    pages = Pages(text)

    def page(words: str) -> int | None:
        return pages.page_of(Span(text.index(words), text.index(words) + len(words)))

    assert page("opening block") == 4 and page("still page 4") == 4
    assert page("middle, page 4 or 5") is None and page("more") is None
    assert page("closing block") == 6


# 4. Provenance in PROV-O terms, inferred from the ontology's axioms.

def test_every_piece_of_evidence_was_quoted_from_and_so_derived_from_its_document(built: BuiltDataset) -> None:
    prov = "http://www.w3.org/ns/prov#"
    graph = built.dataset
    evidence = list(graph.subject_objects(KG.inDocument))
    assert len(evidence) >= 876
    for node, document in evidence:
        assert (node, URIRef(prov + "wasQuotedFrom"), document) in graph
        assert (node, URIRef(prov + "wasDerivedFrom"), document) in graph


def test_located_evidence_points_at_the_shipped_text_it_was_located_in(built: BuiltDataset) -> None:
    graph = built.dataset
    for node, text in graph.subject_objects(OA.hasSource):
        document = graph.value(node, KG.inDocument)
        assert (text, RDF.type, KG.SourceText) in graph
        assert (text, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), document) in graph


def test_a_word_hyphenated_at_a_line_end_is_found_all_three_ways_with_the_span_of_the_text() -> None:
    text = "hurtig udredning og diag-\n  nostik.  Næste  linje"
    source = SourceText(text)
    whole = Span(text.index("hurtig"), text.index("nostik") + len("nostik"))
    for quote in ("hurtig udredning og diagnostik", "hurtig udredning og diag-nostik",
                  "hurtig udredning og diag- nostik"):
        assert source.occurrences(quote) == [whole], quote
    assert source.occurrences("nostik. Næste linje") == [Span(text.index("nostik"), len(text))]
    assert source.occurrences("diagnose") == []
