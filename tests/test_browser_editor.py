"""The SPARQL editor in a real headless Chromium: running with Ctrl+Enter, the server's error marked in the text,
completion from this endpoint, Format, Tab, and the code offered for the query (run here, answering as the page).

The browser and the tab that may reach only the server are in browser_support.py (shared through conftest.py).
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .browser_support import choose_resource, editor_text, open_query, set_editor
from .endpoint_support import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The source text 000 (Region Hovedstaden, Kræftplan del 2) names three tracks, line 7 "Spor 1: Tidlig opsporing og
# hurtig diagnostik", line 27 "Spor 2: Opfølgning efter kræft", line 51 "Spor 3: Palliation (lindring)".
TRACKS_QUERY = ('SELECT ?label WHERE { ?track a kg:Track ; rdfs:label ?label '
                'FILTER(LANG(?label) = "da" && STRSTARTS(?label, "Spor")) } ORDER BY ?label')
TRACKS = ["Spor 1: Tidlig opsporing og hurtig diagnostik", "Spor 2: Opfølgning efter kræft",
          "Spor 3: Palliation (lindring)"]
COMPLETION = "#editor .cm-tooltip-autocomplete"


def open_editor(page: "Page", server: RunningServer) -> None:
    page.goto(f"{server.url}/#sparql")
    page.wait_for_selector("#editor .cm-content")


def table_cells(page: "Page") -> list[list[str]]:
    page.wait_for_selector(".result-table tbody tr")
    return [row.locator("td").all_inner_texts() for row in page.locator(".result-table tbody tr").all()]


def test_the_editor_starts_with_the_projects_prefixes_and_an_example(page: "Page",
                                                                     embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    page.locator("#editor .cm-content", has_text="PREFIX kg:").wait_for()
    shown = editor_text(page)
    assert "PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>" in shown and "kg:Recommendation" in shown
    assert page.locator("#editor .cm-content").get_attribute("aria-label") in ("SPARQL-forespørgsel", "SPARQL query")


def test_typing_a_query_and_pressing_ctrl_enter_runs_it_and_the_table_fills(
        page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+a")  # typed over the example, key by key: brackets close themselves and are typed over
    page.keyboard.type(TRACKS_QUERY)
    page.keyboard.press("Control+Enter")
    assert [row[0] for row in table_cells(page)] == TRACKS


def test_a_syntax_error_is_marked_at_the_place_the_server_names(page: "Page", embedded_server: RunningServer,
                                                                tmp_path: Path) -> None:
    open_editor(page, embedded_server)
    # No PREFIX lines: the server predeclares kg: and rdfs:, and must place the error in the text as sent.
    # After the object ?label only `.`, `;`, `,` or `}` may follow (SPARQL 1.1 grammar, TriplesBlock).
    set_editor(page, "SELECT ?s WHERE {\n  ?s a kg:Recommendation .\n  ?s rdfs:label ?label ?extra\n}")
    page.keyboard.press("Control+Enter")
    error = page.locator("#error")
    error.wait_for(state="visible")
    place = re.search(r"line (\d+), column (\d+)", error.inner_text())
    assert place is not None and place.group(1) == "3"
    marked = page.locator("#editor .cm-lintRange-error")
    marked.wait_for()
    assert marked.inner_text() == "?extra"
    third_line = page.locator("#editor .cm-line").nth(2)
    assert third_line.locator(".cm-lintRange-error").count() == 1
    assert page.locator("#editor .cm-gutter-lint .cm-lint-marker-error").count() == 1
    marked.hover()
    message = page.locator("#editor .cm-tooltip-lint")
    message.wait_for()
    assert "unexpected" in message.inner_text()
    page.screenshot(path=str(tmp_path / "error-marker.png"))
    # Fixed and run again: the marker goes.
    set_editor(page, TRACKS_QUERY)
    page.locator("#run-sparql").click()
    table_cells(page)
    assert page.locator("#editor .cm-lintRange-error").count() == 0


def test_completion_offers_the_ontologys_classes_with_their_labels(page: "Page",
                                                                    embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, "SELECT ?r WHERE { ?r ")
    page.keyboard.type("a kg:Reco")
    option = page.locator(f"{COMPLETION} li", has_text="kg:Recommendation")
    option.wait_for()
    # ontology/kraeftgraf.ttl: kg:Recommendation rdfs:label "Anbefaling"@da , "Recommendation"@en
    assert option.locator(".cm-completionDetail").inner_text() in ("Anbefaling", "Recommendation")
    option.click()
    assert editor_text(page) == "SELECT ?r WHERE { ?r a kg:Recommendation"


def test_completion_offers_sparqls_keywords(page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, "SELECT ?r ")
    page.keyboard.type("WHE")
    option = page.locator(f"{COMPLETION} li", has_text="WHERE").first
    option.wait_for()
    option.click()  # Enter accepts only once the list has been open 75 ms (against accidental picks)
    assert editor_text(page) == "SELECT ?r WHERE"


def test_completion_finds_a_resource_by_the_start_of_its_label(page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, "SELECT ?item WHERE { ?item kg:addressesTheme ")
    page.keyboard.type("id:pall")
    # ontology/themes.ttl: id:theme-palliation ... rdfs:label "Palliation"@da , "Palliation"@en
    option = page.locator(f"{COMPLETION} li", has_text="id:theme-palliation").first
    option.wait_for()
    assert "Palliation" in option.locator(".cm-completionDetail").inner_text()
    option.click()
    assert editor_text(page) == "SELECT ?item WHERE { ?item kg:addressesTheme id:theme-palliation"


def test_ctrl_space_on_a_word_of_a_label_offers_the_resource(page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, "SELECT ?item WHERE { ?item kg:addressesTheme Palliation")
    page.keyboard.press("Control+Space")
    option = page.locator(f"{COMPLETION} li", has_text="id:theme-palliation").first
    option.wait_for()
    option.click()
    assert editor_text(page) == "SELECT ?item WHERE { ?item kg:addressesTheme id:theme-palliation"


def test_format_lays_a_one_line_query_out_on_several_lines_that_answer_the_same(
        page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, TRACKS_QUERY)
    page.locator("#format-sparql").click()
    page.locator("#editor .cm-line").nth(3).wait_for()
    formatted = editor_text(page)
    assert formatted.startswith("SELECT ?label WHERE {")
    assert "PREFIX" not in formatted  # kg: and rdfs: stay predeclared, as the author left them
    page.keyboard.press("Control+Enter")
    assert [row[0] for row in table_cells(page)] == TRACKS


def test_format_keeps_the_prefixes_the_author_declared(page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    page.locator("#editor .cm-content", has_text="PREFIX kg:").wait_for()
    before = editor_text(page)
    declared = [line for line in before.split("\n") if line.startswith("PREFIX")]
    assert len(declared) >= 2  # the example declares the project's prefixes, most of them unused
    page.locator("#format-sparql").click()
    page.locator("#editor-status:not(:empty)").wait_for(state="attached")
    after = editor_text(page)
    assert after != before  # formatted, not refused
    assert [line for line in after.split("\n") if line.startswith("PREFIX")] == declared


def test_a_prefix_declaration_completes_from_the_projects_prefixes(
        page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, "")
    page.keyboard.type("PREFIX sko")
    # src/kraeftgraf/namespaces.py binds skos: to the W3C SKOS namespace.
    option = page.locator(f"{COMPLETION} li", has_text="skos:")
    option.wait_for()
    option.click()
    assert editor_text(page) == "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"


def test_format_refuses_to_drop_comments_and_says_so(page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    commented = "# the three tracks of the plan\n" + TRACKS_QUERY
    set_editor(page, commented)
    page.locator("#format-sparql").click()
    status = page.locator("#editor-status")
    status.wait_for()
    page.locator("#editor-status:not(:empty)").wait_for(state="attached")
    assert re.search("comment|kommentar", status.inner_text())
    assert editor_text(page) == commented


def test_tab_indents_and_escape_then_tab_leaves_the_editor(page: "Page", embedded_server: RunningServer) -> None:
    open_editor(page, embedded_server)
    set_editor(page, "SELECT * WHERE {\n?s ?p ?o\n}")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert editor_text(page).split("\n")[1].startswith((" ", "\t"))
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run-sparql"


# A literal with both quote marks and a backslash: each snippet must escape it for its own language.
QUOTING_QUERY = 'SELECT ?label WHERE { BIND("it\'s a \\"quote\\" and a back\\\\slash" AS ?label) }'


@pytest.mark.parametrize("query", [TRACKS_QUERY, QUOTING_QUERY], ids=["tracks", "quotes and backslash"])
def test_the_curl_and_python_snippets_answer_the_rows_the_page_shows(
        page: "Page", embedded_server: RunningServer, query: str) -> None:
    open_editor(page, embedded_server)
    set_editor(page, query)
    page.keyboard.press("Control+Enter")
    shown = [row[0] for row in table_cells(page)]
    page.locator("#code-panel > summary").click()
    curl = page.locator('#code-panel [data-snippet="curl"] pre').inner_text()
    assert curl.startswith(f"curl '{embedded_server.url}/sparql'")
    answer = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=60, check=True)
    rows = json.loads(answer.stdout)["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == shown
    python = page.locator('#code-panel [data-snippet="python"] pre').inner_text()
    printed = subprocess.run([sys.executable, "-c", python], capture_output=True, text=True, timeout=60, check=True)
    assert printed.stdout.splitlines() == [repr({"label": label}) for label in shown]
    # No R here to run it: its request is checked by its parts.
    r_code = page.locator('#code-panel [data-snippet="r"] pre').inner_text()
    assert "library(httr)" in r_code and f'POST("{embedded_server.url}/sparql"' in r_code


def test_a_saved_query_gets_its_call_of_kraeftgrafs_python_api(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")
    choose_resource(page, "theme", "senf", "Senfølger")  # ontology/themes.ttl: id:theme-late-effects, "Senfølger"@da
    page.locator("#query-form button[type=submit]").click()
    shown = len(table_cells(page))
    page.locator('nav a[data-tab="sparql"]').click()
    page.locator("#code-panel > summary").click()
    code = page.locator('#code-panel [data-snippet="kraeftgraf"] pre').inner_text()
    assert 'kg.query("plan-items-by-theme", theme="id:theme-late-effects")' in code
    counted = code.replace("for row in rows:\n    print(row)", "print(len(rows))")
    printed = subprocess.run([sys.executable, "-c", counted], capture_output=True, text=True, timeout=300, check=True)
    assert printed.stdout.strip() == str(shown)
