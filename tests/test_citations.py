"""Each source document has a short citation label, and it names the document wherever the document is shown."""

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.pipeline import BuiltDataset

from .conftest import REPO
from .endpoint_support import app_client

# Issuer and year only from the texts in ../shared/seeds; "(u.å.)" where a text gives no year of its own.
CITATIONS = {
    # 000 lines 4-5 "Anbefalinger / Kræftplan del 2, Region Hovedstaden": no year anywhere in the text.
    "document-hovedstaden-kraeftplan-del-2-anbefalinger": "Region Hovedstaden (u.å.), Anbefalinger, Kræftplan del 2",
    # 001 states no date of its own; it reports events up to "lukket i juni 2025" (line 531).
    "document-hovedstaden-opfoelgning-kraeftplan": "Region Hovedstaden (u.å.), Opfølgning på kræftplanen",
    # 002 line 22: "Regionsrådet har den 23. august 2021 vedtaget denne 8-punktsplan for kræftområdet".
    "document-sjaelland-8-punktsplan": "Region Sjælland 2021, 8-punktsplan for kræftområdet",
    # 003 states no date of its own.
    "document-sst-nyhedsbrev-kraeftplan-iv": "Sundhedsstyrelsen (u.å.), Nyhedsbrev om Kræftplan IV",
    # 004: "2024-26" (line 29) is the period in its title, not a year of publication.
    "document-kb-vejledning-sammenhaeng": "Kræftens Bekæmpelse (u.å.), Sammenhæng i patientforløbet 2024-26",
}
ID = "https://w3id.org/kraeftgraf/id/"


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, EndpointSettings(workers=2, timeout=60), origin="the embedded data") as client:
        yield client


def test_each_source_document_has_its_citation_label(knowledge_graph: KnowledgeGraph) -> None:
    rows = knowledge_graph.query("source-documents")
    assert {str(r["document"]).removeprefix(ID): r["documentLabel"] for r in rows} == CITATIONS
    # 001 reports on both parts of the plan ("Udredning og behandling (del 1)", "... (del 2)").
    follow_up = next(r for r in rows if r["document"] == ID + "document-hovedstaden-opfoelgning-kraeftplan")
    assert follow_up["planCount"] == 2
    assert set(str(follow_up["plans"]).split(" | ")) == {"Kræftplan del 1, Region Hovedstaden",
                                                          "Kræftplan del 2, Region Hovedstaden"}


def test_the_readme_lists_every_document_by_its_citation_label() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(citation in readme for citation in CITATIONS.values())


def test_every_result_column_of_documents_is_labelled_with_the_citation(knowledge_graph: KnowledgeGraph) -> None:
    # The web page shows a column's `<name>Label` as the text of its link: a document column gets the citation.
    checked = []
    for query in knowledge_graph.saved_queries():
        rows = knowledge_graph.query(query.name)
        documents = [v for v in rows.variables if any(str(r[v]).startswith(ID + "document-") for r in rows)]
        for column in documents:
            assert f"{column}Label" in rows.variables, f"{query.name}: no {column}Label beside {column}"
            shown = {(r[column], r[f"{column}Label"]) for r in rows if r[column] is not None}
            assert all(str(d).removeprefix(ID) in CITATIONS and CITATIONS[str(d).removeprefix(ID)] == label
                       for d, label in shown), (query.name, shown)
            checked.append(query.name)
    assert len(checked) >= 10


def test_a_resource_page_names_its_source_by_the_citation_label(client: TestClient) -> None:
    page = client.get("/resource/recommendation-hovedstaden-del-2-5").text
    links = dict(re.findall(r'<a href="/resource/(document-[a-z0-9-]+)"[^>]*>([^<]*)</a>', page))
    # 000 and 001 both give recommendation 5 (001 as its "Anbefaling 6").
    assert {html.unescape(text) for text in links.values()} == {
        CITATIONS["document-hovedstaden-kraeftplan-del-2-anbefalinger"],
        CITATIONS["document-hovedstaden-opfoelgning-kraeftplan"]}


def test_a_document_page_says_how_to_cite_it(client: TestClient) -> None:
    page = html.unescape(client.get("/resource/document-sjaelland-8-punktsplan").text)
    assert 'Citér som: <cite lang="da">Region Sjælland 2021, 8-punktsplan for kræftområdet</cite>' in page
    english = html.unescape(client.get("/resource/document-sjaelland-8-punktsplan", params={"lang": "en"}).text)
    assert 'Cite as: <cite lang="da">Region Sjælland 2021, 8-punktsplan for kræftområdet</cite>' in english


def test_a_resource_page_shows_the_evidence_note_beside_the_quote(client: TestClient) -> None:
    page = html.unescape(client.get("/resource/term-needs-assessment").text)
    # 004's box "Behovsvurdering" with its attribution "(Kilde: Sundhedsstyrelsen)".
    note = "Boksen 'Behovsvurdering', med kildeangivelsen '(Kilde: Sundhedsstyrelsen)'."
    assert f'<p class="note" lang="da">{note}</p>' in page
