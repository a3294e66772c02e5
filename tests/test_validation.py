"""The shapes accept the curated data and refuse each kind of broken data with a message that says why."""

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kraeftgraf import resources
from kraeftgraf.graph.load import load_graph
from kraeftgraf.graph.pipeline import BuiltDataset, build
from kraeftgraf.graph.validation import ValidationReport

from .conftest import TESTS

BROKEN = sorted((TESTS / "broken").glob("*.ttl"))
# Files with a value that is valid but unlikely: a warning, which does not fail the build.
WARNED = [p for p in BROKEN if p.name.startswith("warning-")]
REFUSED = [p for p in BROKEN if p not in WARNED]
REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]


def _expected_message(path: Path) -> str:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# expect: "), f"{path} must start with '# expect: <message>'"
    return first_line.removeprefix("# expect: ")


def _also_expected(path: Path) -> list[str]:
    """Fragments of other messages the file cannot help causing too (`# also: ` lines; a comment says why)."""
    return [line.removeprefix("# also: ") for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# also: ")]


def _english_shape_messages() -> set[str]:
    """Every English sh:message of the shapes: property shapes, node shapes and SPARQL constraints."""
    shapes = load_graph(resources.shapes_files())
    return {str(m) for m in shapes.objects(None, SH.message) if isinstance(m, Literal) and m.language == "en"}


# Constraints no data can break without breaking another one too, so no broken file stands for them.
# Each key is a fragment of the English message; the value says why. The same inference lets every IRI
# through these four checks, a person's or a plan item's included: only a literal ever fails them.
NOT_BREAKABLE_ALONE = {
    "A partner must be an organisation": (
        "sh:class org:Organization on kg:partner, whose rdfs:range is org:Organization: the build infers that "
        "class for every IRI or blank node a partner points to, so only a literal breaks it, and a literal "
        "partner is also refused as a reference that is never described and has no type."),
    "The one responsible must be an organisation": (
        "sh:class org:Organization on kg:responsibleOrganisation, whose rdfs:range is org:Organization: as for "
        "kg:partner, only a literal breaks it, and a literal is also refused as never described and untyped."),
    "kg:implements must point to a plan item": (
        "sh:class kg:PlanItem on kg:implements, whose rdfs:range is kg:PlanItem: only a literal breaks it, and "
        "a literal is also refused as never described and untyped."),
    "kg:measuredAgainst must point to a kg:Target": (
        "sh:class kg:Target on kg:measuredAgainst, whose rdfs:range is kg:Target: only a literal breaks it, and "
        "a literal is also refused as never described and untyped."),
}


def test_the_curated_data_conforms_to_the_shapes(built: BuiltDataset) -> None:
    problems = [(r.source_file, r.owner, r.path, r.message()) for r in built.report.violations]
    assert problems == []
    assert built.report.conforms


def test_there_is_a_broken_file_for_every_kind_of_constraint() -> None:
    kinds = {path.name.split("-")[0] for path in BROKEN}
    assert {"cardinality", "datatype", "range", "vocabulary", "label", "provenance", "integrity",
            "hygiene", "sparql", "warning"} <= kinds


@pytest.mark.parametrize("path", REFUSED, ids=[p.stem for p in REFUSED])
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
    # The file breaks its one constraint and nothing else, short of what its `# also:` lines own up to.
    allowed = [expected, *_also_expected(path)]
    assert [r.message("en") for r in report.violations if not any(a in r.message("en") for a in allowed)] == []


@pytest.mark.parametrize("path", WARNED, ids=[p.stem for p in WARNED])
def test_unlikely_values_are_warned_about_without_failing(path: Path) -> None:
    report = build([*REFERENCE, path]).report
    assert report.conforms
    assert report.violations == []
    expected = _expected_message(path)
    matching = [r for r in report.warnings if expected in r.message("en")]
    assert matching, [r.message("en") for r in report.results]
    assert all(r.source_file == str(path) and r.line > 0 for r in matching)
    assert all(r.message("da") and r.message("da") != r.message("en") for r in matching)
    allowed = [expected, *_also_expected(path)]
    assert [r.message("en") for r in report.results if not any(a in r.message("en") for a in allowed)] == []


def _block_of(path: Path, subject: str) -> range:
    """The lines of a subject's block in a data file: from its first line to the line before the next subject."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines, 1) if line.startswith(f"{subject} "))
    end = next((i for i, line in enumerate(lines, 1) if i > start and line[:1] not in ("", " ", "#")),
               len(lines) + 1)
    return range(start, end)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_every_finding_names_a_line_in_the_block_of_the_resource_at_fault(path: Path) -> None:
    report = build([*REFERENCE, path]).report
    assert report.results
    for result in report.results:
        assert result.line in _block_of(path, result.owner), result.describe()
        assert result.describe().startswith(f"{path}:{result.line}: ")


def test_every_expect_line_names_exactly_one_shape_message() -> None:
    messages = _english_shape_messages()
    found = {path.name: sorted(m for m in messages if _expected_message(path) in m) for path in BROKEN}
    vague = [f"{name}: {len(hits)} messages {hits}" for name, hits in found.items() if len(hits) != 1]
    assert not vague, "Make these `# expect:` lines name one message each:\n" + "\n".join(vague)


def test_every_shape_message_is_exercised_by_a_broken_file() -> None:
    fragments = [_expected_message(path) for path in BROKEN]
    unexercised = sorted(m for m in _english_shape_messages()
                         if not any(f in m for f in [*fragments, *NOT_BREAKABLE_ALONE]))
    assert not unexercised, "No file in tests/broken breaks the constraint of:\n" + "\n".join(unexercised)


def test_each_constraint_not_breakable_alone_names_one_message_and_has_no_broken_file() -> None:
    messages = _english_shape_messages()
    assert {f: sum(f in m for m in messages) for f in NOT_BREAKABLE_ALONE} == dict.fromkeys(NOT_BREAKABLE_ALONE, 1)
    assert [f for f in NOT_BREAKABLE_ALONE if any(f in _expected_message(path) for path in BROKEN)] == []


def test_reference_data_alone_conforms() -> None:
    assert build(REFERENCE).report.conforms


DOCUMENT_FILES = [p for p in resources.data_files() if not p.name.startswith("reference-")]


@pytest.mark.parametrize("removed", DOCUMENT_FILES, ids=[p.stem for p in DOCUMENT_FILES])
def test_the_data_conforms_without_any_one_document_file(removed: Path) -> None:
    # Things that several documents refer to are described in the reference files, so that removing one
    # document's file (or curating a new one) never breaks another's: a tester found 3 violations about a
    # programme that only the removed file described.
    report = build([p for p in resources.data_files() if p != removed]).report
    assert [r.describe() for r in report.violations] == []


SPARQL_CHECKED = [p for p in BROKEN if p.name.startswith(("sparql-", "hygiene-", "vocabulary-unknown-class",
                                                         "vocabulary-unknown-property"))]


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


@pytest.mark.parametrize("path", [None, *BROKEN], ids=["curated-data", *(p.stem for p in BROKEN)])
def test_the_core_constraints_run_in_oxigraph_find_exactly_what_pyshacl_finds(
        path: Path | None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Most core constraints run as SPARQL in Oxigraph for speed (validation_core); pyshacl checking them all is
    # the reference: every finding, with its file, line, resource, path, value, severity and messages.
    from kraeftgraf.graph import pipeline
    from kraeftgraf.graph.validation import validate

    compared: list[tuple[list[str], list[str]]] = []

    def both(data: Graph, **arguments: Any) -> ValidationReport:
        by_pyshacl = validate(data, **arguments, core_in_oxigraph=False)
        translated = validate(data, **arguments)
        compared.append(([r.describe() for r in translated.results], [r.describe() for r in by_pyshacl.results]))
        return translated

    monkeypatch.setattr(pipeline, "validate", both)
    build(None if path is None else [*REFERENCE, path])
    [(translated, by_pyshacl)] = compared
    assert translated == by_pyshacl
    assert path is None or translated  # each broken file is found out, both ways
