"""Every answer says how a browser must treat it; the HTML pages run under a policy without inline code."""

import base64
import hashlib
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response  # what starlette's TestClient answers with

from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset

from .endpoint_support import app_client

ENTITY = "/resource/recommendation-hovedstaden-del-2-5"
HTML = {"Accept": "text/html"}
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, EndpointSettings(workers=1, timeout=60, max_body=2048),
                    origin="the embedded data") as client:
        yield client


def html_pages(client: TestClient) -> dict[str, Response]:
    """Every kind of HTML page the app serves, by what it is."""
    return {
        "researcher page": client.get("/", headers=HTML),
        "entity page": client.get(ENTITY, headers=HTML),
        "entity page in English": client.get(ENTITY, params={"lang": "en"}, headers=HTML),
        "entity page by IRI": client.get("/resource", params={"iri": "https://w3id.org/kraeftgraf/vocab#Theme"},
                                         headers=HTML),
        "ontology": client.get("/ontology", headers=HTML),
        "404 page": client.get("/no/such/page", headers=HTML),
        "404 entity": client.get("/resource/no-such-thing", headers=HTML),
    }


def other_answers(client: TestClient) -> dict[str, Response]:
    """Answers that are no pages: data, files, and errors of every kind."""
    return {
        "JSON results": client.get("/sparql", params={"query": "ASK {}"}, headers=JSON_RESULTS),
        "CSV from the API": client.get("/api/queries/initiatives-in-year", headers={"Accept": "text/csv"}),
        "service description": client.get("/sparql", headers={"Accept": "text/turtle"}),
        "static script": client.get("/static/js/main.js"),
        "HEAD": client.head("/sparql", params={"query": "ASK {}"}),
        "400 bad query": client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x }"}),
        "400 API parameter": client.get("/api/queries/initiatives-in-year", params={"year": "soon"}),
        "404 plain": client.get("/no/such/thing"),
        "405": client.put("/sparql"),
        "413": client.post("/sparql", content=b"x" * 4096, headers={"Content-Type": "application/sparql-query"}),
        "CORS preflight": client.options("/sparql", headers={"Origin": "https://lab.example",
                                                             "Access-Control-Request-Method": "POST"}),
    }


def test_every_answer_forbids_sniffing_and_sends_no_referrer(client: TestClient) -> None:
    answers = {**html_pages(client), **other_answers(client)}
    assert {answer.status_code for answer in answers.values()} >= {200, 400, 404, 405, 413}
    for what, answer in answers.items():
        assert answer.headers.get("x-content-type-options") == "nosniff", what
        assert answer.headers.get("referrer-policy") == "no-referrer", what


def test_an_unexpected_error_carries_the_headers_too(client: TestClient) -> None:
    app = client.app
    assert isinstance(app, FastAPI)

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test-broken", broken)
    answer = TestClient(app, raise_server_exceptions=False).get("/test-broken")
    assert answer.status_code == 500
    assert answer.headers.get("x-content-type-options") == "nosniff"
    assert "a bug" not in answer.text


def test_html_pages_have_a_policy_that_allows_no_inline_code_and_no_framing(client: TestClient) -> None:
    for what, page in html_pages(client).items():
        assert page.headers["content-type"].startswith("text/html"), what
        policy = directives(page.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], what
        assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"], what
        assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"], what
        assert "unsafe-inline" not in page.headers["content-security-policy"], what


def test_no_html_page_holds_an_inline_script_style_or_event_handler(client: TestClient) -> None:
    for what, page in html_pages(client).items():
        found = InlineCode(page.text)
        assert page.status_code in (200, 404) and found.elements, what
        assert found.inline == [], what


def test_data_answers_keep_the_cors_default_and_get_no_page_policy(client: TestClient) -> None:
    for path in ("/sparql?query=ASK%20%7B%7D", "/api/queries/initiatives-in-year"):
        answer = client.get(path, headers={"Origin": "https://lab.example"})
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "content-security-policy" not in answer.headers


def test_the_api_docs_may_run_exactly_their_own_inline_script(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    scripts = InlineCode(page.text).inline_scripts
    assert len(scripts) == 1 and "SwaggerUIBundle" in scripts[0]
    policy = directives(page.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", f"'sha256-{sha256(scripts[0])}'"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert policy["frame-ancestors"] == ["'none'"]
    redoc = client.get("/redoc")
    assert redoc.status_code == 200
    assert directives(redoc.headers["content-security-policy"])["script-src"] == ["'self'"]  # no inline script


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


class InlineCode(HTMLParser):
    """Code written into a page rather than loaded from a file: what a strict policy blocks."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.elements = 0
        self.inline: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self.inline.append("<script> without src")
            self._in_script = True
            self.inline_scripts.append("")
        if tag == "style":
            self.inline.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:...>")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
