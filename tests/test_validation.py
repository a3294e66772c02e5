"""The shapes accept the curated data and refuse each kind of broken data with a message that says why."""

from pathlib import Path

import pytest
from rdflib import Graph

from kraeftgraf import resources
from kraeftgraf.graph.load import load_graph
from kraeftgraf.graph.pipeline import BuiltDataset, build

from .conftest import TESTS

BROKEN = sorted((TESTS / "broken").glob("*.ttl"))
REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]


def _expected_message(path: Path) -> str:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# expect: "), f"{path} must start with '# expect: <message>'"
    return first_line.removeprefix("# expect: ")


def test_the_curated_data_conforms_to_the_shapes(built: BuiltDataset) -> None:
    problems = [(r.source_file, r.owner, r.path, r.message()) for r in built.report.violations]
    assert problems == []
    assert built.report.conforms


def test_there_is_a_broken_file_for_every_kind_of_constraint() -> None:
    kinds = {path.name.split("-")[0] for path in BROKEN}
    assert {"cardinality", "datatype", "range", "vocabulary", "label", "provenance", "integrity",
            "hygiene", "sparql"} <= kinds


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_data_is_refused_with_the_expected_message_naming_the_file(path: Path) -> None:
    report = build([*REFERENCE, path]).report
    assert not report.conforms
    expected = _expected_message(path)
    matching = [r for r in report.violations if expected in r.message("en")]
    assert matching, [r.message("en") for r in report.violations]
    assert all(r.source_file == str(path) for r in matching)
    assert all(r.message("da") and r.message("da") != r.message("en") for r in matching)
    # The reference data itself is fine: every violation comes from the broken file.
    assert {r.source_file for r in report.violations} == {str(path)}


def test_reference_data_alone_conforms() -> None:
    assert build(REFERENCE).report.conforms


SPARQL_CHECKED = [p for p in BROKEN if p.name.startswith(("sparql-", "hygiene-"))]


@pytest.mark.parametrize("path", SPARQL_CHECKED, ids=[p.stem for p in SPARQL_CHECKED])
def test_oxigraph_finds_what_pyshacl_finds_for_the_sparql_constraints(path: Path) -> None:
    # The dataset-wide SHACL-SPARQL checks run in Oxigraph for speed; pyshacl over the whole shapes
    # file is the reference they must agree with.
    import pyshacl
    from rdflib.namespace import SH

    built = build([*REFERENCE, path])
    data = Graph()
    for s, p, o, _ in built.dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    shapes = load_graph(resources.shapes_files())
    _conforms, reference, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)

    def found(report: Graph) -> set[tuple[str, str]]:
        return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.value)))
                for r in report.subjects(SH.sourceConstraintComponent, SH.SPARQLConstraintComponent)}

    assert found(reference)  # the file breaks a SPARQL constraint
    assert found(built.report.graph) == found(reference)
