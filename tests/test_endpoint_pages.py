"""Pages for people, over the embedded data: the ontology, and a page for every resource with its sources."""

import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kraeftgraf import resources
from kraeftgraf.endpoint.service import start_service
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.graph.load import load_graph
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID, KG

from .endpoint_support import app_client, in_source, service_client

REC5 = ID["recommendation-hovedstaden-del-2-5"]
CLINIC = ID["initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre"]


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.dataset, EndpointSettings(workers=2, timeout=60), origin="the embedded data") as client:
        yield client


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_graph(resources.ontology_files())


class Outline(HTMLParser):
    """Each element's id with the ids of the elements around it, and every link's target."""

    VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source"}

    def __init__(self, page: str) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.ancestors: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))
        if tag in self.VOID:
            return
        element_id = attributes.get("id")
        if element_id:
            self.ancestors[element_id] = [i for i in self.stack if i]
        self.stack.append(element_id)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_ontology_page_documents_every_class_and_property_in_both_languages(
        client: TestClient, ontology: Graph) -> None:
    response = client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    outline = Outline(response.text)
    page = text_of(response.text)
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in ontology.subjects(RDF.type, kind):
            if not str(term).startswith(str(KG)):
                continue
            assert str(term)[len(str(KG)):] in outline.ancestors, term
            for predicate in (RDFS.label, SKOS.definition):
                for value in ontology.objects(term, predicate):
                    assert str(value) in page, (term, predicate, value)


def test_the_ontology_is_read_when_its_page_is_first_asked_for_not_at_start_up(built: BuiltDataset) -> None:
    service = start_service(built.dataset, settings=EndpointSettings(workers=1), origin="test data")
    try:
        assert "ontology" not in vars(service)  # not read by start_service
        with service_client(service) as client:
            assert client.get("/ontology", headers={"Accept": "text/turtle"}).status_code == 200
        assert isomorphic(vars(service)["ontology"], load_graph(resources.ontology_files()))
    finally:
        service.close()


def test_the_ontology_page_says_how_to_cite_a_fact_in_prov_o_web_annotation_and_wikidata_terms(
        client: TestClient) -> None:
    page = text_of(client.get("/ontology", headers={"Accept": "text/html"}).text)
    for said in ("prov:wasQuotedFrom", "oa:TextQuoteSelector", "oa:TextPositionSelector", "P248 (stated in)",
                 "P304 (page(s))", "P1683 (quotation)"):
        assert said in page.split("How to cite a fact.")[1], said


def test_the_ontology_page_nests_narrower_themes_under_broader_ones(client: TestClient, ontology: Graph) -> None:
    outline = Outline(client.get("/ontology").text)
    pairs = [(n, b) for n, b in ontology.subject_objects(SKOS.broader)]
    assert pairs
    for narrower, broader in pairs:
        narrower_id, broader_id = str(narrower)[len(str(ID)):], str(broader)[len(str(ID)):]
        assert broader_id in outline.ancestors[narrower_id], (narrower, broader)
    assert "/resource/theme-late-effects" in outline.links


@pytest.mark.parametrize(("request_headers", "query", "rdflib_format"), [
    ({"Accept": "text/turtle"}, {}, "turtle"),
    ({"Accept": "application/rdf+xml"}, {}, "xml"),
    ({}, {"format": "jsonld"}, "json-ld"),
])
def test_the_ontology_comes_as_rdf_by_content_negotiation(client: TestClient, ontology: Graph,
                                                          request_headers: dict[str, str], query: dict[str, str],
                                                          rdflib_format: str) -> None:
    response = client.get("/ontology", headers=request_headers, params=query)
    assert response.status_code == 200
    assert isomorphic(Graph().parse(data=response.content, format=rdflib_format), ontology)


def test_a_resource_page_shows_labels_types_links_and_the_quote_with_its_document(
        client: TestClient, sources_dir: Path) -> None:
    response = client.get("/resource/recommendation-hovedstaden-del-2-5", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    assert re.search(r"<h1>Anbefaling 5[^<]*</h1>", page)
    quotes = [html.unescape(q) for q in re.findall(r'<blockquote lang="da">(.*?)</blockquote>', page, re.S)]
    assert any(in_source(q, sources_dir / "000_959267de805e99f3.txt") for q in quotes)
    assert "nr. 5 i dokumentet" in page  # the page speaks Danish unless ?lang=en asks for English
    outline = Outline(page)
    assert "/resource/document-hovedstaden-kraeftplan-del-2-anbefalinger" in outline.links
    assert "/resource/theme-late-effects" in outline.links  # a link to what it is about
    assert "/ontology#Recommendation" in outline.links  # its type
    assert "/resource/initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre" in outline.links  # incoming


def test_a_resource_page_gives_the_page_number_where_the_document_shows_one(client: TestClient) -> None:
    page = client.get("/resource/recommendation-hovedstaden-del-2-1", params={"lang": "en"}).text
    assert "page 1" in page  # "Side 1 af 4" at the top of 000_959267de805e99f3.txt


def test_a_resource_page_shows_status_claims_as_written_with_their_evidence(client: TestClient,
                                                                          sources_dir: Path) -> None:
    page = client.get("/resource/initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre").text
    assert "“Etableret”" in page
    assert "/resource/status-established" in Outline(page).links
    quotes = [html.unescape(q) for q in re.findall(r'<blockquote lang="da">(.*?)</blockquote>', page, re.S)]
    assert quotes and all(in_source(q, sources_dir / "001_1a32248d27a47157.txt") for q in quotes)


def test_a_resource_page_in_english_leads_with_the_english_label(client: TestClient) -> None:
    page = client.get("/resource/recommendation-hovedstaden-del-2-5", params={"lang": "en"}).text
    assert re.search(r"<h1>Recommendation 5[^<]*</h1>", page)


@pytest.mark.parametrize(("accept", "rdflib_format"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
])
def test_a_resource_comes_as_rdf_by_content_negotiation(client: TestClient, sources_dir: Path, accept: str,
                                                        rdflib_format: str) -> None:
    response = client.get("/resource/recommendation-hovedstaden-del-2-5", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (REC5, RDF.type, KG.Recommendation) in graph
    assert (REC5, SKOS.notation, Literal("5")) in graph
    quotes = [str(q) for e in graph.objects(REC5, KG.hasEvidence) for q in graph.objects(e, KG.quote)]
    assert any(in_source(q, sources_dir / "000_959267de805e99f3.txt") for q in quotes)


def test_a_format_link_gives_turtle_without_an_accept_header(client: TestClient) -> None:
    response = client.get("/resource/recommendation-hovedstaden-del-2-5", params={"format": "turtle"})
    assert response.headers["content-type"].startswith("text/turtle")


def test_any_iri_of_the_dataset_can_be_looked_up(client: TestClient) -> None:
    response = client.get("/resource", params={"iri": str(KG.Recommendation)})
    assert response.status_code == 200
    assert "Anbefaling" in response.text


def test_an_iri_the_dataset_does_not_mention_is_404(client: TestClient) -> None:
    response = client.get("/resource/no-such-thing", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "no statements about" in response.text
    assert client.get("/resource/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_lookup_of_something_that_is_not_an_iri_is_400(client: TestClient) -> None:
    response = client.get("/resource", params={"iri": "recommendation 5"})
    assert response.status_code == 400
    assert "not a valid absolute IRI" in response.text


def test_a_resource_of_every_type_has_a_page_titled_with_its_label(client: TestClient) -> None:
    query = """SELECT ?type (MIN(STR(?thing)) AS ?example) WHERE {
                 ?thing a ?type FILTER(STRSTARTS(STR(?thing), STR(id:))) } GROUP BY ?type"""
    examples = {URIRef(r["example"]["value"]) for r in client.get("/sparql", params={"query": query})
                .json()["results"]["bindings"]}
    assert len(examples) > 20
    labels_query = "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label FILTER(LANG(?label) = 'da') }"
    labels = {r["thing"]["value"]: r["label"]["value"] for r in client.get("/sparql", params={"query": labels_query})
              .json()["results"]["bindings"]}
    for thing in sorted(examples):
        response = client.get(f"/resource/{str(thing)[len(str(ID)):]}")
        assert response.status_code == 200, thing
        heading = html.unescape(re.search(r"<h1>(.*?)</h1>", response.text, re.S).group(1))  # type: ignore[union-attr]
        if str(thing) in labels:
            assert heading == labels[str(thing)]


def test_every_resource_link_on_a_page_leads_to_a_page(client: TestClient) -> None:
    page = client.get("/resource/recommendation-hovedstaden-del-2-5").text
    targets = sorted({link for link in Outline(page).links if link.startswith("/resource")})
    assert len(targets) > 10
    for target in targets:
        assert client.get(html.unescape(target)).status_code == 200, target


def test_the_sparql_endpoint_lists_the_dataset_graphs(client: TestClient, built: BuiltDataset) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    described = json.dumps(response.json())
    for path in built.data_files:
        assert str(ID[f"graph-{path.stem}"]) in described


def test_an_id_iri_path_leads_to_its_resource_page(client: TestClient) -> None:
    response = client.get("/id/recommendation-hovedstaden-del-2-5", headers={"Accept": "text/turtle"},
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/resource/recommendation-hovedstaden-del-2-5"
    followed = client.get("/id/recommendation-hovedstaden-del-2-5", headers={"Accept": "text/turtle"})
    assert (REC5, RDF.type, KG.Recommendation) in Graph().parse(data=followed.text, format="turtle")
    assert client.get("/vocab", follow_redirects=False).headers["location"] == "/ontology"


# --- HTTP edge cases: HEAD, Allow, paths and parameters that are not what they look like ---------------------

GET_PATHS = ["/sparql", "/api/queries", "/api/queries/initiatives-in-year", "/ontology",
             "/resource/recommendation-hovedstaden-del-2-5", "/", "/static/js/main.js", "/docs"]


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_is_answered_wherever_get_is_with_the_same_status_and_headers_and_no_body(
        client: TestClient, path: str) -> None:
    get = client.get(path)
    head = client.head(path)
    assert get.status_code == 200 and get.content
    assert head.status_code == get.status_code
    assert head.content == b""
    for header in ("content-type", "content-length", "etag", "vary", "cache-control"):
        assert head.headers.get(header) == get.headers.get(header), header


@pytest.mark.parametrize("path", GET_PATHS)
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_method_a_path_does_not_accept_is_405_with_exactly_the_methods_it_does(
        client: TestClient, path: str, method: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    expected = {"GET", "HEAD", "POST"} if path == "/sparql" else {"GET", "HEAD"}
    assert set(response.headers["allow"].split(", ")) == expected
    assert method in response.text


def test_a_resource_name_with_a_trailing_newline_is_not_found(client: TestClient) -> None:
    assert client.get("/resource/recommendation-hovedstaden-del-2-5").status_code == 200
    response = client.get("/resource/recommendation-hovedstaden-del-2-5%0A", headers={"Accept": "text/turtle"})
    assert response.status_code == 404


@pytest.mark.parametrize("iri", [
    "https://w3id.o%5B",  # urlsplit: "Invalid IPv6 URL"
    "http://%5B::1",
    "http://%5Dx/",
    "http://%5Bnot-an-address%5D/",  # brackets around something that is no IP address
    "http://id%EF%BC%83x/",  # a full-width "#", which NFKC normalisation turns into a real one
    "http://example.org:port/",
    "http://example.org:99999999/",
])
def test_a_lookup_of_an_iri_that_urls_cannot_parse_is_400_saying_so(client: TestClient, iri: str) -> None:
    response = client.get(f"/resource?iri={iri}")
    assert response.status_code == 400, response.text
    assert "not a valid absolute IRI" in response.text
    assert client.get("/resource/recommendation-hovedstaden-del-2-5").status_code == 200  # the next one works


def test_a_year_with_4301_digits_is_400_naming_the_parameter(client: TestClient) -> None:
    response = client.get("/api/queries/initiatives-in-year?year=" + "2" * 4301)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'year'" in detail and "not a plausible year" in detail
    assert len(detail) < 500  # the value is cut short, not echoed whole


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_ontology_page_speaks_the_language_asked_for_and_names_terms_by_their_own_labels(
        client: TestClient, ontology: Graph, lang: str) -> None:
    page = client.get("/ontology", params={"lang": lang}, headers={"Accept": "text/html"}).text
    assert f'<html lang="{lang}">' in page
    assert ("<h2>Klasser</h2>" if lang == "da" else "<h2>Classes</h2>") in page
    # Each term is headed by its rdfs:label in the language (ontology/kraeftgraf.ttl).
    recommendation = next(str(v) for v in ontology.objects(KG.Recommendation, RDFS.label)
                          if getattr(v, "language", None) == lang)
    assert re.search(rf'<div class="term" id="Recommendation"><h3 lang="{lang}">{recommendation}</h3>', page)
    other = "en" if lang == "da" else "da"
    switch = re.search(r'<span class="lang-switch"[^>]*>(.*?)</span>', page, re.S)
    assert switch and f'href="/ontology{"?lang=en" if other == "en" else ""}" hreflang="{other}"' in switch.group(1)
    assert client.get("/ontology", params={"lang": "fr"}, headers={"Accept": "text/html"}).status_code == 400


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_resource_page_names_its_headings_and_properties_in_the_language_asked_for(
        client: TestClient, ontology: Graph, lang: str) -> None:
    page = client.get("/resource/recommendation-hovedstaden-del-2-5", params={"lang": lang}).text
    assert f'<html lang="{lang}">' in page
    assert ("<h2>Udsagn</h2>" if lang == "da" else "<h2>Statements</h2>") in page
    addresses_theme = next(str(v) for v in ontology.objects(KG.addressesTheme, RDFS.label)
                           if getattr(v, "language", None) == lang)
    link = re.search(r'<th><a href="([^"]*)" title="https://w3id.org/kraeftgraf/vocab#addressesTheme">([^<]*)</a>',
                     page)
    assert link and link.group(2) == addresses_theme
    assert link.group(1) == ("/ontology#addressesTheme" if lang == "da" else "/ontology?lang=en#addressesTheme")
    assert 'hreflang="da"' in page and 'hreflang="en"' in page
