"""Evidence notes (kg:evidenceNote): where a quote stands and how to read it, kept apart from what a resource is."""

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF, RDFS

from kraeftgraf.api import KnowledgeGraph
from kraeftgraf.graph.source_text import SourceText
from kraeftgraf.namespaces import KG

from .conftest import REPO

DATA_FILES = sorted((REPO / "data" / "ttl").glob("*.ttl"))


def _evidence_nodes(graph: Graph) -> set[object]:
    # kg:hasEvidence's range is kg:Evidence, so an untyped object of it is evidence too.
    return set(graph.objects(None, KG.hasEvidence)) | set(graph.subjects(RDF.type, KG.Evidence))


def test_no_data_file_writes_dcterms_description_on_evidence() -> None:
    misplaced: list[str] = []
    for path in DATA_FILES:
        graph = Graph().parse(path)
        evidence = _evidence_nodes(graph)
        misplaced += [f"{path.name}: {note}" for node, note in graph.subject_objects(DCTERMS.description)
                      if node in evidence]
    assert not misplaced, ("Write these as kg:evidenceNote (data/CURATION.md, 'Evidence notes'):\n"
                           + "\n".join(misplaced))


def test_evidence_notes_are_written_in_the_data_files() -> None:
    # The notes the curators wrote on 004's fact boxes and on 001's differing wordings (read in the seeds):
    # 004's box "Behovsvurdering" ends "(Kilde: Sundhedsstyrelsen)"; 001 writes "Anbefaling 6: ... senfølger i
    # forbindelse med kræft" where 000 writes "Anbefaling 5 ... senfølger efter kræft".
    notes = {str(note) for path in DATA_FILES for note in Graph().parse(path).objects(None, KG.evidenceNote)}
    assert "Boksen 'Behovsvurdering', med kildeangivelsen '(Kilde: Sundhedsstyrelsen)'." in notes
    assert any("'Anbefaling 6'" in note for note in notes)


def test_a_query_asking_for_dcterms_description_still_finds_an_evidence_note(knowledge_graph: KnowledgeGraph) -> None:
    # kg:evidenceNote is a subproperty of dcterms:description: the inferred graph answers queries written before it.
    rows = knowledge_graph.sparql("""
        PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?description WHERE {
          <https://w3id.org/kraeftgraf/id/term-needs-assessment> kg:hasEvidence ?evidence .
          ?evidence dcterms:description ?description }""")
    assert rows.column("description") == ["Boksen 'Behovsvurdering', med kildeangivelsen '(Kilde: Sundhedsstyrelsen)'."]


def test_the_ontology_documents_the_evidence_note_as_a_kind_of_description() -> None:
    ontology = Graph().parse(REPO / "ontology" / "kraeftgraf.ttl")
    assert (KG.evidenceNote, RDFS.subPropertyOf, DCTERMS.description) in ontology
    assert (KG.evidenceNote, RDFS.domain, KG.Evidence) in ontology


def _pieces(wording: str, text: SourceText) -> list[str]:
    """The wording cut into the fewest verbatim passages of the text, longest first; [] when a word is not there."""
    words = wording.split(" ")
    pieces: list[str] = []
    start = 0
    while start < len(words):
        end = start
        while end < len(words) and text.contains(" ".join(words[start:end + 1])):
            end += 1
        if end == start:
            return []
        pieces.append(" ".join(words[start:end]))
        start = end
    return pieces


def test_every_wording_in_a_document_is_its_verbatim_text_joined_where_the_layout_cut_it(sources_dir: Path) -> None:
    graph = Graph()
    for path in DATA_FILES:
        graph.parse(path)
    checked = 0
    for evidence, wording in graph.subject_objects(KG.wordingInDocument):
        source = sources_dir / str(graph.value(graph.value(evidence, KG.inDocument), KG.sourceFile))
        pieces = _pieces(str(wording), SourceText(source.read_text(encoding="utf-8")))
        assert pieces, f"{wording!r} is not in {source.name}"
        # A wording the extracted text interrupts (a status column) is joined from two passages, and its note says so.
        assert len(pieces) == 1 or (len(pieces) == 2 and "fortsætter efter statusfeltet" in str(
            graph.value(evidence, KG.evidenceNote))), (str(wording), pieces)
        checked += 1
    # 001 restates the plan's 15 recommendations 1-10 and A-E (lines 6-1700), each with its own number.
    assert checked == 15
