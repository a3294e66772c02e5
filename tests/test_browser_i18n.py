"""The page in both languages, the front page that orients, and access by keyboard, in Chromium (issue 13, findings
11, 12 and 13).

Danish is the page's default language; ?lang= in the address and the last choice (localStorage) change it. Expected
data labels are read from the curated Turtle and the source texts (cited), the expected tags from the saved
queries' own headers.
"""

import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from kraeftgraf.namespaces import ID
from kraeftgraf.queries.saved import load_queries

from .browser_support import open_query
from .endpoint_support import RunningServer
from .query_support import curated_data, quotes_and_facts

if TYPE_CHECKING:
    from playwright.sync_api import Page

SJAELLAND = str(ID["document-sjaelland-8-punktsplan"])
MENU = {"da": ["Søg i teksterne", "Gemte spørgsmål", "SPARQL-editor", "Ontologi", "API"],
        "en": ["Search the texts", "Saved questions", "SPARQL editor", "Ontology", "API"]}


def front_page(page: "Page", server: RunningServer, query: str = "") -> None:
    page.goto(f"{server.url}/{query}")
    page.wait_for_selector("#documents tr[data-document]")
    page.wait_for_selector(".card")


def test_the_page_speaks_danish_by_default_menu_intro_and_buttons(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    assert page.evaluate("document.documentElement.lang") == "da"
    assert page.locator("header.site nav a").all_inner_texts() == MENU["da"]
    assert page.locator("#tab-queries .intro").inner_text().startswith("Spørgsmål, en forsker kan stille")
    assert page.locator("#search-form button[type=submit]").inner_text() == "Søg"
    assert page.locator("#filter").get_attribute("placeholder") == "Filtrér med ord"
    assert page.locator("#documents thead th").all_inner_texts()[:3] == ["Dokument", "Udgiver", "År"]


def test_english_turns_texts_and_data_labels_english(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    page.locator('.lang-switch button[data-lang="en"]').click()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("header.site nav a").all_inner_texts() == MENU["en"]
    assert page.locator("#tab-queries .intro").inner_text().startswith("Questions a researcher can ask")
    assert page.locator("#search-form button[type=submit]").inner_text() == "Search"
    row = page.locator(f'#documents tr[data-document="{SJAELLAND}"]')
    # reference-organisations.ttl: id:region-sjaelland rdfs:label "Region Sjælland"@da , "Region Zealand"@en;
    # reference-documents.ttl: the document's English label "8-point plan for the cancer area in Region Zealand".
    assert row.locator("td").nth(1).inner_text() == "Region Zealand"
    assert row.locator(".title").inner_text() == "8-point plan for the cancer area in Region Zealand"
    first = next(iter(load_queries().values()))
    assert page.locator(f'.card[data-query="{first.name}"] .summary').inner_text() == first.summary.en


def test_the_choice_is_kept_in_the_address_and_after_a_reload(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    page.locator('.lang-switch button[data-lang="en"]').click()
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["lang"] == ["en"]
    page.reload()
    page.wait_for_selector(".card")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("header.site nav a").first.inner_text() == MENU["en"][0]
    assert page.locator('.lang-switch button[data-lang="en"]').get_attribute("aria-pressed") == "true"
    front_page(page, embedded_server, "?lang=da")  # a shared link's language wins over the last choice
    assert page.evaluate("document.documentElement.lang") == "da"
    front_page(page, embedded_server)
    assert page.evaluate("document.documentElement.lang") == "da"  # ... and becomes the choice


def test_an_entity_page_switches_language(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/resource/recommendation-hovedstaden-del-2-5")
    assert page.evaluate("document.documentElement.lang") == "da"
    theme = page.locator('th a[title="https://w3id.org/kraeftgraf/vocab#addressesTheme"]')
    assert theme.inner_text() == "vedrører tema"  # ontology/kraeftgraf.ttl: rdfs:label "vedrører tema"@da
    page.locator('.lang-switch a[hreflang="en"]').click()
    page.wait_for_url("**/resource/recommendation-hovedstaden-del-2-5?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert theme.inner_text() == "addresses theme"  # ... , "addresses theme"@en
    assert page.locator("h1").inner_text().startswith("Recommendation 5")
    assert "Statements" in page.locator("h2").all_inner_texts()


def test_the_ontology_page_switches_language(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/ontology")
    assert page.evaluate("document.documentElement.lang") == "da"
    assert page.locator("#classes h2").inner_text() == "Klasser"
    assert page.locator("#Recommendation h3").inner_text() == "Anbefaling"
    page.locator('.lang-switch a[hreflang="en"]').click()
    page.wait_for_url("**/ontology?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("#classes h2").inner_text() == "Classes"
    assert page.locator("#Recommendation h3").inner_text() == "Recommendation"


def test_the_front_page_shows_each_documents_facts_and_quotes(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    rows = page.locator("#documents tbody tr[data-document]")
    assert rows.count() == 5
    data = curated_data()
    for i in range(rows.count()):
        row = rows.nth(i)
        quotes, facts = quotes_and_facts(data, str(row.get_attribute("data-document")))
        assert row.locator('[data-count="quotes"]').inner_text().replace(".", "") == str(quotes)
        assert row.locator('[data-count="facts"]').inner_text().replace(".", "") == str(facts)
    # 002 line 22: "Regionsrådet har den 23. august 2021 vedtaget denne 8-punktsplan"; the others name no year.
    sjaelland = page.locator(f'#documents tr[data-document="{SJAELLAND}"]')
    assert sjaelland.locator("td").nth(2).inner_text() == "2021"


def test_start_here_opens_saved_questions_whose_parameters_give_answers(
        page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    cards = page.locator("#start-here a.start-card")
    assert 4 <= cards.count() <= 6
    queries = load_queries()
    for i in range(cards.count()):
        address = urllib.parse.urlparse(str(cards.nth(i).get_attribute("href")))
        given = {k: v[0] for k, v in urllib.parse.parse_qs(address.query).items()}
        name = given.pop("q")
        given.pop("lang", None)
        assert name in queries, name
        assert set(given) <= {param.name for param in queries[name].params}, name
        request = urllib.request.Request(
            f"{embedded_server.url}/api/queries/{name}?{urllib.parse.urlencode(given)}",
            headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.load(response)["results"]["bindings"], f"{name} with {given} answers no rows"


def test_the_gallery_is_grouped_by_topic(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    topics = page.locator("#gallery section.topic")
    assert topics.count() >= 4
    in_topics = sum(topics.nth(i).locator(".card").count() for i in range(topics.count()))
    assert in_topics == len(load_queries())  # every question in exactly one topic
    screening = page.locator('#gallery section.topic[data-topic="screening"] .card')
    tagged = {q.name for q in load_queries().values() if "screening" in q.tags}
    assert {screening.nth(i).get_attribute("data-query") for i in range(screening.count())} == tagged


def test_a_tag_shows_exactly_the_questions_that_carry_it(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    # "år" is a whole tag of a few queries (#+ tags: [..., år, year]) and a part of many words ("måler", "århus").
    tagged = {q.name for q in load_queries().values() if "år" in q.tags}
    assert 0 < len(tagged) < len(load_queries()) // 2
    chip = page.locator('#tags button.tag[data-tag="år"]')
    chip.click()
    assert chip.get_attribute("aria-pressed") == "true"
    shown = page.locator("#gallery .card")
    assert {shown.nth(i).get_attribute("data-query") for i in range(shown.count())} == tagged
    chip.click()
    assert page.locator("#gallery .card").count() == len(load_queries())


def test_a_skip_link_leads_to_the_first_question_in_few_tab_presses(
        page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main" and "#" not in page.url
    presses = 1
    while not page.evaluate("!!document.activeElement.closest('.start-card, .card')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 5, f"no question reached after {presses} Tab presses"


def test_small_targets_are_at_least_24_pixels(page: "Page", embedded_server: RunningServer) -> None:
    front_page(page, embedded_server)
    targets = page.locator("#tags button.tag, .lang-switch button, #start-here a.start-card, .card > button")
    assert targets.count() > 10
    for i in range(targets.count()):
        box = targets.nth(i).bounding_box()
        assert box and box["width"] >= 24 and box["height"] >= 24, (targets.nth(i).inner_text(), box)


def test_focus_moves_to_the_result_heading_after_a_run(page: "Page", embedded_server: RunningServer) -> None:
    open_query(page, embedded_server, "theme-overview")
    page.wait_for_selector(".result-table tbody tr")
    page.locator("#result-title:focus").wait_for()


def test_the_front_page_fits_a_desktop_and_a_phone_without_scrolling_sideways(
        page: "Page", embedded_server: RunningServer, tmp_path: Path) -> None:
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        front_page(page, embedded_server)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("#start-here a.start-card").first.is_visible()
        page.screenshot(path=str(tmp_path / f"front-{width}x{height}.png"), full_page=True)


def test_the_skip_link_keeps_the_tab_that_is_shown(page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/#search")
    page.wait_for_selector("#search-text")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator("#tab-search").is_visible() and not page.locator("#tab-queries").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "search-text"
