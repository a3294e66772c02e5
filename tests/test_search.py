"""Full-text search: stemming, phrases, prefixes, ranking, snippets and documents, read against the data's own texts.

Expectations come from the Turtle files (quoted here with their file), never from the index's output.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDFS, Dataset, Literal, URIRef

from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.engines.base import QueryEngine, RdflibEngine
from kraeftgraf.engines.oxigraph import OxigraphEngine
from kraeftgraf.errors import SearchFilterError, SearchTextError
from kraeftgraf.graph.load import load_dataset
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID, KG
from kraeftgraf.search.build import IndexCache, index_file, index_of, index_of_dataset
from kraeftgraf.search.index import SearchIndex, build_index, fts5_available
from kraeftgraf.search.snippets import marked_text
from kraeftgraf.search.texts import read_corpus

from .conftest import REPO, TESTS

SAMPLE = TESTS / "data" / "search-sample.ttl"


@pytest.fixture(scope="module")
def index(built: BuiltDataset) -> SearchIndex:
    return index_of_dataset(built.require_valid().dataset)


@pytest.fixture(scope="module")
def sample() -> SearchIndex:
    return build_index(read_corpus(RdflibEngine(load_dataset([SAMPLE]))))


def _literals(built: BuiltDataset, predicate: URIRef) -> list[tuple[URIRef, Literal]]:
    return [(s, o) for s, o in built.dataset.subject_objects(predicate)
            if isinstance(s, URIRef) and isinstance(o, Literal)]


def test_this_python_has_sqlite_with_fts5() -> None:
    assert fts5_available()


def test_an_inflected_word_finds_the_texts_with_its_other_forms(index: SearchIndex, built: BuiltDataset) -> None:
    # ontology/themes.ttl: id:theme-relatives rdfs:label "Pårørende"@da; no text of the data says "pårørendes"
    with_plain = {str(s) for s, o in _literals(built, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
                  if re.search(r"\bpårørende\b", str(o), re.IGNORECASE) and isinstance(s, URIRef)}
    assert with_plain and ID["theme-relatives"] in {URIRef(r) for r in with_plain}
    found = {hit.resource for hit in index.search("pårørendes", limit=500).hits if hit.field == "label"}
    assert with_plain <= found


def test_a_phrase_finds_the_words_in_a_row_and_not_apart(sample: SearchIndex) -> None:
    phrase = sample.search('"kræftplan IV"')
    assert {hit.resource for hit in phrase.hits} == {str(ID["initiative-adjacent"])}
    loose = sample.search("kræftplan IV")
    assert {hit.resource for hit in loose.hits} == {str(ID["initiative-adjacent"]), str(ID["initiative-apart"])}


def test_a_phrase_on_the_data_finds_only_texts_that_say_it(index: SearchIndex) -> None:
    results = index.search('"kræftplan IV"', limit=500)
    assert results.hits and all(re.search(r"kræftplan\w* iv\b", hit.text, re.IGNORECASE) for hit in results.hits)
    # data/ttl/region-sjaelland-8-punktsplan-2021.ttl, a status text of the coordinator initiative
    status = "traf i efteråret 2019 beslutning om udmøntning af midler fra Kræftplan IV til styrkelse af " \
             "koordinatorfunktionen"
    assert any(hit.field == "statusText" and hit.text == status for hit in results.hits)


def test_a_word_only_in_quotes_is_found_with_the_document_of_each_quote(index: SearchIndex,
                                                                         built: BuiltDataset) -> None:
    dataset = built.dataset
    elsewhere = " ".join(str(o) for p in (URIRef("http://www.w3.org/2000/01/rdf-schema#label"), KG.text, KG.statusText,
                                           URIRef("http://purl.org/dc/terms/description"), KG.milestone, KG.purpose)
                         for _, o in dataset.subject_objects(p)).lower()
    in_quotes: dict[str, list[tuple[URIRef, URIRef]]] = {}
    for evidence, quote in dataset.subject_objects(KG.quote):
        owner = next(s for s in dataset.subjects(KG.hasEvidence, evidence))
        for word in set(re.findall(r"[^\W\d_]{12,}", str(quote).lower())):
            if word not in elsewhere and isinstance(owner, URIRef):
                in_quotes.setdefault(word, []).append((owner, URIRef(str(dataset.value(evidence, KG.inDocument)))))
    assert len(in_quotes) >= 5
    for word in sorted(in_quotes)[:5]:
        hits = index.search(word, limit=500).hits
        found = {(hit.resource, doc.iri) for hit in hits if hit.field == "quote" for doc in hit.documents}
        assert {(str(owner), str(document)) for owner, document in in_quotes[word]} <= found, word


def test_a_quote_hit_gives_its_document_page_and_lines(sample: SearchIndex) -> None:
    (hit,) = sample.search("koordinatorer").hits
    assert hit.field == "quote" and hit.resource == str(ID["initiative-adjacent"])
    (document,) = hit.documents
    assert (document.iri, document.label, document.page, document.start_line, document.end_line) == (
        str(ID["document-sample"]), "Prøvedokument", 7, 120, 121)


def test_an_evidence_note_is_searched_and_names_its_document(sample: SearchIndex) -> None:
    (hit,) = sample.search("økonomi").hits
    assert hit.field == "evidenceNote" and [d.iri for d in hit.documents] == [str(ID["document-sample"])]


def test_a_note_written_as_kg_evidence_note_is_found_once_on_the_resource_it_supports(sample: SearchIndex) -> None:
    # search-sample.ttl: id:evidence-noted has the same note as kg:evidenceNote and as dcterms:description
    (hit,) = sample.search("rådgivning").hits
    assert (hit.resource, hit.field) == (str(ID["initiative-noted"]), "evidenceNote")
    (document,) = hit.documents
    assert (document.iri, document.evidence, document.start_line, document.end_line) == (
        str(ID["document-other"]), str(ID["evidence-noted"]), 40, 40)


def test_a_status_text_is_located_by_its_claims_evidence(sample: SearchIndex) -> None:
    # search-sample.ttl: "Igangsat i efteråret", evidence in id:document-sample on page 8, lines 130-131
    (hit,) = sample.search("igangsat").hits
    assert (hit.resource, hit.field) == (str(ID["initiative-adjacent"]), "statusText")
    (document,) = hit.documents
    assert document.evidence is not None and document.evidence.startswith("_:")  # a blank node in the sample
    assert (document.iri, document.page, document.start_line, document.end_line) == (
        str(ID["document-sample"]), 8, 130, 131)


def test_the_documents_that_say_it_count_quotes_and_status_texts_not_labels(sample: SearchIndex) -> None:
    # "kræftplan": a label and a quote of id:initiative-adjacent (document-sample), a label and a description of
    # id:initiative-apart (no evidence): only the quote is the document's own words
    results = sample.search("kræftplan")
    assert [(d.iri, d.label, d.passages) for d in results.documents] == [
        (str(ID["document-sample"]), "Prøvedokument", 1)]
    # "familier": the label of id:initiative-noted and its quote "Familierne får hjælp." in id:document-other
    assert [(d.iri, d.passages) for d in sample.search("familier").documents] == [(str(ID["document-other"]), 1)]
    assert sample.search("rådgivning").documents == ()  # only an evidence note: the curators' words


def test_an_exact_label_ranks_before_passing_mentions(index: SearchIndex) -> None:
    # ontology/themes.ttl: the theme's label is exactly "Pårørende"; many quotes mention pårørende in passing
    hits = index.search("Pårørende", limit=500).hits
    assert (hits[0].resource, hits[0].field) == (str(ID["theme-relatives"]), "label")
    # region-hovedstaden-opfoelgning-kraeftplan.ttl:783: the label "Senfølgeklinik i Gastroenheden, Hvidovre Hospital"
    hits = index.search("senfølgeklinik", limit=500).hits
    label = next(i for i, h in enumerate(hits) if h.field == "label"
                 and h.resource == str(ID["initiative-hovedstaden-senfoelgeklinik-gastroenheden-hvidovre"]))
    first_quote = next(i for i, h in enumerate(hits) if h.field == "quote")
    assert label < first_quote


def test_snippets_mark_the_matched_words_in_the_original_text(sample: SearchIndex, index: SearchIndex) -> None:
    (hit,) = sample.search("koordinator").hits
    assert marked_text(hit.snippet) == "Regionen bruger midler fra Kræftplan IV til **koordinatorer**."
    phrase = sample.search('"kræftplan iv"').hits
    assert any(marked_text(h.snippet) == "Midler fra **Kræftplan IV**" for h in phrase)
    for hit in index.search("pårørendes", limit=50).hits:
        marks = [s.text for s in hit.snippet if s.match]
        assert marks and all(m.lower().startswith("pårørend") for m in marks)


def test_a_long_text_is_cut_around_the_match(sample: SearchIndex) -> None:
    (hit,) = [h for h in sample.search("bilag").hits if h.field == "description"]
    text = marked_text(hit.snippet)
    assert text.startswith("…") and "**bilag** IV" in text and len(text) < len(hit.text)


def test_a_prefix_finds_the_words_that_begin_so(sample: SearchIndex) -> None:
    assert [hit.field for hit in sample.search("koordinat*").hits] == ["quote"]
    assert [(h.resource, marked_text(h.snippet)) for h in sample.search("prøve*").hits] == [
        (str(ID["document-sample"]), "**Prøvedokument**")]


def test_filters_keep_one_document_and_one_class(index: SearchIndex) -> None:
    sjaelland = str(ID["document-sjaelland-8-punktsplan"])
    hits = index.search("pårørende", document=sjaelland, limit=500).hits
    assert hits and all(sjaelland in {d.iri for d in hit.documents} for hit in hits)
    initiatives = index.search("pårørende", cls=str(KG.Initiative), limit=500).hits
    assert initiatives and all(hit.class_iri == str(KG.Initiative) for hit in initiatives)


@pytest.mark.parametrize("text", ["", "   ", "?!", '"kræftplan', "x" * 501, "a*"])
def test_a_search_with_nothing_to_look_for_says_what_to_write(sample: SearchIndex, text: str) -> None:
    with pytest.raises(SearchTextError, match="Write words to look for"):
        sample.search(text)


def test_operators_and_quotes_in_the_text_are_only_words(sample: SearchIndex) -> None:
    assert sample.search("koordinatorer OR NOT) stems:").hits == ()


def test_filters_that_name_nothing_are_refused(sample: SearchIndex) -> None:
    with pytest.raises(SearchFilterError, match="document="):
        sample.search("midler", document=str(ID["document-none"]))
    with pytest.raises(SearchFilterError, match="class="):
        sample.search("midler", cls=str(KG.Nothing))
    with pytest.raises(SearchFilterError, match="limit="):
        sample.search("midler", limit=0)


def test_the_index_survives_its_bytes_and_the_cache(sample: SearchIndex, tmp_path: Path) -> None:
    copy = SearchIndex.from_bytes(sample.to_bytes())
    assert [h.resource for h in copy.search("midler").hits] == [h.resource for h in sample.search("midler").hits]
    cache = IndexCache(tmp_path)
    engine = RdflibEngine(load_dataset([SAMPLE]))
    stored = index_file(engine, version="v1", cache=cache)
    assert stored == cache.path("v1") and cache.load("v1") == stored
    kept = SearchIndex.open_file(stored)
    assert [h.resource for h in kept.search("midler").hits] == [h.resource for h in sample.search("midler").hits]
    assert index_of(engine).describe()["texts"] == copy.describe()["texts"] == kept.describe()["texts"]


def test_the_python_api_searches(knowledge_graph: KnowledgeGraph) -> None:
    results = knowledge_graph.search("senfølgeklinik", cls="kg:Initiative", limit=3)
    assert len(results.hits) == 3 and results.total >= 3
    assert all(hit.class_iri == str(KG.Initiative) for hit in results.hits)


def test_the_saved_search_query_points_to_the_full_text_search() -> None:
    header = (REPO / "queries" / "search.rq").read_text(encoding="utf-8")
    assert "/api/search" in header and "kraeftgraf search" in header


ENGINES: dict[str, Callable[[Dataset], QueryEngine]] = {"rdflib": RdflibEngine, "oxigraph": OxigraphEngine.from_dataset}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_quote_on_a_status_claims_evidence_is_a_text_of_the_resource_with_the_status(built: BuiltDataset,
                                                                                       engine: str) -> None:
    # Read from the graph itself: resource kg:hasStatus claim, claim kg:hasEvidence evidence, evidence kg:quote text.
    dataset = built.require_valid().dataset
    expected = {(str(resource), str(quote)) for resource, claim in dataset.subject_objects(KG.hasStatus)
                for evidence in dataset.objects(claim, KG.hasEvidence) for quote in dataset.objects(evidence, KG.quote)
                if isinstance(resource, URIRef)}
    assert len(expected) > 10  # the curated data records many statuses with a quote
    corpus = read_corpus(ENGINES[engine](dataset))
    found = {(text.resource, text.text) for text in corpus.texts if text.field == "quote"}
    assert expected <= found


@pytest.mark.parametrize("engine", ENGINES)
def test_of_several_labels_in_one_language_the_first_in_code_point_order_is_shown(engine: str) -> None:
    dataset = Dataset()
    thing = ID["theme-sample"]
    for label in ("Senfølger", "Rehabilitering", "Æblet", "Rehabilitering og senfølger"):
        dataset.add((thing, RDFS.label, Literal(label, lang="da")))
    dataset.add((thing, RDFS.label, Literal("Late effects", lang="en")))
    corpus = read_corpus(ENGINES[engine](dataset))
    assert (corpus.label(str(thing)), corpus.label(str(thing), "en")) == ("Rehabilitering", "Late effects")
