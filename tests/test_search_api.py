"""GET /api/search over HTTP: JSON and CSV, each hit with its document and location, and 400s that name the parameter.

Expected hits come from the Turtle files (search-sample.ttl, quoted where used) and the source texts, never from the
endpoint's own output; the property test sends generated texts and limits and asks only for a 200 or a 400.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kraeftgraf.endpoint.problems import problem_for
from kraeftgraf.endpoint.search_routes import search_job
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.endpoint.workers import WorkerContext
from kraeftgraf.engines.base import RdflibEngine
from kraeftgraf.errors import SearchUnavailableError
from kraeftgraf.graph.load import load_dataset
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID, KG
from kraeftgraf.search.formats import CSV_COLUMNS
from kraeftgraf.search.query import MAX_LENGTH

from .conftest import REPO, TESTS
from .endpoint_support import app_client

SETTINGS = EndpointSettings(workers=2, timeout=60)
SAMPLE = TESTS / "data" / "search-sample.ttl"
# FTS5's own syntax, which must reach SQLite only as words to look for, and the letters of the documents
_SYNTAX = ['"', "*", "-", "+", "^", ":", "(", ")", "{", "}", "NEAR", "NEAR(", "AND", "OR", "NOT", "stems", "words",
           "texts", "'", ",", ".", "\\", "%", "\x00"]
FUZZ_TEXT = st.lists(st.one_of(st.sampled_from(_SYNTAX), st.sampled_from(["pårørende", "Kræftplan", "IV", "PRO", " "]),
                               st.text(st.characters(exclude_categories=["Cs"]), max_size=8)),
                     max_size=12).map("".join)
FUZZ_SETTINGS = settings(max_examples=200, derandomize=True, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def client(built: BuiltDataset) -> Iterator[TestClient]:
    with app_client(built.require_valid().dataset, SETTINGS, origin="the embedded data") as client:
        yield client


@pytest.fixture(scope="module")
def sample_client() -> Iterator[TestClient]:
    with app_client(load_dataset([SAMPLE]), SETTINGS, origin="the search sample") as client:
        yield client


def search(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer: dict[str, Any] = response.json()
    return answer


def test_a_hit_carries_its_resource_class_field_snippet_and_document(client: TestClient) -> None:
    answer = search(client, text="pårørendes", limit="50")
    assert answer["total"] >= len(answer["hits"]) > 0
    # ontology/themes.ttl: id:theme-relatives rdfs:label "Pårørende"@da, a label that is exactly the word
    first = answer["hits"][0]
    assert (first["resource"], first["field"], first["label"]) == (str(ID["theme-relatives"]), "label", "Pårørende")
    for hit in answer["hits"]:
        assert {"resource", "label", "class", "classLabel", "field", "snippet", "documents"} <= hit.keys()
        assert any(run["match"] and run["text"].lower().startswith("pårørend") for run in hit["snippet"])
        for document in hit["documents"]:
            assert document["iri"].startswith(str(ID["document-"])) and document["label"]
    quotes = [hit for hit in answer["hits"] if hit["field"] == "quote"]
    assert quotes and all(len(hit["documents"]) == 1 for hit in quotes)  # a quote stands in one document


def test_a_hit_gives_its_evidence_node_page_and_lines(sample_client: TestClient) -> None:
    # search-sample.ttl: the quote "Regionen bruger midler fra Kræftplan IV til koordinatorer." in
    # id:document-sample, kg:page 7, kg:startLine 120, kg:endLine 121; the evidence is a blank node
    (hit,) = search(sample_client, text="koordinatorer")["hits"]
    (document,) = hit["documents"]
    assert (document["iri"], document["label"], document["page"], document["startLine"], document["endLine"]) == (
        str(ID["document-sample"]), "Prøvedokument", 7, 120, 121)
    assert document["evidence"].startswith("_:")
    # search-sample.ttl: id:evidence-noted, "Familierne får hjælp.", kg:startLine 40, no page
    (hit,) = search(sample_client, text="hjælp", format="json")["hits"]
    assert [(d["evidence"], d["page"], d["startLine"]) for d in hit["documents"]] == [(str(ID["evidence-noted"]),
                                                                                      None, 40)]


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/csv"}}, {"params": {"format": "csv"}}])
def test_csv_has_one_row_per_hit_with_document_and_location(sample_client: TestClient, how: dict[str, Any]) -> None:
    params = {"text": "koordinatorer", **how.get("params", {})}
    response = sample_client.get("/api/search", params=params, headers=how.get("headers", {}))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    (row,) = list(reader)
    assert (row["resource"], row["field"], row["document"], row["documentLabel"]) == (
        str(ID["initiative-adjacent"]), "quote", str(ID["document-sample"]), "Prøvedokument")
    assert (row["page"], row["startLine"], row["endLine"]) == ("7", "120", "121")
    assert row["snippet"] == "Regionen bruger midler fra Kræftplan IV til **koordinatorer**."


def test_the_documents_that_say_it_are_listed_with_their_passages(sample_client: TestClient) -> None:
    # search-sample.ttl: "Familierne får hjælp." is the one quote with the word, in id:document-other (which names
    # no kg:sourceFile, so it has no source text to say it in)
    assert search(sample_client, text="familier")["documents"] == [
        {"iri": str(ID["document-other"]), "label": "Andet dokument", "in": "facts", "facts": 1, "text": 0,
         "passages": 1}]


def test_the_documents_of_hits_are_named_in_the_language_asked_for(client: TestClient) -> None:
    # reference-documents.ttl: id:document-sjaelland-8-punktsplan rdfs:label "8-punktsplan for kræftområdet i Region
    # Sjælland"@da , "8-point plan for the cancer area in Region Zealand"@en; 002:220 "hjælper patient og pårørende".
    sjaelland = str(ID["document-sjaelland-8-punktsplan"])
    for lang, name in (("da", "8-punktsplan for kræftområdet i Region Sjælland"),
                       ("en", "8-point plan for the cancer area in Region Zealand")):
        answer = search(client, text="pårørende", limit="100", lang=lang, **{"in": "text"})
        assert {d["label"] for d in answer["documents"] if d["iri"] == sjaelland} == {name}
        assert {d["label"] for hit in answer["hits"] for d in hit["documents"] if d["iri"] == sjaelland} == {name}


def test_the_class_of_a_hit_is_named_in_the_language_asked_for(client: TestClient) -> None:
    ontology = Graph().parse(REPO / "ontology" / "kraeftgraf.ttl")
    for lang in ("da", "en"):
        first = search(client, text="pårørendes", lang=lang)["hits"][0]
        names = {str(v) for v in ontology.objects(URIRef(first["class"]), RDFS.label)
                 if isinstance(v, Literal) and v.language == lang}
        assert first["classLabel"] in names, (lang, first["class"], first["classLabel"])


def test_filters_by_document_and_class_over_http(client: TestClient) -> None:
    answer = search(client, text="pårørende", document="id:document-sjaelland-8-punktsplan", limit="100")
    assert answer["hits"] and all(str(ID["document-sjaelland-8-punktsplan"]) in {d["iri"] for d in h["documents"]}
                                  for h in answer["hits"])
    answer = search(client, text="pårørende", **{"class": "kg:Initiative"}, limit="100")
    assert answer["hits"] and {h["class"] for h in answer["hits"]} == {str(KG.Initiative)}


@pytest.mark.parametrize(("params", "named"), [
    ({}, "text="),
    ({"text": ""}, "text="),
    ({"text": "   "}, "text="),
    ({"text": '"kræftplan IV'}, "text="),  # an unbalanced quote
    ({"text": "-"}, "text="),
    ({"text": "*"}, "text="),
    ({"text": "p*"}, "text="),
    ({"text": "()"}, "text="),
    ({"text": "x" * (MAX_LENGTH + 1)}, "text="),
    ({"text": "PRO", "limit": "0"}, "limit="),
    ({"text": "PRO", "limit": "501"}, "limit="),
    ({"text": "PRO", "limit": "ten"}, "limit="),
    ({"text": "PRO", "limit": "²"}, "limit="),  # a digit to str.isdigit, not to int()
    ({"text": "PRO", "limit": "-1"}, "limit="),
    ({"text": "PRO", "lang": "fr"}, "lang="),
    ({"text": "PRO", "format": "xml"}, "format="),
    ({"text": "PRO", "document": "not an iri"}, "document="),
    ({"text": "PRO", "document": "id:document-none"}, "document="),
    ({"text": "PRO", "class": "kg:Nothing"}, "class="),
    ({"text": "PRO", "sort": "date"}, "sort="),
])
def test_a_bad_parameter_is_400_naming_it(client: TestClient, params: dict[str, str], named: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 400, response.text
    assert named in response.json()["detail"]


def test_a_parameter_given_twice_is_400(client: TestClient) -> None:
    response = client.get("/api/search?text=PRO&text=pårørende")
    assert response.status_code == 400 and "text= is given more than once" in response.json()["detail"]


def test_fts_operators_in_the_text_are_only_words(sample_client: TestClient) -> None:
    # FTS5 would read these as a column filter, NEAR, NOT and a prefix; here each is a word the sample lacks
    for text in ("stems: koordinatorer", "NEAR(koordinatorer midler)", "koordinatorer NOT midler", "^koordinatorer +x"):
        assert search(sample_client, text=text)["hits"] == [], text
    assert search(sample_client, text="koordinatorer AND midler")["hits"] == []  # "and" is a word too


def test_invalid_utf8_in_the_text_is_no_500(client: TestClient) -> None:
    assert client.get("/api/search?text=%FF%FE").status_code in (200, 400)


def test_search_asked_for_in_a_format_it_has_not_is_406(client: TestClient) -> None:
    response = client.get("/api/search", params={"text": "PRO"}, headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 406


def test_openapi_documents_the_search_and_its_parameters(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"text", "document", "class", "in", "limit", "lang",
                                                                "format"}


@FUZZ_SETTINGS
@given(text=FUZZ_TEXT)
def test_any_text_is_answered_or_refused_naming_the_text_never_a_500(client: TestClient, text: str) -> None:
    response = client.get("/api/search", params={"text": text})
    assert response.status_code in (200, 400), (text, response.status_code, response.text[:300])
    if response.status_code == 400:
        assert "text=" in response.json()["detail"], text
    else:
        assert isinstance(response.json()["hits"], list)


@FUZZ_SETTINGS
@given(limit=st.text(max_size=6), text=st.sampled_from(["PRO", '"kræftplan IV"', "pårør*"]))
def test_any_limit_is_answered_or_refused_naming_the_limit(client: TestClient, limit: str, text: str) -> None:
    response = client.get("/api/search", params={"text": text, "limit": limit})
    assert response.status_code in (200, 400), (limit, response.status_code, response.text[:300])
    if response.status_code == 400:
        assert "limit=" in response.json()["detail"], limit


def test_an_endpoint_without_an_index_answers_501_pointing_to_the_saved_query() -> None:
    """With --backend the workers answer from a remote store and keep no index (no search_index in their context)."""
    job = search_job([("text", "PRO")], None)
    context = WorkerContext(engine=RdflibEngine(load_dataset([SAMPLE])), graphs=frozenset(), max_rows=10)
    with pytest.raises(SearchUnavailableError) as raised:
        job.run(context)
    problem = problem_for(raised.value)
    assert problem.status == 501 and "/api/queries/search?text=" in problem.message


def test_the_readme_documents_the_search_in_each_place_it_is_offered() -> None:
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    offered_in = ("kraeftgraf search TEXT", "/api/search?text=", 'kg.search("', "a search box", "saved query `search`")
    for offered in offered_in:
        assert offered in readme, offered
