"""The source viewer over HTTP: a document's shipped text, line by line, every quoted passage marked and linked.

Line numbers and passages below were read in the source texts (the line is quoted in each test's comment).
"""

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS

from kraeftgraf.endpoint.headers import PAGE_POLICY
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID

from .endpoint_support import app_client

SJAELLAND = "/source/document-sjaelland-8-punktsplan"
REGISTRATION = "initiative-sjaelland-korrekt-registrering-kraeftpakker"


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, EndpointSettings(workers=1, timeout=60), origin="the embedded data") as client:
        yield client


def _row(page: str, line: int) -> str:
    found = re.search(rf'<tr id="L{line}">(.*?)</tr>', page, re.S)
    assert found, f"no row for line {line}"
    return found.group(1)


def _marked(row: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'<mark class="quote"[^>]*>(.*?)</mark>', row, re.S)]


def test_the_viewer_shows_every_line_of_the_text_with_its_number_and_anchor(client: TestClient) -> None:
    response = client.get(SJAELLAND)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    # 002 has 549 lines; its first is " 8-punktsplan", line 112 "SMaK-konceptet (Standardiseret Monitorering af ...".
    for number in range(1, 550):
        assert f'<a href="#L{number}">{number}</a>' in _row(response.text, number)
    assert "8-punktsplan" in _row(response.text, 1)
    assert "SMaK-konceptet (Standardiseret Monitorering af" in html.unescape(_row(response.text, 112))


def test_a_quote_is_marked_on_the_lines_where_it_stands_and_linked_to_the_resource_it_supports(
        client: TestClient) -> None:
    page = client.get(SJAELLAND).text
    # 002, lines 114-115: "•	� Målrettet indsats for at sikre korrekt registrering med særligt fokus på markører i"
    # / "kræftpakkeforløbene."
    first, second = _row(page, 114), _row(page, 115)
    assert _marked(first) == ["Målrettet indsats for at sikre korrekt registrering med særligt fokus på markører i "]
    assert _marked(second) == ["kræftpakkeforløbene."]
    assert '<a href="#L114-L115">L114-L115</a>' in first
    assert f'href="/resource/{REGISTRATION}"' in first
    # The passage starts on 114: only that line lists what it supports.
    assert f'href="/resource/{REGISTRATION}"' not in second


def test_a_passage_on_a_marked_page_says_its_page(client: TestClient) -> None:
    page = client.get("/source/document-hovedstaden-opfoelgning-kraeftplan").text
    # 001, lines 991-992: the running footer "... kræftplan 2020/2021" over "19"; line 994 opens page 20 with
    # "driver Supportive Care Ambulatoriet med PRO-monitorering og tidlig".
    row = _row(page, 994)
    assert _marked(row)[0].startswith("driver Supportive Care Ambulatoriet")
    assert ">L994-L996, side 20</a>" in row  # the viewer speaks Danish unless ?lang=en asks for English
    english = client.get("/source/document-hovedstaden-opfoelgning-kraeftplan", params={"lang": "en"}).text
    assert ">L994-L996, page 20</a>" in _row(english, 994)


def test_the_viewer_runs_under_the_pages_policy_with_its_script_from_static(client: TestClient) -> None:
    response = client.get(SJAELLAND)
    assert response.headers["content-security-policy"] == PAGE_POLICY
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    assert scripts == [(' src="/static/source.js" defer', "")]  # no inline script: the policy would block it
    script = client.get("/static/source.js")
    assert script.status_code == 200 and "#L" in script.text


def test_the_viewer_says_the_originals_address_is_not_known_when_no_source_names_it(client: TestClient) -> None:
    assert "Originalt dokument: ukendt" in client.get(SJAELLAND).text
    assert "Original document: not known" in client.get(SJAELLAND, params={"lang": "en"}).text


def test_the_viewer_links_the_originals_address_when_the_manifest_gives_one(built: BuiltDataset) -> None:
    address = "https://example.org/region-sjaelland/8-punktsplan.pdf"  # an address made up for this test only
    dataset = Dataset(default_union=True)
    for quad in built.dataset.quads():
        dataset.add(quad)  # type: ignore[arg-type]
    dataset.graph(ID["graph-test-original"]).add(
        (ID["source-text-002-31b870cea9142a86"], DCTERMS.source, URIRef(address)))
    with app_client(dataset, EndpointSettings(workers=1, timeout=60), origin="a test copy") as client:
        page = client.get(SJAELLAND).text
    assert f'Originalt dokument: <a href="{address}" rel="noreferrer">{address}</a>' in page
    assert (ID["source-text-002-31b870cea9142a86"], DCTERMS.source, URIRef(address)) not in built.dataset


def test_an_unknown_document_is_a_404_that_names_the_documents_there_are(client: TestClient) -> None:
    response = client.get("/source/document-no-such-plan")
    assert response.status_code == 404
    assert "No source text for 'document-no-such-plan'" in response.text
    assert "document-sjaelland-8-punktsplan" in response.text
    as_page = client.get("/source/document-no-such-plan", headers={"Accept": "text/html"})
    assert as_page.status_code == 404 and "<h1>Not found</h1>" in as_page.text
    # A resource that is no document, and a name that is no name at all: 404 too, never a 500.
    assert client.get(f"/source/{REGISTRATION}").status_code == 404
    assert client.get("/source/..%2Fsources.ttl").status_code == 404
    assert client.get(f"{SJAELLAND}?lang=fr").status_code == 400


def test_an_entity_page_links_each_quote_to_its_lines_in_the_viewer(client: TestClient) -> None:
    page = client.get(f"/resource/{REGISTRATION}").text
    # 002, lines 114-115 (see above).
    assert f'href="{SJAELLAND}#L114-L115">linje 114–115 i teksten</a>' in page
    english = client.get(f"/resource/{REGISTRATION}", params={"lang": "en"}).text
    assert f'href="{SJAELLAND}?lang=en#L114-L115">lines 114–115 of its text</a>' in english


def test_a_document_page_links_to_its_text_in_the_viewer(client: TestClient) -> None:
    page = client.get("/resource/document-sjaelland-8-punktsplan").text
    assert f'<a href="{SJAELLAND}">Læs teksten med hver citeret passage markeret</a>' in page
    english = client.get("/resource/document-sjaelland-8-punktsplan", params={"lang": "en"}).text
    assert f'<a href="{SJAELLAND}?lang=en">Read the text, every quoted passage marked</a>' in english
