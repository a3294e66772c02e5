"""Results a researcher can read and take away (issue 13, findings 8, 9, 10 and 14), in headless Chromium.

Resources by their labels, headers in words, numbers as the language writes them, a table to sort, filter and page,
graphs as Turtle, downloads named after the query and its parameters, a table that never widens the page.
"""

import csv
import io
import json
import re
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kraeftgraf import resources
from kraeftgraf.namespaces import ID, KG
from kraeftgraf.queries.saved import load_queries

from .browser_support import choose_resource, expect_count
from .endpoint_support import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Download, Page

DATA = resources.resource_dir("data")  # the curated Turtle files, data/ttl
# sundhedsstyrelsen-nyhedsbrev-kraeftplan-iv.ttl, lines 366-369 (003:191 "overføres 17,6 mio. kr. til regio-"):
#   id:amount-sst-nyhedsbrev-beslutningsstoette-bloktilskud a kg:MonetaryAmount ;
#     rdfs:label "17,6 mio. kr. til regionernes bloktilskud til udbredelse af beslutningsstøtteværktøjer 2018-2020"@da ,
#       "DKK 17.6 million to the regions' block grant for rolling out decision aids 2018-2020"@en ;
#     kg:amountDKK 17600000.0 ;   ...   kg:periodStart 2018 ; kg:periodEnd 2020 ;
BLOCK_GRANT = "amount-sst-nyhedsbrev-beslutningsstoette-bloktilskud"
BLOCK_GRANT_DA = "17,6 mio. kr. til regionernes bloktilskud til udbredelse af beslutningsstøtteværktøjer 2018-2020"
BLOCK_GRANT_EN = "DKK 17.6 million to the regions' block grant for rolling out decision aids 2018-2020"
JSON_RESULTS = "application/sparql-results+json"
LIFETIME_RISK = """SELECT ?figure ?value ?unit WHERE {
  ?figure kg:value ?value ; kg:unit ?unit .
  FILTER(?figure = id:figure-sjaelland-8-punktsplan-hver-tredje-dansker-faar-kraeft)
}"""


def choose_language(page: "Page", server: RunningServer, lang: str) -> None:
    page.goto(f"{server.url}/")
    page.locator(f'.lang-switch button[data-lang="{lang}"]').click()
    page.wait_for_selector(".card")


def open_and_wait(page: "Page", name: str) -> None:
    """Open a saved question from the gallery of the page already loaded; it runs with its defaults."""
    page.locator(f'.card[data-query="{name}"] button').click()
    wait_for_result(page)


def wait_for_result(page: "Page") -> None:
    """Wait for the run just started (the panel is busy while it runs) to show its table."""
    page.wait_for_selector("#results:not(.busy) .result-table tbody tr")


def set_parameter(page: "Page", name: str, value: str, *, label: str | None = None) -> None:
    """Give a parameter a value: pick it from a list, type it, or, in a resource field that submits the IRI from a
    hidden input, type the resource's label and pick its suggestion."""
    field = page.locator(f"#param-{name}")
    if field.evaluate("element => element.tagName") == "SELECT":
        field.select_option(value=value)
    elif label is not None and page.locator(f"#query-form input[type=hidden][name={name}]").count():
        choose_resource(page, name, label, label)
    else:
        field.fill(value)


def run_form(page: "Page") -> None:
    page.locator("#query-form button[type=submit]").click()
    wait_for_result(page)


def run_in_editor(page: "Page", server: RunningServer, query: str) -> None:
    """Run a query through the editor's own API (getQuery/setQuery/runSparql), whatever widget shows it."""
    page.goto(f"{server.url}/#sparql")
    editor = "new URL('static/js/editor.js', document.baseURI).href"
    # The editor is ready (its text may be the tab's last draft, kept across loads: any text will do)
    page.locator("#editor .cm-content").wait_for()
    page.evaluate(f"async (query) => {{ const editor = await import({editor}); editor.setQuery(query);"
                  " editor.runSparql(); }", query)


def server_rows(server: RunningServer, path: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(f"{server.url}/{path}", headers={"Accept": JSON_RESULTS})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows: list[dict[str, Any]] = json.load(response)["results"]["bindings"]
    return rows


def column_texts(page: "Page", variable: str) -> list[str]:
    index = page.locator(".result-table thead th").evaluate_all(
        f"cells => cells.findIndex(cell => cell.dataset.column === {json.dumps(variable)})")
    assert index >= 0, f"no column {variable}"
    return page.locator(f".result-table tbody tr td:nth-child({index + 1})").all_inner_texts()


def header_titles(page: "Page") -> dict[str, str]:
    pairs: list[list[str]] = page.locator(".result-table thead th").evaluate_all(
        "cells => cells.map(cell => [cell.dataset.column, cell.querySelector('button').firstChild.textContent])")
    return dict((column, title) for column, title in pairs)


def download(page: "Page", button: str) -> "Download":
    with page.expect_download() as caught:
        page.click(button)
    return caught.value


def read_download(file: "Download") -> bytes:
    return Path(file.path()).read_bytes()


@pytest.mark.parametrize(("lang", "label"), [("da", BLOCK_GRANT_DA), ("en", BLOCK_GRANT_EN)])
def test_a_resource_without_a_label_column_shows_its_label_in_the_language_and_links_its_page(
        page: "Page", embedded_server: RunningServer, lang: str, label: str) -> None:
    # amounts.rq returns ?amount without an ?amountLabel: the page looks the label up
    choose_language(page, embedded_server, lang)
    open_and_wait(page, "amounts")
    link = page.locator(".result-table a", has_text=label)
    link.wait_for()
    assert link.inner_text() == label
    assert link.get_attribute("href") == f"resource/{BLOCK_GRANT}" + ("?lang=en" if lang == "en" else "")
    assert link.get_attribute("title") == f"{ID}{BLOCK_GRANT}"  # the full IRI on hover
    assert page.locator(".result-table", has_text="id:amount-").count() == 0  # no raw prefixed names left
    link.click()
    page.wait_for_url(f"**/resource/{BLOCK_GRANT}*")


def test_switching_the_language_redraws_the_shown_table_in_it(page: "Page", embedded_server: RunningServer) -> None:
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "amounts")
    page.locator(".result-table a", has_text=BLOCK_GRANT_DA).wait_for()
    page.locator(".result-table th[data-column='amountDKK'] button").click()  # the sort order survives the switch
    page.locator('.lang-switch button[data-lang="en"]').click()
    # the switch announces the new language with this event (js/i18n.js), which the result table listens to
    page.evaluate("document.dispatchEvent(new CustomEvent('languagechange', { detail: { lang: 'en' } }))")
    page.locator(".result-table a", has_text=BLOCK_GRANT_EN).wait_for()
    titles = header_titles(page)
    own = {column.variable: column.label for column in load_queries()["amounts"].columns}
    assert titles["amountDKK"] == own["amountDKK"].en == "Amount in DKK"  # amounts.rq `#+ columns:`
    assert "17,600,000" in column_texts(page, "amountDKK")
    assert page.locator(".result-table th[data-column='amountDKK']").get_attribute("aria-sort") == "ascending"
    assert re.fullmatch(r"\d+ rows · \d+ ms", page.locator("#result-info").inner_text())


@pytest.mark.parametrize(("lang", "label"), [
    # reference-plan-hovedstaden-kraeftplan-del-2.ttl:117 rdfs:label "Anbefaling 5: Støtte til livet med senfølger"@da ,
    # "Recommendation 5: support for life with late effects"@en
    ("da", "Anbefaling 5: Støtte til livet med senfølger"),
    ("en", "Recommendation 5: support for life with late effects")])
def test_a_label_column_of_the_query_names_its_resource_in_the_language_and_links_it(
        page: "Page", embedded_server: RunningServer, lang: str, label: str) -> None:
    choose_language(page, embedded_server, lang)
    open_and_wait(page, "plan-items-by-theme")  # default: late effects; itemLabel is the Danish rdfs:label
    link = page.locator(".result-table a[href^='resource/recommendation-hovedstaden-del-2-5']",
                        has_text=re.compile(f"^{re.escape(label)}$")).first
    link.wait_for()  # in English once the labels were looked up
    assert link.get_attribute("title") == f"{ID}recommendation-hovedstaden-del-2-5"
    assert "itemLabel" not in header_titles(page)  # shown as the item's name, not a column of its own
    # documentLabel is the document's citation label (reference-documents.ttl:60, only in Danish): it stays in English
    # too, rather than the document's English title
    assert "Region Sjælland 2021, 8-punktsplan for kræftområdet" in column_texts(page, "document")
    assert "8-point plan for the cancer area in Region Zealand" not in column_texts(page, "document")


def test_headers_are_the_querys_own_labels_or_the_variables_in_words_in_both_languages(
        page: "Page", embedded_server: RunningServer) -> None:
    amounts = load_queries()["amounts"]
    own = {column.variable: column.label for column in amounts.columns}  # amounts.rq `#+ columns:`
    for lang, number_in_document, item in (("da", "Nummer i dokument", "Punkt"), ("en", "Number in document", "Item")):
        choose_language(page, embedded_server, lang)
        open_and_wait(page, "amounts")
        titles = header_titles(page)
        assert titles["amountDKK"] == own["amountDKK"].get(lang)
        assert titles["fundedByLabel"] == own["fundedByLabel"].get(lang)
        # startLine: camelCase split; Danish writes the two nouns as one word
        assert titles["startLine"] == ("Startlinje" if lang == "da" else "Start line")
        open_and_wait(page, "plan-items-by-theme")
        titles = header_titles(page)
        assert titles["numberInDocument"] == number_in_document  # the brief's own example: numberInDocument
        assert titles["item"] == item
        assert all(not re.search(r"[a-z][A-Z]", title) for title in titles.values()), titles


@pytest.mark.parametrize(("lang", "amount", "percent", "decimal_percent"),
                         [("da", "17.600.000", "83\u00a0%", "33,3\u00a0%"), ("en", "17,600,000", "83%", "33.3%")])
def test_amounts_and_percentages_are_written_as_the_language_writes_them_and_years_bare(
        page: "Page", embedded_server: RunningServer, lang: str, amount: str, percent: str,
        decimal_percent: str) -> None:
    # Danish puts a (no-break) space before the per cent sign, English none (Intl.NumberFormat, CLDR)
    choose_language(page, embedded_server, lang)
    open_and_wait(page, "amounts")
    row = page.locator(".result-table tbody tr", has=page.locator(f"a[href^='resource/{BLOCK_GRANT}']"))
    cells = dict(zip(header_titles(page), row.locator("td").all_inner_texts(), strict=True))
    assert cells["amountDKK"] == amount  # kg:amountDKK 17600000.0 (the comment at the top of this file)
    assert (cells["periodStart"], cells["periodEnd"]) == ("2018", "2020")  # years keep no thousands separator
    number = row.locator("td.number").first
    assert number.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    # region-sjaelland-8-punktsplan-2021.ttl:465 "kg:value 83.0 ; kg:unit id:unit-percent" (002:75 "Region
    # Hovedstaden 83%"), a figure of the indicator figures-by-indicator shows by default
    open_and_wait(page, "figures-by-indicator")
    assert percent in column_texts(page, "value")
    # region-sjaelland-8-punktsplan-2021.ttl:1354 "kg:value 33.3 ; kg:unit id:unit-percent" (002:4 "Hver tredje
    # dansker får i løbet af livet konstateret kræft")
    run_in_editor(page, embedded_server, LIFETIME_RISK)  # a new page in the language chosen above
    wait_for_result(page)
    assert column_texts(page, "value") == [decimal_percent]


def test_a_numeric_column_sorts_by_number_both_ways(page: "Page", embedded_server: RunningServer) -> None:
    every_amount = sorted(Decimal(str(o)) for f in DATA.glob("*.ttl")
                          for o in Graph().parse(f).objects(None, KG.amountDKK))
    assert len(every_amount) >= 3 and Decimal(17600000) in every_amount
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "amounts")
    header = page.locator(".result-table th[data-column='amountDKK']")

    def shown() -> list[Decimal]:
        return [Decimal(v) for v in page.locator(".result-table td.number[data-value]").evaluate_all(
            "cells => cells.filter(c => c.cellIndex === document.querySelector(\"th[data-column='amountDKK']\")"
            ".cellIndex).map(c => c.dataset.value)")]

    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert shown() == every_amount  # 2,000,000 before 17,600,000: by number, not by text
    # the header was drawn anew with the rows, and the focus is back on its button: Enter sorts the other way
    assert page.evaluate("document.activeElement.closest('th').dataset.column") == "amountDKK"
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert shown() == every_amount[::-1]
    assert page.locator(".result-table th[aria-sort]").count() == 1


def test_a_text_column_sorts_the_danish_way(page: "Page", embedded_server: RunningServer) -> None:
    themes = Graph().parse(resources.resource_dir("ontology") / "themes.ttl")
    labels = {str(label) for theme in themes.subjects(RDF.type, KG.Theme)
              for label in themes.objects(theme, SKOS.prefLabel)
              if isinstance(label, Literal) and label.language == "da"}
    assert "Pårørende" in labels  # ontology/themes.ttl: the theme of relatives
    # Danish letters come after z (Danish collation), so "Pårørende" follows "Personlig medicin"
    danish = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "theme-overview")
    page.select_option("#table-page-size", "0")
    page.locator(".result-table th[data-column='labelDa'] button").click()
    shown = column_texts(page, "labelDa")
    assert set(shown) == labels
    assert shown == sorted(labels, key=lambda label: label.lower().translate(danish))
    assert shown.index("Pårørende") > shown.index("Personlig medicin")


def test_the_filter_box_narrows_the_rows_to_those_that_mention_the_words(
        page: "Page", embedded_server: RunningServer) -> None:
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "amounts")
    before = page.locator(".result-table tbody tr").count()
    page.fill("#table-filter", "kræftkirurgi")
    page.locator(".pager .range", has_text="filtreret fra").wait_for()
    texts: list[str] = page.locator(".result-table tbody tr").evaluate_all(
        "rows => rows.map(row => [row.innerText, ...[...row.querySelectorAll('[title]')].map(e => e.title)].join(' '))")
    # 003 names several amounts for experimental cancer surgery ("eksperimentel kræftkirurgi")
    assert len(texts) >= 2 and all("kræftkirurgi" in text.lower() for text in texts)
    assert f"af {len(texts)} (filtreret fra {before})" in page.locator(".pager .range").inner_text()
    page.fill("#table-filter", "")
    expect_count(page.locator(".result-table tbody tr"), before)


def test_a_long_result_is_paged_with_a_choice_of_page_size(page: "Page", embedded_server: RunningServer) -> None:
    total = len(server_rows(embedded_server, "api/queries/organisations-by-involvement"))
    assert 50 < total <= 100, "this test needs a saved query of 51 to 100 rows"
    choose_language(page, embedded_server, "en")
    open_and_wait(page, "organisations-by-involvement")
    rows = page.locator(".result-table tbody tr")
    assert rows.count() == 50
    assert page.locator(".pager .range").inner_text() == f"Rows 1–50 of {total}"
    assert page.locator(".pager button.previous").is_disabled()
    first_page = rows.all_inner_texts()
    page.click(".pager button.next")
    assert rows.count() == total - 50
    assert not set(rows.all_inner_texts()) & set(first_page)
    assert page.locator(".pager button.next").is_disabled()
    page.select_option("#table-page-size", "25")
    assert rows.count() == 25 and page.locator(".pager .range").inner_text() == f"Rows 1–25 of {total}"
    page.select_option("#table-page-size", "0")  # all
    assert rows.count() == total


def test_a_construct_result_shows_turtle_and_downloads_as_turtle_ntriples_and_json_ld_of_one_graph(
        page: "Page", embedded_server: RunningServer) -> None:
    run_in_editor(page, embedded_server, "CONSTRUCT { ?theme skos:prefLabel ?label } "
                                         "WHERE { ?theme a kg:Theme ; skos:prefLabel ?label }")
    turtle = page.locator("pre.turtle")
    turtle.wait_for()
    assert "@prefix id: <https://w3id.org/kraeftgraf/id/> ." in turtle.inner_text()  # the project's prefixes
    # ontology/themes.ttl:90-91 "id:theme-palliation a kg:Theme ; ... skos:prefLabel "Palliation"@da"
    link = turtle.locator("a", has_text=re.compile(r"^id:theme-palliation$"))
    assert link.get_attribute("href") == "resource/theme-palliation"
    assert page.locator("#download-csv").is_hidden()
    graphs = {}
    for button, extension, rdf_format in (("#download-turtle", "ttl", "turtle"), ("#download-ntriples", "nt", "nt"),
                                          ("#download-jsonld", "jsonld", "json-ld")):
        file = download(page, button)
        assert re.fullmatch(rf"query-[0-9a-f]{{8}}\.{extension}", file.suggested_filename)
        graphs[extension] = Graph().parse(data=read_download(file).decode("utf-8"), format=rdf_format)
    assert (URIRef(f"{ID}theme-palliation"), SKOS.prefLabel, Literal("Palliation", lang="da")) in graphs["ttl"]
    assert isomorphic(graphs["ttl"], graphs["jsonld"]) and isomorphic(graphs["ttl"], graphs["nt"])
    assert len(graphs["ttl"]) == len(Graph().parse(data=turtle.inner_text(), format="turtle"))


def test_the_csv_for_danish_excel_has_a_bom_semicolons_a_decimal_comma_and_the_plain_csvs_rows(
        page: "Page", embedded_server: RunningServer) -> None:
    run_in_editor(page, embedded_server, LIFETIME_RISK)  # kg:value 33.3 (see the test above)
    wait_for_result(page)
    plain = download(page, "#download-csv")
    excel = download(page, "#download-excel")
    assert plain.suggested_filename == excel.suggested_filename
    raw = read_download(excel)
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark Excel needs
    text = raw[3:].decode("utf-8")
    assert text.splitlines()[0] == "figure;value;unit"
    excel_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    plain_rows = list(csv.reader(io.StringIO(read_download(plain).decode("utf-8"))))
    assert excel_rows == [["figure", "value", "unit"],
                          [f"{ID}figure-sjaelland-8-punktsplan-hver-tredje-dansker-faar-kraeft", "33,3",
                           f"{ID}unit-percent"]]
    assert plain_rows == [row[:1] + [row[1].replace(",", ".")] + row[2:] for row in excel_rows]


def test_downloads_are_named_after_the_query_and_its_parameter_values(
        page: "Page", embedded_server: RunningServer) -> None:
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "plan-items-by-theme")
    set_parameter(page, "theme", f"{ID}theme-palliation", label="Palliation")
    run_form(page)
    # ontology/themes.ttl:90 id:theme-palliation; plan items on it include 002's point 7 "Senfølger og palliation"
    page.wait_for_selector(".result-table tbody tr:has-text('palliation')")
    assert download(page, "#download-csv").suggested_filename == "plan-items-by-theme_theme-palliation.csv"
    assert download(page, "#download-tsv").suggested_filename == "plan-items-by-theme_theme-palliation.tsv"
    assert download(page, "#download-json").suggested_filename == "plan-items-by-theme_theme-palliation.json"
    open_and_wait(page, "search")
    set_parameter(page, "text", "almen praksis")
    run_form(page)
    page.wait_for_selector(".result-table tbody tr:has-text('almen praksis')")
    assert download(page, "#download-csv").suggested_filename == "search_almen-praksis.csv"
    run_in_editor(page, embedded_server, "SELECT ?theme WHERE { ?theme a kg:Theme } LIMIT 3")
    page.wait_for_selector(".result-table tbody tr")
    first = download(page, "#download-csv").suggested_filename
    assert re.fullmatch(r"query-[0-9a-f]{8}\.csv", first)
    run_in_editor(page, embedded_server, "SELECT ?theme WHERE { ?theme a kg:Theme } LIMIT 4")
    page.wait_for_selector(".result-table tbody tr:nth-child(4)")
    assert download(page, "#download-csv").suggested_filename != first  # another query, another name


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1024, 768), (1366, 900)])
def test_a_wide_result_scrolls_inside_its_panel_and_never_widens_the_page(
        page: "Page", embedded_server: RunningServer, width: int, height: int, tmp_path: Path) -> None:
    page.set_viewport_size({"width": width, "height": height})
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "amounts")  # 16 columns, several of long text
    page.wait_for_selector(f".result-table a[href^='resource/{BLOCK_GRANT}']")
    box = page.locator(".table-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")  # the table is wider than its panel ...
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # ... and the page is not
    assert box.evaluate("box => box.getBoundingClientRect().right <= innerWidth")
    chart = page.locator("#chart")
    if chart.is_visible():  # beside a chart the table keeps the panel's width: the chart goes below it
        assert chart.evaluate("c => c.getBoundingClientRect().top") >= box.evaluate(
            "b => b.getBoundingClientRect().bottom")
    page.screenshot(path=str(tmp_path / f"result-{width}.png"), full_page=True)


def test_the_saved_queries_list_gives_the_column_labels_of_each_header(embedded_server: RunningServer) -> None:
    with urllib.request.urlopen(f"{embedded_server.url}/api/queries", timeout=30) as response:
        listed = {entry["name"]: entry for entry in json.load(response)}
    for name, query in load_queries().items():
        assert listed[name]["columns"] == {c.variable: {"da": c.label.da, "en": c.label.en} for c in query.columns}
    # theme-coverage-two-regions.rq `#+ columns:` "inRegionA: {da: I region A (antal), en: In region A (count)}"
    assert listed["theme-coverage-two-regions"]["columns"]["inRegionA"] == {
        "da": "I region A (antal)", "en": "In region A (count)"}


def test_only_the_status_line_is_a_live_region_not_the_table(page: "Page", embedded_server: RunningServer) -> None:
    choose_language(page, embedded_server, "da")
    open_and_wait(page, "amounts")
    live = page.locator("#results [aria-live], #results[aria-live]").evaluate_all("found => found.map(e => e.id)")
    assert live == ["result-info"]
    assert page.locator(".result-table").evaluate("table => table.closest('[aria-live]')") is None
    assert re.fullmatch(r"\d+ rækker · \d+ ms", page.locator("#result-info").inner_text())
