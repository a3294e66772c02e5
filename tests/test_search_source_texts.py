"""The search reads the documents' own texts too: passages of the shipped source texts, with their lines.

Expectations are read off the seeds (the line is quoted in each test's comment) and checked against the shipped
text, never against the index's own output.
"""

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rdflib import Literal

from kraeftgraf import resources
from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.cli.main import main
from kraeftgraf.endpoint.search_routes import search_job
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.endpoint.workers import WorkerContext
from kraeftgraf.engines.oxigraph import OxigraphEngine
from kraeftgraf.errors import SearchFilterError
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID, KG
from kraeftgraf.search.build import index_of
from kraeftgraf.search.index import SearchHit, build_index
from kraeftgraf.search.passages import MAX_CHARACTERS, MAX_LINES, SOURCE_TEXT_FIELD, passages
from kraeftgraf.search.served import ServedIndex
from kraeftgraf.search.texts import Corpus, Source, Text

from .endpoint_support import app_client

SJAELLAND = str(ID["document-sjaelland-8-punktsplan"])  # 002
FOLLOW_UP = str(ID["document-hovedstaden-opfoelgning-kraeftplan"])  # 001
NEWSLETTER = str(ID["document-sst-nyhedsbrev-kraeftplan-iv"])  # 003
PLAN_DEL_2 = str(ID["document-hovedstaden-kraeftplan-del-2-anbefalinger"])  # 000
# A line-end hyphen (with any blank lines after it, as in the double-spaced 003) joins a word split by the layout.
_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n\s*")


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.require_valid().dataset, EndpointSettings(workers=1, timeout=60),
                    origin="the embedded data") as client:
        yield client


def _lines(built: BuiltDataset, sources_dir: Path, document: str, first: int, last: int) -> str:
    """Lines `first` to `last` of the document's shipped text, as the file has them."""
    name = built.dataset.value(ID[document[len(str(ID)):]], KG.sourceFile)
    assert isinstance(name, Literal), document
    lines = (sources_dir / str(name)).read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[first - 1:last])


def _letters(text: str) -> str:
    return "".join(re.findall(r"\w+", text.lower()))


def _text_hits(hits: tuple[SearchHit, ...], document: str) -> list[SearchHit]:
    return [h for h in hits if h.field == SOURCE_TEXT_FIELD and h.documents[0].iri == document]


def test_pårørende_names_002_found_only_in_its_text_at_line_220(knowledge_graph: KnowledgeGraph, built: BuiltDataset,
                                                                sources_dir: Path) -> None:
    # 002:220 "forløb og akutte indlæggelser, samt hjælper patient og pårørende med information"; no quote or
    # status text of 002 says it
    line = _lines(built, sources_dir, SJAELLAND, 220, 220)
    assert "hjælper patient og pårørende med information" in line
    results = knowledge_graph.search("pårørende", limit=500)
    (sjaelland,) = [d for d in results.documents if d.iri == SJAELLAND]
    assert (sjaelland.found_in, sjaelland.facts) == ("text", 0) and sjaelland.text >= 1
    hits = _text_hits(results.hits, SJAELLAND)
    assert any(h.documents[0].start_line is not None and h.documents[0].end_line is not None
               and h.documents[0].start_line <= 220 <= h.documents[0].end_line for h in hits)
    assert all(h.resource == SJAELLAND and h.documents[0].evidence is None for h in hits)


def test_an_inflected_form_said_only_where_no_quote_stands_is_found(knowledge_graph: KnowledgeGraph,
                                                                    built: BuiltDataset, sources_dir: Path) -> None:
    # 001:157 "Læring i kvalitetsklynger i almen praksis og i de decentrale efteruddannelses- grupper (DGE)": the
    # genitive "efteruddannelses"; 003:493-495 "struktureret efteruddannel-" / "se" (split by the layout, a blank
    # line between, as 003 is double-spaced). No curated text says any form of the word.
    assert "efteruddannelses- grupper" in _lines(built, sources_dir, FOLLOW_UP, 157, 157)
    assert knowledge_graph.search("efteruddannelse", scope="facts").total == 0
    results = knowledge_graph.search("efteruddannelse", limit=500)
    assert {d.iri: d.found_in for d in results.documents}[FOLLOW_UP] == "text"
    follow_up = _text_hits(results.hits, FOLLOW_UP)
    assert any(h.documents[0].start_line == 157 or (h.documents[0].start_line or 0) <= 157
               <= (h.documents[0].end_line or 0) for h in follow_up)
    assert any("efteruddannelses" in h.text for h in follow_up)
    newsletter = _text_hits(results.hits, NEWSLETTER)
    assert any((h.documents[0].start_line or 0) <= 493 and 495 <= (h.documents[0].end_line or 0)
               and "efteruddannelse" in h.text for h in newsletter)


@pytest.mark.parametrize("search", ["pårørende", "pårørendes", '"Kræftplan IV"', "PRO", "efteruddannelse",
                                    "screening*", "senfølger"])
def test_every_source_text_hit_stands_on_its_lines(knowledge_graph: KnowledgeGraph, built: BuiltDataset,
                                                    sources_dir: Path, search: str) -> None:
    hits = [h for h in knowledge_graph.search(search, limit=500, scope="text").hits]
    assert hits, search
    for hit in hits:
        (place,) = hit.documents
        assert place.start_line is not None and place.end_line is not None
        lines = _lines(built, sources_dir, place.iri, place.start_line, place.end_line)
        joined = _LINE_END_HYPHEN.sub("", lines).lower()
        matched = [run.text.lower() for run in hit.snippet if run.match]
        assert matched, (search, hit.text)
        for words in matched:  # a marked run is one word or a phrase's words in a row
            assert all(word in joined for word in re.findall(r"\w+", words)), (search, place, words)
        # the passage is those lines, all of them and no more: the same letters in the same order
        assert _letters(hit.text) == _letters(joined), (search, place)


def test_a_passage_on_a_page_the_text_marks_has_that_page(knowledge_graph: KnowledgeGraph, built: BuiltDataset,
                                                          sources_dir: Path) -> None:
    # 000:2 "Side 1 af 4", then 000:10-12 "Regionen sikrer tilgængelige og effektive tilbud, så patienter med
    # symptomer / på alvorlig sygdom, der kan være kræft, kan tilbydes hurtig udredning og diag- / nostik."
    assert _lines(built, sources_dir, PLAN_DEL_2, 2, 2).strip() == "Side 1 af 4"
    hits = _text_hits(knowledge_graph.search('"hurtig udredning og diagnostik"', scope="text").hits, PLAN_DEL_2)
    assert [(h.documents[0].start_line, h.documents[0].end_line, h.documents[0].page) for h in hits] == [(10, 12, 1)]


def test_in_restricts_the_search_to_the_facts_or_the_text(client: TestClient) -> None:
    def fields(**params: str) -> set[str]:
        response = client.get("/api/search", params={"text": "pårørende", "limit": "500", **params})
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return {hit["field"] for hit in answer["hits"]}

    assert fields(**{"in": "text"}) == {SOURCE_TEXT_FIELD}
    facts = fields(**{"in": "facts"})
    assert facts and SOURCE_TEXT_FIELD not in facts
    assert fields() == facts | {SOURCE_TEXT_FIELD}
    documents = client.get("/api/search", params={"text": "pårørende", "in": "facts"}).json()["documents"]
    assert SJAELLAND not in {d["iri"] for d in documents}  # 002 says it only in its text (002:220)


@pytest.mark.parametrize("value", ["bogus", "TEXT", "facts,text"])
def test_a_bad_in_is_a_400_naming_the_parameter(client: TestClient, value: str) -> None:
    response = client.get("/api/search", params={"text": "pårørende", "in": value})
    assert response.status_code == 400
    assert "in=" in response.text and "facts" in response.text


def test_a_bad_scope_in_python_names_the_parameter(knowledge_graph: KnowledgeGraph) -> None:
    with pytest.raises(SearchFilterError, match="in='everything'"):
        knowledge_graph.search("pårørende", scope="everything")


def test_the_csv_gives_a_text_hit_its_lines_and_viewer_link(client: TestClient) -> None:
    response = client.get("/api/search", params={"text": "pårørende", "in": "text", "format": "csv", "limit": "500",
                                                 "document": "id:document-sjaelland-8-punktsplan"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and rows[0]["field"] == SOURCE_TEXT_FIELD
    # 002:220 is in the one passage of 002 that says it
    start, end = int(rows[0]["startLine"]), int(rows[0]["endLine"])
    assert start <= 220 <= end
    assert rows[0]["sourceLink"] == f"/source/document-sjaelland-8-punktsplan#L{start}-L{end}"


def test_the_viewer_link_of_a_hit_opens_the_viewer_at_its_lines(client: TestClient) -> None:
    answer = client.get("/api/search", params={"text": "pårørende", "in": "text",
                                               "document": "id:document-sjaelland-8-punktsplan"}).json()
    (hit,) = answer["hits"]
    (place,) = hit["documents"]
    link = place["sourceLink"]
    path, _, fragment = link.partition("#")
    assert fragment == f"L{place['startLine']}-L{place['endLine']}"
    page = client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for number in range(place["startLine"], place["endLine"] + 1):  # the anchors the fragment opens at
        assert f'<tr id="L{number}">' in page.text
    row = re.search(r'<tr id="L220">(.*?)</tr>', page.text, re.S)
    assert row and "pårørende" in html.unescape(re.sub(r"<[^>]+>", "", row.group(1)))


def test_the_cli_table_names_the_document_lines_and_link_of_a_text_hit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "pårørende", "--in", "text", "--document", "id:document-sjaelland-8-punktsplan"]) == 0
    out = capsys.readouterr().out
    assert "sourceText" in out and "only in its text" in out
    squeezed = re.sub(r"\s*\|\s*|\s+", " ", out)
    assert re.search(r"lines (\d+)-(\d+)", squeezed)


def test_a_curated_text_ranks_above_a_source_passage_that_says_the_same() -> None:
    words = "Gastroenheden afholder ambulante samtaler med patient og pårørende"
    corpus = Corpus(texts=(Text("https://example.org/r", "quote", words, "da", (Source("https://example.org/d"),)),),
                    labels={}, classes={}, types={}, documents={})
    passage = Text("https://example.org/d", SOURCE_TEXT_FIELD, words, "da",
                   (Source("https://example.org/d", start_line=1, end_line=1),))
    index = build_index(corpus, [passage])
    assert [hit.field for hit in index.search("pårørende").hits] == ["quote", SOURCE_TEXT_FIELD]
    assert [hit.field for hit in index.search(f'"{words}"').hits] == ["quote", SOURCE_TEXT_FIELD]


def test_the_workers_search_the_texts_without_reading_a_file(built: BuiltDataset, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    """The index is built before the workers fork; a worker opens its file, with no source folder at hand."""
    engine = OxigraphEngine.from_dataset(built.require_valid().dataset)
    served = ServedIndex.of_index(index_of(engine))
    monkeypatch.setattr(resources, "sources_dir", lambda: tmp_path / "no-such-folder")
    context = WorkerContext(engine=engine, graphs=frozenset(), max_rows=10, search_index=served)
    try:
        answer = search_job([("text", "pårørende"), ("in", "text"),
                             ("document", "id:document-sjaelland-8-punktsplan")], None).run(context)
    finally:
        served.close()
    assert b'"sourceText"' in answer.body and b"#L" in answer.body


def test_paragraphs_end_at_blank_lines_and_long_ones_are_cut_at_line_ends() -> None:
    long = "\n".join(f"linje {n} om kræft" for n in range(1, 2 * MAX_LINES + 2))
    text = f"Første afsnit,\nto linjer.\n\n\n{long}\n \n»\n\nSidste kræftbehand-\nling."
    found = passages(text)
    assert (found[0].text, found[0].start_line, found[0].end_line) == ("Første afsnit, to linjer.", 1, 2)
    cut = found[1:-1]
    assert cut[0].start_line == 5 and cut[-1].end_line == 5 + 2 * MAX_LINES
    assert all(p.end_line - p.start_line + 1 <= MAX_LINES and len(p.text) <= MAX_CHARACTERS for p in cut)
    assert [b.start_line for b in cut[1:]] == [a.end_line + 1 for a in cut[:-1]]  # no line lost, none twice
    sizes = [p.end_line - p.start_line + 1 for p in cut]
    assert len(cut) == 3 and max(sizes) - min(sizes) <= 1  # as few runs as the cap allows, near-equal: no stub
    # "»" alone has no word to find; a word split by a line-end hyphen is joined
    assert (found[-1].text, found[-1].start_line, found[-1].end_line) == ("Sidste kræftbehandling.", 25, 26)


def test_a_double_spaced_text_keeps_its_paragraphs_whole() -> None:
    # 003 has a blank line after most lines and three between paragraphs (003:238-250 is one paragraph)
    text = "Den palliative indsats tager\n\nudgangspunkt i et helhedsper-\n\nspektiv.\n\n\n\nNyt afsnit her.\n\nSlut."
    found = passages(text)
    assert [(p.text, p.start_line, p.end_line) for p in found] == [
        ("Den palliative indsats tager udgangspunkt i et helhedsperspektiv.", 1, 5), ("Nyt afsnit her. Slut.", 9, 11)]
