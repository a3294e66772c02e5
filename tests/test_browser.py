"""The researcher page in a real headless Chromium (Debian's chromium driven by Playwright), on the embedded data.

The browser and the tab that may reach only the server are in browser_support.py (shared through conftest.py).
"""

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from kraeftgraf.queries.saved import load_queries

from .browser_support import choose_resource, editor_text, open_query, set_editor
from .endpoint_support import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_the_page_loads_the_gallery_of_every_saved_query(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/")
    page.wait_for_selector(".card")
    queries = load_queries()
    assert page.locator(".card").count() == len(queries)
    first = next(iter(queries.values()))
    card = page.locator(f'.card[data-query="{first.name}"]')
    assert card.locator(".summary").inner_text() == first.summary.da
    page.locator('.lang-switch button[data-lang="en"]').click()
    assert card.locator(".summary").inner_text() == first.summary.en
    page.screenshot(path=str(tmp_path / "gallery.png"), full_page=True)


def test_the_front_page_lists_the_five_source_documents_by_their_citation_labels(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/")
    page.wait_for_selector("#documents tr[data-document]")
    # One per source text in ../shared/seeds (000-004). 002 line 22: "Regionsrådet har den 23. august 2021 vedtaget
    # denne 8-punktsplan"; 000 gives no year at all, so its label says "(u.å.)".
    links = page.locator("#documents tr[data-document] td:first-child a:first-child")
    assert links.count() == 5
    shown = links.all_inner_texts()
    assert "Region Sjælland 2021, 8-punktsplan for kræftområdet" in shown
    assert "Region Hovedstaden (u.å.), Anbefalinger, Kræftplan del 2" in shown
    sjaelland = page.locator("#documents a", has_text="Region Sjælland 2021")
    assert sjaelland.get_attribute("href") == "resource/document-sjaelland-8-punktsplan"
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)


def test_a_saved_query_runs_and_the_table_fills_with_links_that_open_entity_pages(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")
    choose_resource(page, "theme", "senf", "Senfølger")
    page.locator("#query-form button[type=submit]").click()
    page.wait_for_selector(".result-table tbody tr")
    link = page.locator(".result-table a", has_text="Anbefaling 5").first
    assert link.get_attribute("href") == "resource/recommendation-hovedstaden-del-2-5"
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)
    link.click()
    page.wait_for_url("**/resource/recommendation-hovedstaden-del-2-5")
    assert page.locator("h1").inner_text().startswith("Anbefaling 5")
    assert page.locator("blockquote").count() >= 1
    page.screenshot(path=str(tmp_path / "entity.png"), full_page=True)


def test_a_result_with_a_label_and_a_number_gets_a_bar_chart(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/#sparql")
    set_editor(page, """SELECT ?trackLabel (COUNT(?recommendation) AS ?recommendations) WHERE {
  ?recommendation a kg:Recommendation ; kg:inTrack ?track .
  ?track rdfs:label ?trackLabel FILTER(LANG(?trackLabel) = "da")
} GROUP BY ?trackLabel ORDER BY ?trackLabel""")
    page.click("#run-sparql")
    page.wait_for_selector(".result-table tbody tr")
    labels = page.locator(".result-table tbody tr td:first-child").all_inner_texts()
    counts = page.locator(".result-table tbody tr td.number").all_inner_texts()
    assert page.locator("#chart").is_visible()
    page.wait_for_selector("#chart canvas")
    chart = page.evaluate("""async (base) => {
      const { Chart } = await import(`${base}/static/vendor/chart.js`);
      const chart = Chart.getChart(document.querySelector('#chart canvas'));
      return { type: chart.config.type, labels: chart.data.labels, data: chart.data.datasets[0].data };
    }""", embedded_server.url)
    assert chart["type"] == "bar" and len(labels) >= 2
    assert chart["labels"] == labels and [str(v) for v in chart["data"]] == counts
    page.screenshot(path=str(tmp_path / "chart.png"), full_page=True)


def test_the_editor_starts_with_the_prefixes_and_shows_the_error_of_a_wrong_query(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/#sparql")
    page.wait_for_selector("#editor .cm-content")
    page.locator("#editor .cm-content", has_text="PREFIX kg:").wait_for()
    assert "PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>" in editor_text(page)
    set_editor(page, "SELECT ?x WHERE { ?x }")
    page.keyboard.press("Control+Enter")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "not valid SPARQL" in error.inner_text() and "line 1" in error.inner_text()
    page.screenshot(path=str(tmp_path / "error.png"), full_page=True)


def test_results_download_as_csv_and_json(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")
    page.locator("#query-form button[type=submit]").click()
    page.wait_for_selector(".result-table tbody tr")
    shown = page.locator(".result-table tbody tr").count()
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    with open(csv_download.value.path(), encoding="utf-8") as downloaded:
        table = list(csv.reader(io.StringIO(downloaded.read())))
    assert table[0][0] == "item" and len(table) - 1 == shown
    with page.expect_download() as json_download:
        page.click("#download-json")
    # named after the query and its parameter value (finding 14 of issue 13): the default theme, id:theme-late-effects
    assert csv_download.value.suggested_filename == "plan-items-by-theme_theme-late-effects.csv"
    with open(json_download.value.path(), encoding="utf-8") as downloaded:
        results = json.load(downloaded)
    assert results["head"]["vars"][0] == "item" and len(results["results"]["bindings"]) == shown


def test_the_search_box_shows_hits_with_marked_snippets_and_their_documents(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/#search")
    page.fill("#search-text", "pårørendes")
    page.press("#search-text", "Enter")
    page.wait_for_selector(".hit")
    # ontology/themes.ttl: the theme labelled "Pårørende" is the best hit, its label marked
    first = page.locator(".hit").first
    assert first.locator(".hit-label").inner_text() == "Pårørende"
    assert first.locator("mark").first.inner_text().lower().startswith("pårørend")
    # 003:242 "de pårørendes behov og problemer": a quote whose hit names the newsletter, linked to its page
    newsletter = page.locator(".hit-documents a", has_text="Nyhedsbrev om Kræftplan IV's værktøjer").first
    assert newsletter.get_attribute("href") == "resource/document-sst-nyhedsbrev-kraeftplan-iv"
    assert "Nyhedsbrev om Kræftplan IV's værktøjer" in page.locator("#search-documents").inner_text()
    assert page.url.endswith("#search=p%C3%A5r%C3%B8rendes")
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)


def test_a_hit_in_a_source_text_opens_the_viewer_at_its_lines(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/?lang=en#search")  # the page speaks Danish unless asked for English
    page.select_option("#search-in", "text")
    page.fill("#search-text", "pårørende")
    page.press("#search-text", "Enter")
    page.wait_for_selector(".hit")
    # 002:220 "samt hjælper patient og pårørende med information": no quote of 002 says it, its text does; the
    # document by its English label (reference-documents.ttl)
    documents = page.locator("#search-documents").inner_text()
    assert "8-point plan for the cancer area in Region Zealand (only in its text: 1 passage)" in documents
    hit = page.locator(".hit", has=page.locator(".hit-documents a", has_text="8-point plan for the cancer area")).first
    assert hit.locator(".hit-field").inner_text() == "passage of the source text"
    hit.locator("a.in-source").click()
    page.wait_for_url("**/source/document-sjaelland-8-punktsplan#L*")
    marked = page.locator("tr.target")
    assert marked.count() >= 1 and "pårørende" in page.locator("#L220").inner_text()
    assert page.locator("#L220").get_attribute("class") == "target"


def test_the_search_box_shows_what_to_fix_in_a_search_that_cannot_run(
        page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/#search")
    page.fill("#search-text", '"kræftplan IV')
    page.press("#search-text", "Enter")
    error = page.locator("#search-error")
    error.wait_for(state="visible")
    assert "text=" in error.inner_text() and "none that closes it" in error.inner_text()


def test_the_server_rendered_pages_work_under_their_policy(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/resource/recommendation-hovedstaden-del-2-5")
    assert page.locator("h1").inner_text().startswith("Anbefaling 5")
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"  # app.css
    page.goto(f"{embedded_server.url}/ontology")
    page.wait_for_selector("h1")
    page.goto(f"{embedded_server.url}/no/such/page")
    assert "Not found" in page.locator("h1").inner_text()


def test_the_api_docs_run_their_one_inline_script_under_their_policy(
        page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/docs")
    page.wait_for_selector(".opblock")  # Swagger UI started, by the inline script the policy names by hash
    assert page.locator(".opblock").count() >= len(load_queries())


def test_redoc_runs_under_its_policy_and_stays_offline(
        page: "Page", embedded_server: RunningServer, csp_violations: list[str]) -> None:
    page.goto(f"{embedded_server.url}/redoc")
    page.wait_for_selector("li[data-item-id]")
    page.wait_for_load_state("networkidle")
    # ReDoc shows Redocly's logo from a CDN, and hides it when it does not load: the offline page never loads it.
    csp_violations[:] = [v for v in csp_violations if "https://cdn.redoc.ly/" not in v]


def test_the_source_viewer_opens_at_a_range_of_lines_and_marks_them(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    # 002, lines 114-115: "Målrettet indsats for at sikre korrekt registrering med særligt fokus på markører i"
    # / "kræftpakkeforløbene."
    page.goto(f"{embedded_server.url}/source/document-sjaelland-8-punktsplan#L114-L115")
    page.wait_for_selector("tr.target")
    assert page.locator("tr.target").evaluate_all("rows => rows.map(row => row.id)") == ["L114", "L115"]
    assert page.locator("#L114 mark.quote").inner_text().startswith("Målrettet indsats for at sikre korrekt")
    assert page.evaluate("(() => { const box = document.getElementById('L114').getBoundingClientRect();"
                         " return box.top >= 0 && box.bottom <= innerHeight; })()")
    page.screenshot(path=str(tmp_path / "source.png"))


def test_the_evidence_query_links_each_quote_to_its_place_in_the_viewer(
        page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "evidence-for-resource")  # runs with its default: recommendation 5
    # 000, lines 37-39: "Regionen styrker patienternes mulighed for systematisk og helhedsorienteret" ... "en
    # styrket organisering af hospitalernes indsats på senfølgeområdet med fokus".
    link = page.locator(".result-table a.in-source", has_text="Regionen styrker patienternes mulighed").first
    assert link.get_attribute("href") == "source/document-hovedstaden-kraeftplan-del-2-anbefalinger#L37-L39"
    link.click()
    page.wait_for_url("**/source/document-hovedstaden-kraeftplan-del-2-anbefalinger#L37-L39")
    page.wait_for_selector("tr.target")
    assert page.locator("tr.target").evaluate_all("rows => rows.map(row => row.id)") == ["L37", "L38", "L39"]


def test_a_row_with_several_quotes_links_each_to_its_own_place_in_the_viewer(
        page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")  # runs with its default: late effects
    # 002 names its point 7 twice: lines 42-44 "7.\t� Senfølger og palliation på kræftområdet skal have særligt " /
    # "" / "fokus" (the overview), and lines 443-444 " Senfølger og palliation skal " / "have særligt fokus".
    row = page.locator(".result-table tbody tr", has_text="Senfølger og palliation skal have særligt fokus")
    quotes = row.locator("a.in-source")
    quotes.first.wait_for()
    assert quotes.evaluate_all("links => links.map(link => [link.textContent, link.getAttribute('href')])") == [
        ["Senfølger og palliation på kræftområdet skal have særligt fokus",
         "source/document-sjaelland-8-punktsplan#L42-L44"],
        ["Senfølger og palliation skal have særligt fokus", "source/document-sjaelland-8-punktsplan#L443-L444"],
        ["L42-L44", "source/document-sjaelland-8-punktsplan#L42-L44"],  # the sourceLink column, in the same order
        ["L443-L444", "source/document-sjaelland-8-punktsplan#L443-L444"],
    ]
    quotes.nth(1).click()
    page.wait_for_url("**/source/document-sjaelland-8-punktsplan#L443-L444")
    page.wait_for_selector("tr.target")
    assert page.locator("tr.target").evaluate_all("rows => rows.map(row => row.id)") == ["L443", "L444"]
    assert "Senfølger og palliation skal" in page.locator("#L443 mark.quote").inner_text()
