"""Every saved query that returns a quote says where it stands in the source text and links there (issue 14 §1).

The lines below were read in the source texts, ../shared/seeds/ (the line is quoted in each test's comment); the
links are followed through the app to the source viewer, which must have those lines and mark the passage there.
"""

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kraeftgraf import resources
from kraeftgraf.api import KnowledgeGraph, Value
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.graph.source_text import normalise
from kraeftgraf.namespaces import ID
from kraeftgraf.queries.saved import load_queries

from .conftest import SEEDS
from .endpoint_support import app_client

QUERIES = load_queries()
SEPARATOR = " | "  # how a saved query joins the values of a many-valued column
LINK_COLUMNS = ("startLine", "endLine", "sourceLink")
# The columns a saved query gives its quotes in: `quote`, or `match` where search found the text in a quote.
QUOTE_COLUMN = {"search": "match"}
_LINK = re.compile(r"^source/(?P<document>[A-Za-z0-9][A-Za-z0-9._-]*)#L(?P<start>\d+)(?:-L(?P<end>\d+))?$")
_MARK = re.compile(r'<mark class="quote"[^>]*>(.*?)</mark>', re.S)
_UNMARKED = "\x00"  # stands for text the viewer does not mark, so a passage cannot be read across it


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, EndpointSettings(workers=1, timeout=60), origin="the embedded data") as client:
        yield client


def quoting_queries() -> list[str]:
    """The saved queries whose answer holds quotes: their SPARQL reads kg:quote and their answer has a column of
    quotes (source-documents reads kg:quote only to count the quotes of each document)."""
    def gives_quotes(name: str, sparql: str) -> bool:
        columns = re.search(r"SELECT(.*?)WHERE", sparql, re.S)
        column = QUOTE_COLUMN.get(name, "quote")
        return columns is not None and re.search(rf"\?{column}\b", columns.group(1)) is not None

    return [name for name, query in QUERIES.items() if "kg:quote" in query.sparql and gives_quotes(name, query.sparql)]


def places(row: dict[str, Value], quote_column: str = "quote") -> list[tuple[str, str]]:
    """Each quote of a row with its link, in the row's order; the row must give as many links as quotes."""
    quotes = str(row[quote_column]).split(SEPARATOR)
    links = str(row["sourceLink"]).split(SEPARATOR)
    assert len(links) == len(quotes), row
    return list(zip(quotes, links, strict=True))


def lines_of(link: str) -> tuple[str, int, int]:
    """The document and first and last line a viewer link names."""
    parsed = _LINK.match(link)
    assert parsed, f"not a link to the source viewer: {link!r}"
    start = int(parsed["start"])
    return parsed["document"], start, int(parsed["end"] or start)


def stands_in(quote: str, text: str) -> bool:
    """The quote check's reading: white space collapsed, a word hyphenated at a line end joined as the quote has it."""
    wanted = normalise(quote, join=None)
    return any(wanted in normalise(text, join=join) for join in ("", "-", None))


def seed_lines(prefix: str, start: int, end: int) -> str:
    """Lines `start` to `end` of the seed whose file name starts with `prefix` (000-004); without ../shared/seeds,
    of the shipped copy, which test_evidence_locations proves the same byte for byte where the seeds are."""
    [path] = (SEEDS if SEEDS.is_dir() else resources.sources_dir()).glob(f"{prefix}_*.txt")
    return "\n".join(path.read_text(encoding="utf-8").splitlines()[start - 1:end])


def marked_passage(client: TestClient, link: str) -> str:
    """Follow a link as a browser would (the path, then the #L anchor) and read what the viewer marks on its lines."""
    document, start, end = lines_of(link)
    response = client.get("/" + link.partition("#")[0])
    assert response.status_code == 200, link
    rows = []
    for number in range(start, end + 1):
        row = re.search(rf'<tr id="L{number}">.*?<td class="line-text">(.*?)</td>', response.text, re.S)
        assert row, f"the viewer of {document} has no line {number}"
        pieces = re.split(_MARK, row.group(1))  # text outside marks at even places, marked text at odd places
        rows.append("".join(html.unescape(piece) if i % 2 else (_UNMARKED if piece else "")
                            for i, piece in enumerate(pieces)))
    # The passage is linked from the line it starts on, by its range of lines.
    anchor = f"L{start}" + (f"-L{end}" if end != start else "")
    first = re.search(rf'<tr id="L{start}">(.*?)</tr>', response.text, re.S)
    assert first and f'<a href="#{anchor}">{anchor}' in first.group(1), f"line {start} links no passage {anchor}"
    return "\n".join(rows)


def test_every_query_that_returns_a_quote_gives_its_lines_and_a_link_to_them() -> None:
    names = quoting_queries()
    # The quoting questions of issue 14 at least (amounts, plan items by theme, screening, numbering, search).
    assert {"amounts", "evidence-for-resource", "numbering-across-documents", "plan-items-by-theme",
            "screening-figures", "screening-programmes", "search"} <= set(names)
    for name in names:
        columns = re.search(r"SELECT(.*?)WHERE", QUERIES[name].sparql, re.S)
        assert columns, name
        assert all(f"?{column}" in columns.group(1) for column in LINK_COLUMNS), f"{name} lacks {LINK_COLUMNS}"


def _shape(expression: str) -> str:
    """The expression with its variables renamed in order of appearance and its white space collapsed."""
    names: dict[str, str] = {}
    renamed = re.sub(r"\?\w+", lambda v: names.setdefault(v.group(0), f"?v{len(names)}"), expression)
    return re.sub(r"\s+", " ", renamed)


def test_every_link_to_the_viewer_is_built_as_evidence_for_resource_builds_it() -> None:
    # SPARQL has no shared fragments and a saved query is one self-contained file (grlc reads it as it stands), so
    # the construction is repeated; this keeps each copy the same as the first.
    binding = re.compile(r'BIND\(CONCAT\("source/".*?\) AS \?\w+\)', re.S)
    [model] = binding.findall(QUERIES["evidence-for-resource"].sparql)
    for name in quoting_queries():
        built = binding.findall(QUERIES[name].sparql)
        assert built, f"{name} builds no link to the viewer"
        assert all(_shape(expression) == _shape(model) for expression in built), name


@pytest.mark.parametrize("name", ["amounts", "numbering-across-documents", "plan-items-by-theme",
                                  "screening-figures", "screening-programmes", "search"])
def test_each_link_names_lines_of_the_shipped_text_that_hold_its_quote(
        knowledge_graph: KnowledgeGraph, sources_dir: Path, name: str) -> None:
    texts = {str(row["document"]): (sources_dir / str(row["file"])).read_text(encoding="utf-8").splitlines()
             for row in knowledge_graph.sparql("SELECT ?document ?file WHERE { ?document kg:sourceFile ?file }")}
    rows = [row for row in knowledge_graph.query(name) if row["sourceLink"] is not None]
    assert rows, f"{name} links no quote"
    for row in rows:
        firsts, lasts = str(row["startLine"]).split(SEPARATOR), str(row["endLine"]).split(SEPARATOR)
        for (quote, link), first, last in zip(places(row, QUOTE_COLUMN.get(name, "quote")), firsts, lasts,
                                              strict=True):
            document, start, end = lines_of(link)
            assert str(ID[document]) == row["document"] and (start, end) == (int(first), int(last)), row
            assert stands_in(quote, "\n".join(texts[str(ID[document])][start - 1:end])), (name, quote, link)


# --- a quote read in the seed comes back with its lines, and its link opens the viewer there -----------------------

def _the_row(rows: list[dict[str, Value]], **wanted: str) -> dict[str, Value]:
    [row] = [row for row in rows if all(str(row[k]) == v for k, v in wanted.items())]
    return row


def test_a_plan_items_two_quotes_in_one_document_link_to_their_own_lines(
        knowledge_graph: KnowledgeGraph, client: TestClient) -> None:
    row = _the_row(list(knowledge_graph.query("plan-items-by-theme")),
                   item=str(ID["point-sjaelland-8-punktsplan-7"]), document=str(ID["document-sjaelland-8-punktsplan"]))
    # 002 lists its seventh point twice: in the overview, lines 42-44 "7.\t� Senfølger og palliation på
    # kræftområdet skal have særligt " / "" / "fokus", and over its section, lines 443-444 " Senfølger og
    # palliation skal " / "have særligt fokus".
    assert stands_in("Senfølger og palliation på kræftområdet skal have særligt fokus", seed_lines("002", 42, 44))
    assert stands_in("Senfølger og palliation skal have særligt fokus", seed_lines("002", 443, 444))
    assert (row["startLine"], row["endLine"]) == ("42 | 443", "44 | 444")
    linked = dict(places(row))
    assert set(linked.values()) == {"source/document-sjaelland-8-punktsplan#L42-L44",
                                    "source/document-sjaelland-8-punktsplan#L443-L444"}
    for quote, link in linked.items():  # each quote opens at its own lines, in the order the row gives them
        assert stands_in(quote, marked_passage(client, link)), (quote, link)


def test_an_amounts_quote_links_to_its_lines_across_a_hyphenated_line_end(
        knowledge_graph: KnowledgeGraph, client: TestClient) -> None:
    row = _the_row(list(knowledge_graph.query("amounts")),
                   amount=str(ID["amount-sst-nyhedsbrev-beslutningsstoette-bloktilskud"]))
    # 003, lines 191-195: "gen af værktøjerne. Udover den eksterne pulje, overføres 17,6 mio. kr. til regio-" / "" /
    # "nernes bloktilskud til systematisk, national udbredelse af de nye værktøjer i peri-" / "" / "oden 2018-2020."
    quote = "overføres 17,6 mio. kr. til regionernes bloktilskud"
    assert stands_in(quote, seed_lines("003", 191, 195)) and not stands_in(quote, seed_lines("003", 192, 195))
    assert quote in str(row["quote"])
    assert (row["startLine"], row["endLine"]) == (191, 195)
    assert row["sourceLink"] == "source/document-sst-nyhedsbrev-kraeftplan-iv#L191-L195"
    assert stands_in(str(row["quote"]), marked_passage(client, str(row["sourceLink"])))


def test_a_screening_programmes_quote_on_one_line_links_to_that_line(
        knowledge_graph: KnowledgeGraph, client: TestClient) -> None:
    row = _the_row(list(knowledge_graph.query("screening-programmes")),
                   programme=str(ID["programme-screening-breast-cancer"]))
    # 002, line 242: "Indkaldelse til screening for brystkræft hvert andet år stadfæstes i Sundhedslovens § 85. "
    assert stands_in("Indkaldelse til screening for brystkræft hvert andet år", seed_lines("002", 242, 242))
    assert str(row["quote"]).startswith("Indkaldelse til screening for brystkræft hvert andet år")
    assert (row["startLine"], row["endLine"], row["sourceLink"]) == (
        "242", "242", "source/document-sjaelland-8-punktsplan#L242")  # one line: no range
    assert stands_in(str(row["quote"]), marked_passage(client, str(row["sourceLink"])))


def test_a_quote_search_finds_links_to_its_lines_and_other_fields_link_nowhere(
        knowledge_graph: KnowledgeGraph, client: TestClient) -> None:
    rows = list(knowledge_graph.query("search", text="senfølgeklinik"))
    gastro = str(ID["initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre"])
    # 001, lines 348-349: "De patienter der lider under senfølger efter endt behandling af kolorektal cancer, kan " /
    # "blive henvist til forløb i Gastroenhedens senfølgeklinik på Hvidovre Hospital. "
    [row] = [row for row in rows if row["resource"] == gastro and row["field"] == "quote"
             and str(row["match"]).startswith("De patienter der lider under senfølger")]
    assert stands_in("kan blive henvist til forløb i Gastroenhedens senfølgeklinik", seed_lines("001", 348, 349))
    assert (row["startLine"], row["endLine"]) == (348, 349)
    assert row["sourceLink"] == "source/document-hovedstaden-opfoelgning-kraeftplan#L348-L349"
    assert stands_in(str(row["match"]), marked_passage(client, str(row["sourceLink"])))
    # A label is no quote: it stands in no source text.
    assert _the_row(rows, resource=gastro, field="label")["sourceLink"] is None


def test_numbering_across_documents_links_both_quotes_of_a_renumbered_recommendation(
        knowledge_graph: KnowledgeGraph, client: TestClient) -> None:
    row = _the_row(list(knowledge_graph.query("numbering-across-documents")),
                   item=str(ID["recommendation-hovedstaden-del-1-iv"]))
    # 001, lines 290-291: "Anbefaling IIII: Regionens hæmatologiske " / "afdelinger på henholdsvis Herlev og ", and
    # lines 297-298: " Gentofte Hospital og Rigshospitalet samles " / "til én afdeling på Rigs- hospitalet. "
    assert stands_in("Anbefaling IIII: Regionens hæmatologiske afdelinger", seed_lines("001", 290, 291))
    assert stands_in("Gentofte Hospital og Rigshospitalet samles", seed_lines("001", 297, 298))
    assert row["numberInDocument"] == "IIII" and row["quoteCount"] == 2
    assert (row["startLine"], row["endLine"]) == ("290 | 297", "291 | 298")
    for quote, link in places(row):
        assert stands_in(quote, marked_passage(client, link)), (quote, link)
