"""Browser fixtures shared by every browser test file: Debian's Chromium driven by Playwright, and a fresh tab that may
reach only the test server.

Nothing here downloads a browser: the tests use the chromium executable installed on the machine
(`apt-get install chromium`; another one with KRAEFTGRAF_CHROMIUM=/path) and skip, saying so, without it.
"""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .endpoint_support import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

CHROMIUM = os.environ.get("KRAEFTGRAF_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no chromium executable at {CHROMIUM}: install Debian's chromium (apt-get install chromium) "
                    "or set KRAEFTGRAF_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright for Python is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser blocked under the pages' Content-Security-Policy, as it said so on the console."""
    return []


@pytest.fixture
def page(browser: "Browser", embedded_server: RunningServer, csp_violations: list[str]) -> Iterator["Page"]:
    """A fresh tab that may reach only the server: a request anywhere else, or a policy violation, fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []
    tab.on("console", lambda message: csp_violations.append(message.text)
           if "Content Security Policy" in message.text else None)

    def only_the_server(route: Any) -> None:
        if route.request.url.startswith(embedded_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    tab.route("**/*", only_the_server)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert elsewhere == [], f"the page asked for resources outside the server: {elsewhere}"
    assert errors == [], f"the page raised JavaScript errors: {errors}"
    assert csp_violations == [], f"the Content-Security-Policy blocked parts of the page: {csp_violations}"


def open_query(page: "Page", server: RunningServer, name: str) -> None:
    page.goto(f"{server.url}/")
    page.locator(f'.card[data-query="{name}"] button').click()
    page.wait_for_selector("#query-form")


def set_editor(page: "Page", text: str) -> None:
    """Replace the SPARQL editor's text as a user would: select all, then type the text over it as one input."""
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def editor_text(page: "Page") -> str:
    """The text the SPARQL editor shows, line by line."""
    return page.locator("#editor .cm-content").inner_text()


def choose_resource(page: "Page", param: str, typed: str, label: str) -> None:
    """Fill a saved query's resource field as a person does: type part of a label, click the option with `label`."""
    # Not while the form's own first run is on its way: its answer may redraw the form and close the list.
    page.locator("body:not(.running)").wait_for(state="attached")
    field = page.locator(f"#param-{param}")
    field.fill("")
    field.press_sequentially(typed)
    page.locator(f"#param-{param}-options [role=option]", has_text=label).first.click()


def expect_count(locator: "Locator", count: int) -> None:
    """Wait until the locator matches exactly `count` elements. Playwright's expect polls with its own injected
    script; a string predicate for page.wait_for_function would be evaluated with eval, which the pages' policy
    (script-src 'self', no 'unsafe-eval') refuses as soon as the first check is false."""
    from playwright.sync_api import expect

    expect(locator).to_have_count(count)


def wait_until(page: "Page", predicate: str, *, timeout: float = 30.0) -> None:
    """Wait until the JavaScript function `predicate` returns true in the page, asking it every 50 ms.

    Not page.wait_for_function: its polling evaluates the predicate with eval in the page (Playwright 1.45 even
    for a function), which the pages' policy (script-src 'self', no 'unsafe-eval') refuses. page.evaluate goes
    through the DevTools protocol, which the policy does not govern."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never made this true within {timeout} s: {predicate}")
        page.wait_for_timeout(50)
