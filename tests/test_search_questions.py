"""The questions researchers ask of the search: which documents mention Kræftplan IV, pårørende, PRO?

The answer is checked against the source texts themselves: a document the search names must say the words (its
seed file contains them), and the documents whose quoted passages say them, read off the seed lines cited below,
must be named, each with a hit that carries the document.
"""

import re
from pathlib import Path

import pytest
from rdflib import Literal

from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.graph.pipeline import BuiltDataset
from kraeftgraf.namespaces import ID, KG

NEWSLETTER = str(ID["document-sst-nyhedsbrev-kraeftplan-iv"])  # 003
FOLLOW_UP = str(ID["document-hovedstaden-opfoelgning-kraeftplan"])  # 001
SJAELLAND = str(ID["document-sjaelland-8-punktsplan"])  # 002
GUIDANCE = str(ID["document-kb-vejledning-sammenhaeng"])  # 004


def documents_saying(pattern: str, built: BuiltDataset, sources_dir: Path) -> set[str]:
    """The documents whose source text matches the pattern (line breaks read as spaces)."""
    found = set()
    for document, name in built.dataset.subject_objects(KG.sourceFile):
        assert isinstance(name, Literal)
        text = " ".join((sources_dir / str(name)).read_text(encoding="utf-8").split())
        if re.search(pattern, text):
            found.add(str(document))
    return found


@pytest.mark.parametrize(("search", "pattern", "quoted", "unquoted"), [
    # 002:153 "midler fra Kræftplan IV til styrkelse af"; 003:2 "I forarbejdet til Kræftplan IV pegede
    # Sundhedsstyrelsen"; 004:42 "Ifølge Kræftplan IV skulle 90 pct."; 000 and 001 never name it
    ('"Kræftplan IV"', r"(?i)\bkræftplan iv\b", {SJAELLAND, NEWSLETTER, GUIDANCE}, set()),
    # 001:1649 "PRO (patientrapporterede oplysninger) skemaer besvares direkte af patienterne"; no other document
    ("PRO", r"\bPRO\b", {FOLLOW_UP}, set()),
    # 001:339 "Gastroenheden afholder ambulante samtaler med patient og pårørende",
    # 003:242 "de pårørendes behov og problemer", 004:92 "Bidrage til, at patienter og deres pårørende";
    # 002:220 "forløb og akutte indlæggelser, samt hjælper patient og pårørende med information" says it too, in a
    # passage no quote covers: found in the source text only
    ("pårørende", r"(?i)\bpårørende", {FOLLOW_UP, NEWSLETTER, GUIDANCE}, {SJAELLAND}),
])
def test_the_search_names_the_documents_that_mention_it(knowledge_graph: KnowledgeGraph, built: BuiltDataset,
                                                        sources_dir: Path, search: str, pattern: str,
                                                        quoted: set[str], unquoted: set[str]) -> None:
    results = knowledge_graph.search(search, limit=500)
    named = {document.iri for document in results.documents}
    assert quoted | unquoted <= named, f"{search}: missing {(quoted | unquoted) - named}"
    assert named <= documents_saying(pattern, built, sources_dir), f"{search}: a document that does not say it"
    assert all(document.label and document.passages > 0 for document in results.documents)
    found_in = {document.iri: document.found_in for document in results.documents}
    assert all(found_in[document] == "both" for document in quoted)  # the quoted words stand in the text too
    assert all(found_in[document] == "text" for document in unquoted)
    for document in quoted | unquoted:  # a hit carries the document, with the words of the search in its text
        fields = ("quote", "statusText") if document in quoted else ("sourceText",)
        assert any(hit.field in fields and document in {d.iri for d in hit.documents}
                   and any(s.match for s in hit.snippet) for hit in results.hits), (search, document)


def test_an_inflected_form_finds_the_same_documents(knowledge_graph: KnowledgeGraph) -> None:
    # 003:242 "de pårørendes behov", 001:339 "med patient og pårørende": one stem, so one answer
    plain = {d.iri for d in knowledge_graph.search("pårørende", limit=500).documents}
    assert {d.iri for d in knowledge_graph.search("pårørendes", limit=500).documents} == plain


def test_a_document_filter_answers_where_one_document_says_it(knowledge_graph: KnowledgeGraph) -> None:
    # 004:42 "Ifølge Kræftplan IV skulle 90 pct." is the guidance's one mention
    results = knowledge_graph.search('"Kræftplan IV"', document=GUIDANCE, limit=500)
    assert [d.iri for d in results.documents] == [GUIDANCE]
    assert any("Ifølge Kræftplan IV skulle 90 pct." in " ".join(hit.text.split()) for hit in results.hits)


def test_the_saved_search_query_finds_quotes_and_status_texts_with_their_document(
        knowledge_graph: KnowledgeGraph) -> None:
    rows = list(knowledge_graph.query("search", text="Kræftplan IV"))
    # 002:153 "traf i efteråret 2019 beslutning om udmøntning af midler fra Kræftplan IV": a status text in 002
    assert any(row["field"] == "statusText" and row["document"] == SJAELLAND and "Kræftplan IV" in str(row["match"])
               for row in rows)
    # 004:42 "Ifølge Kræftplan IV skulle 90 pct.": a quote in 004
    assert any(row["field"] == "quote" and row["document"] == GUIDANCE for row in rows)
    assert all(row["document"] is None for row in rows if row["field"] in ("label", "description", "definition"))


@pytest.mark.parametrize("text", ["Kræftplan IV", "senfølgeklinik", "pårørende"])
def test_the_saved_query_and_the_full_text_search_name_the_same_documents_for_a_text_as_written(
        knowledge_graph: KnowledgeGraph, text: str) -> None:
    """Both look in the same curated fields; the saved query compares the text as written, the full-text search its
    stems, so for a text with no other forms in the data they agree on which documents' facts say it (the full-text
    search's passages of the source texts are no part of the graph, so no saved query sees them)."""
    saved = {row["document"] for row in knowledge_graph.query("search", text=text)
             if row["field"] in ("quote", "statusText")}
    facts = knowledge_graph.search(f'"{text}"', limit=500, scope="facts").documents
    assert saved and saved == {d.iri for d in facts}
    assert all(d.found_in == "facts" and d.text == 0 for d in facts)
