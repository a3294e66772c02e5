"""Shareable state, saved-query forms and running, in a real headless Chromium (issue 13, findings 1, 2, 3, 6, 7).

These tests run on their own `kraeftgraf serve` of the embedded data with a short time limit and no per-client
limit, so that the slow query the cancel tests start neither holds a worker for long nor refuses the next request.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from kraeftgraf.resources import resource_dir

from .browser_support import choose_resource, open_query, wait_until
from .endpoint_support import RunningServer, running_server

if TYPE_CHECKING:
    from playwright.sync_api import Page

ID = "https://w3id.org/kraeftgraf/id/"
# Every triple with every triple with every triple, counted: far more work than the time limit allows.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# ontology/themes.ttl line 91: id:theme-palliation ... rdfs:label "Palliation"@da , "Palliation"@en
THEMES = 'SELECT ?theme ?label WHERE { ?theme a kg:Theme ; rdfs:label ?label FILTER(LANG(?label) = "da") ' \
         'FILTER(STRSTARTS(?label, "Palli")) } ORDER BY ?label'


@pytest.fixture(scope="module")
def embedded_server() -> Iterator[RunningServer]:
    """This module's server (the `page` fixture's only allowed origin): the embedded data, a 6 s limit per query."""
    with running_server(["--timeout", "6", "--per-client", "0"]) as server:
        yield server


def editor_text(page: "Page") -> str:
    """The editor's text through its module's API (getQuery), whatever widget shows it."""
    text = page.evaluate("import('./static/js/editor.js').then((editor) => editor.getQuery())")
    assert isinstance(text, str)
    return text


def table_rows(page: "Page") -> list[str]:
    return page.locator(".result-table tbody tr").all_inner_texts()


def wait_until_done(page: "Page") -> None:
    """Until no run is in progress (the Cancel button is offered only while one is)."""
    page.wait_for_selector("#run-cancel", state="hidden")
    wait_until(page, "() => !document.body.classList.contains('running')")


def test_a_text_parameter_takes_any_text(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "search")
    field = page.locator("#param-text")
    assert field.evaluate("(node) => node.tagName") == "INPUT"  # not a list of five fixed words
    wait_until_done(page)
    field.fill("pårørende")
    page.locator("#query-form button[type=submit]").click()
    wait_until(page, "() => location.href.includes('/?q=search&text=p%C3%A5r%C3%B8rende')")
    wait_until_done(page)
    rows = table_rows(page)
    # ../shared/seeds/002_31b870cea9142a86.txt line 220: "... hjælper patient og pårørende med information"
    assert rows, "the search for pårørende found no text"
    assert all("pårørende" in row.lower() for row in rows)


def test_a_resource_field_finds_a_theme_by_part_of_its_danish_label(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")
    wait_until_done(page)
    field = page.locator("#param-theme")
    field.fill("")
    field.focus()
    # Before typing: the header's enumerate choices (queries/plan-items-by-theme.rq), labelled in Danish
    suggestions = page.locator("#param-theme-options [role=option] .option-label")
    suggestions.first.wait_for()
    assert "Palliation" in suggestions.all_inner_texts()
    field.press_sequentially("tidlig ops")
    # ontology/themes.ttl line 16: id:theme-early-detection ... rdfs:label "Tidlig opsporing"@da
    option = page.locator("#param-theme-options [role=option]", has_text="Tidlig opsporing")
    option.wait_for()
    page.screenshot(path=str(tmp_path / "resource-field.png"))
    option.click()
    assert page.locator("#query-form input[type=hidden][name=theme]").input_value() == f"{ID}theme-early-detection"
    assert field.input_value() == "Tidlig opsporing"
    page.locator("#query-form button[type=submit]").click()
    wait_until(page, "() => location.href.includes('theme=id%3Atheme-early-detection')")
    wait_until_done(page)
    assert page.locator("#error").is_hidden()


def test_a_year_is_a_number_within_the_years_the_data_holds(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "initiatives-in-year")
    year = page.locator("#param-year")
    assert year.get_attribute("type") == "number"
    # The years of kg:startYear and kg:completionYear in the data files (checked against them in
    # tests/test_saved_query_text.py); the form's old list stopped at 2017.
    lowest, highest = int(year.get_attribute("min") or 0), int(year.get_attribute("max") or 0)
    assert lowest < 2017 and highest >= 2025


def test_back_after_two_runs_restores_the_first_form_and_result(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")  # runs with the default theme, late effects
    wait_until_done(page)
    first_rows = table_rows(page)
    # ../shared/seeds/000_959267de805e99f3.txt: Anbefaling 5 is about late effects (senfølger)
    assert any("Anbefaling 5" in row for row in first_rows)
    choose_resource(page, "theme", "pallia", "Palliation")
    page.locator("#query-form button[type=submit]").click()
    wait_until(page, "() => history.state && history.state.run && !history.state.draft "
                "&& location.search.includes('theme=id%3Atheme-palliation')")  # the run's own step
    wait_until_done(page)
    second_rows = table_rows(page)
    assert second_rows != first_rows
    page.go_back()
    wait_until(page, "() => location.search.includes('theme=id%3Atheme-late-effects')")
    wait_until(page, "() => document.querySelector('#param-theme').value === 'Senfølger'")
    assert page.locator("#query-form input[name=theme]").input_value() == f"{ID}theme-late-effects"
    assert table_rows(page) == first_rows
    page.go_forward()
    wait_until(page, "() => document.querySelector('#param-theme').value === 'Palliation'")
    assert table_rows(page) == second_rows


def test_a_fresh_tab_on_a_saved_query_link_runs_it_with_those_values(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/?q=plan-items-by-theme&theme=id:theme-palliation")
    page.wait_for_selector(".result-table tbody tr")
    wait_until_done(page)
    assert page.locator("#param-theme").input_value() == "Palliation"
    # ../shared/seeds/000_959267de805e99f3.txt line 51 "Spor 3: Palliation (lindring)", line 58 "Anbefaling 8",
    # line 60-61 "... systematisk får vurderet deres palliative behov"; the data labels it
    # "Anbefaling 8: Systematisk vurdering af palliative behov på hospitalerne"
    # (data/ttl/reference-plan-hovedstaden-kraeftplan-del-2.ttl line 157), on basic palliation, narrower than palliation
    assert any("Anbefaling 8: Systematisk vurdering af palliative behov" in row for row in table_rows(page))
    page.screenshot(path=str(tmp_path / "saved-query-link-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "saved-query-link-phone.png"), full_page=True)


def test_a_fresh_tab_on_a_query_link_opens_the_editor_and_runs_it(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/?query={quote(THEMES)}")
    page.wait_for_selector(".result-table tbody tr")
    assert page.locator("#tab-sparql").is_visible()
    assert editor_text(page) == THEMES
    labels = [row.split("\t")[-1] for row in table_rows(page)]
    assert "Palliation" in labels


def test_chromium_opening_a_sparql_link_lands_on_the_page_with_the_query(
        page: "Page", embedded_server: RunningServer) -> None:
    response = page.goto(f"{embedded_server.url}/sparql?query={quote(THEMES)}")  # a download would raise here
    assert response is not None and response.ok
    address = urlsplit(page.url)
    assert address.path == "/" and parse_qs(address.query)["query"] == [THEMES]
    page.wait_for_selector(".result-table tbody tr")
    assert editor_text(page) == THEMES


def test_the_old_hash_addresses_still_open_what_they_named(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/#q=plan-items-by-theme&theme=id:theme-palliation")
    wait_until(page, "() => location.href.includes('/?q=plan-items-by-theme&theme=id%3Atheme-palliation')")
    page.wait_for_selector(".result-table tbody tr")
    assert page.locator("#param-theme").input_value() == "Palliation"
    page.goto(f"{embedded_server.url}/#sparql")
    wait_until(page, "() => location.href.includes('/?tab=sparql')")
    assert page.locator("#tab-sparql").is_visible()


def test_a_saved_query_shows_its_sparql_and_opens_it_in_the_editor(
        page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")
    wait_until_done(page)
    text = (resource_dir("queries") / "plan-items-by-theme.rq").read_text(encoding="utf-8")
    details = page.locator("#query-form details.sparql-text")
    assert not details.locator("pre").is_visible()  # folded until asked for
    details.locator("summary").click()
    assert details.locator("pre").inner_text().strip() == text.strip()
    details.locator("button.open-in-editor").click()
    assert page.locator("#tab-sparql").is_visible()
    assert editor_text(page) == text


def test_cancel_stops_a_slow_query(page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/?query={quote(SLOW)}")
    cancel = page.locator("#run-cancel")
    cancel.wait_for()
    assert page.locator("#run-sparql").is_disabled()  # Run is not offered again while a run is in progress
    assert "SPARQL" in page.locator("#run-status").inner_text()  # the status line says what runs
    page.screenshot(path=str(tmp_path / "running.png"))
    with page.expect_event("requestfailed", lambda request: "/sparql" in request.url):
        cancel.click()
    wait_until_done(page)
    assert page.locator("#run-sparql").is_enabled()
    assert page.locator("#error").is_visible()
    assert page.locator(".result-table").count() == 0


def test_a_slow_run_overtaken_by_a_fast_one_leaves_the_fast_result(
        page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/?query={quote(SLOW)}")
    page.locator("#run-cancel").wait_for()
    page.locator('nav a[data-tab="queries"]').click()
    with page.expect_event("requestfailed", lambda request: "/sparql" in request.url):  # the slow run has ended
        page.locator('.card[data-query="plan-items-by-theme"] button').click()
    wait_until_done(page)
    assert page.locator("#error").is_hidden()
    assert any("Anbefaling 5" in row for row in table_rows(page))  # late effects, the default theme
    assert page.locator("#result-title").inner_text() == page.locator("#query-form h2").inner_text()


def test_recent_runs_are_kept_and_reopen(page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    page.goto(f"{embedded_server.url}/?q=plan-items-by-theme&theme=id:theme-palliation")
    wait_until_done(page)
    page.wait_for_selector(".result-table tbody tr")
    page.goto(f"{embedded_server.url}/?query={quote(THEMES)}")
    page.wait_for_selector(".result-table tbody tr")
    page.locator("#recent summary").click()
    links = page.locator("#recent-list a")
    assert links.count() == 2
    page.screenshot(path=str(tmp_path / "recent.png"))
    assert parse_qs(urlsplit(links.nth(0).get_attribute("href") or "").query)["query"] == [THEMES]
    links.nth(1).click()
    wait_until(page, "() => location.href.includes('theme=id%3Atheme-palliation')")
    wait_until_done(page)
    assert page.locator("#param-theme").input_value() == "Palliation"


def test_copy_link_copies_the_address_of_the_shown_run(page: "Page", embedded_server: RunningServer) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=embedded_server.url)
    page.goto(f"{embedded_server.url}/?q=plan-items-by-theme&theme=id:theme-palliation&lang=en")
    page.wait_for_selector(".result-table tbody tr")
    wait_until_done(page)
    page.locator("#copy-link").click()
    wait_until(page, "() => document.querySelector('#copy-status').textContent !== ''")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert parse_qs(urlsplit(copied).query) == {"q": ["plan-items-by-theme"], "theme": ["id:theme-palliation"],
                                                "lang": ["en"]}


def test_switching_the_language_keeps_the_form_and_the_address(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/?q=plan-items-by-theme&theme=id:theme-palliation&lang=da")
    wait_until_done(page)
    choose_resource(page, "theme", "senf", "Senfølger")  # chosen, not yet run
    page.locator('.lang-switch button[data-lang="en"]').click()
    # ontology/themes.ttl line 86: id:theme-late-effects rdfs:label "Senfølger"@da , "Late effects"@en
    wait_until(page, "() => document.querySelector('#param-theme').value === 'Late effects'")
    assert page.locator("#query-form input[name=theme]").input_value() == f"{ID}theme-late-effects"
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["en"]
    page.reload()
    wait_until_done(page)
    assert page.locator('.lang-switch button[data-lang="en"]').get_attribute("class") == "active"


def test_a_reload_keeps_what_was_typed_but_not_run(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "plan-items-by-theme")
    wait_until_done(page)
    choose_resource(page, "theme", "pallia", "Palliation")
    page.reload()
    page.wait_for_selector(".result-table tbody tr")
    assert page.locator("#param-theme").input_value() == "Palliation"
    page.goto(f"{embedded_server.url}/?tab=sparql")
    page.wait_for_selector(".card", state="attached")  # the editor is set up before the gallery comes
    page.evaluate("import('./static/js/editor.js').then((editor) => editor.setQuery('ASK { ?s ?p ?o }'))")
    page.reload()
    page.wait_for_selector(".card", state="attached")  # the gallery comes after the editor is set up
    assert page.locator("#tab-sparql").is_visible()
    assert editor_text(page) == "ASK { ?s ?p ?o }"


def test_a_link_with_a_wrong_name_or_value_says_which(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/?q=plan-items-by-thme")
    page.wait_for_selector("#query-form-pane .error")
    assert "plan-items-by-thme" in page.locator("#query-form-pane .error").inner_text()
    page.goto(f"{embedded_server.url}/?q=initiatives-in-year&year=tyve")  # no number: said, not run with the default
    page.wait_for_selector("#query-form .error")
    assert "year" in page.locator("#query-form .error").inner_text()
    assert "tyve" in page.locator("#query-form .error").inner_text()
    assert page.locator(".result-table").count() == 0
    page.goto(f"{embedded_server.url}/?q=initiatives-in-year&year=1850")  # a number, but no year: the server says so
    page.locator("#error").wait_for()
    assert "year" in page.locator("#error").inner_text()
    page.goto(f"{embedded_server.url}/?q=initiatives-in-year&yaer=2020")
    page.wait_for_selector("#query-form .error")
    assert "yaer" in page.locator("#query-form .error").inner_text()
    assert page.locator(".result-table").count() == 0  # not run with a value it would have dropped
