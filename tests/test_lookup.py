"""lookup: a curator finds what is already described, by label or IRI, before minting a second IRI for it."""

import json
from pathlib import Path

import pytest

from kraeftgraf import resources
from kraeftgraf.cli.main import main
from kraeftgraf.graph.lookup import ResourceIndex
from kraeftgraf.namespaces import ID

DATA = {path.name: path for path in resources.data_files()}
ONTOLOGY = {path.name: path for path in resources.ontology_files()}


@pytest.fixture(scope="module")
def index() -> ResourceIndex:
    return ResourceIndex([*resources.ontology_files(), *resources.data_files()])


def _line_starting(path: Path, name: str) -> int:
    """The line of the file that starts a statement about `name` (read from the file, as a person would)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(name + " "))


@pytest.mark.parametrize("text", ["kraeftens bekaempelse", "KRÆFTENS BEKÆMPELSE", "Kræftens Bekæmpelse",
                                  "danish cancer society", "kraftens bekampelse"])
def test_a_label_is_found_in_danish_or_english_whatever_the_case_and_accents(
    text: str, index: ResourceIndex
) -> None:
    # reference-organisations.ttl: id:org-kraeftens-bekaempelse, "Kræftens Bekæmpelse"@da, "Danish Cancer Society"@en
    hit = index.lookup(text)[0]
    assert hit.resource.name == "id:org-kraeftens-bekaempelse"
    assert [str(label) for label in hit.resource.labels] == ['"Kræftens Bekæmpelse"@da', '"Danish Cancer Society"@en']
    assert hit.resource.classes == ["kg:Association"]
    path = DATA["reference-organisations.ttl"]
    assert [(Path(p.file).name, p.line) for p in hit.resource.places] == [
        (path.name, _line_starting(path, "id:org-kraeftens-bekaempelse"))]


@pytest.mark.parametrize("text", ["id:hospital-rigshospitalet", str(ID["hospital-rigshospitalet"]),
                                  f"<{ID['hospital-rigshospitalet']}>", "hospital-rigshospitalet"])
def test_an_iri_a_prefixed_name_or_a_slug_finds_the_resource(text: str, index: ResourceIndex) -> None:
    assert index.lookup(text)[0].resource.name == "id:hospital-rigshospitalet"


def test_part_of_a_slug_finds_the_resources_it_belongs_to(index: ResourceIndex) -> None:
    # reference-organisations.ttl names two planning areas "Planområde Nord" and "Planområde Syd", ...
    names = {hit.resource.name for hit in index.lookup("planning-area-hovedstaden")}
    assert {"id:planning-area-hovedstaden-nord", "id:planning-area-hovedstaden-syd"} <= names


def test_an_ontology_term_is_found_with_its_class_and_the_line_defining_it(index: ResourceIndex) -> None:
    hit = index.lookup("kg:Recommendation")[0]
    assert hit.resource.classes == ["owl:Class"]
    assert '"Anbefaling"@da' in [str(label) for label in hit.resource.labels]
    path = ONTOLOGY["kraeftgraf.ttl"]
    assert [(Path(p.file).name, p.line) for p in hit.resource.places] == [
        (path.name, _line_starting(path, "kg:Recommendation"))]


def test_a_thing_described_in_a_reference_file_and_added_to_by_a_document_shows_both_places(
    index: ResourceIndex,
) -> None:
    # reference-programmes.ttl types the programme; the guidance's file adds its status claims.
    resource = index.lookup("id:programme-patient-responsible-doctor")[0].resource
    reference = DATA["reference-programmes.ttl"]
    guidance = DATA["kraeftens-bekaempelse-vejledning-sammenhaeng-2024-26.ttl"]
    name = "id:programme-patient-responsible-doctor"
    assert [(Path(p.file).name, p.line) for p in resource.defined_in] == [
        (reference.name, _line_starting(reference, name))]
    assert [(Path(p.file).name, p.line) for p in resource.added_to_in] == [
        (guidance.name, guidance.read_text(encoding="utf-8").splitlines().index(name) + 1)]


def test_a_label_spelt_a_little_wrong_is_offered_as_close(index: ResourceIndex) -> None:
    hits = index.lookup("Kræftens Bekæmpelsee")
    assert [(hit.resource.name, hit.match) for hit in hits] == [("id:org-kraeftens-bekaempelse", "close")]


def test_lookup_prints_iri_labels_class_and_place_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "Region Sjælland"]) == 0
    out = capsys.readouterr().out
    path = DATA["reference-organisations.ttl"]
    assert out.startswith("id:region-sjaelland  kg:Region\n")
    assert '"Region Sjælland"@da , "Region Zealand"@en' in out
    assert f"{path.name}:{_line_starting(path, 'id:region-sjaelland')}" in out


def test_lookup_json_lists_each_hit_with_its_places(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "--format", "json", "rigshospitalet"]) == 0
    hits = json.loads(capsys.readouterr().out)
    first = hits[0]
    assert first["iri"] == str(ID["hospital-rigshospitalet"])
    assert {"value": "Rigshospitalet", "language": "da"} in first["labels"]
    assert first["places"][0]["file"].endswith("reference-organisations.ttl")


def test_lookup_of_something_never_described_exits_1_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "xyzzy plugh"]) == 1
    assert "nothing described" in capsys.readouterr().err
