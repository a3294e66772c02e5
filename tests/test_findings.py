"""One mistake, one finding: at the line where it was written, saying what to do, with the IRI it most likely meant."""

from pathlib import Path

from kraeftgraf import resources
from kraeftgraf.graph.pipeline import build

from .conftest import TESTS

DATA = resources.data_files()
REFERENCE = [p for p in DATA if p.name.startswith("reference-")]
FOLLOW_UP = next(p for p in DATA if p.name == "region-hovedstaden-opfoelgning-kraeftplan.ttl")


def _lines_with(path: Path, text: str) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if text in line and not line.startswith("#")]


def test_a_misspelt_status_is_one_violation_per_claim_naming_the_status_meant(tmp_path: Path) -> None:
    # The tester's case: id:status-implementd gave six violations a claim, one of them pyshacl's own, untranslated
    # message and others advising an edit of the status vocabulary.
    copy = tmp_path / FOLLOW_UP.name
    copy.write_text(FOLLOW_UP.read_text(encoding="utf-8").replace("id:status-implemented", "id:status-implementd"),
                    encoding="utf-8")
    misspelt = _lines_with(copy, "id:status-implementd")
    claims = _lines_with(copy, "[ a kg:StatusClaim")
    # Each misspelling is written in a status claim: the claim's `[` is the nearest one above it.
    expected_lines = sorted(max(c for c in claims if c <= line) for line in misspelt)
    report = build([*(p for p in DATA if p != FOLLOW_UP), copy]).report
    assert sorted(r.line for r in report.results) == expected_lines
    for result in report.results:
        assert result.source_file == str(copy)
        assert result.message("en") == (
            "id:status-implementd is not a status of ontology/statuses.ttl; use one of the id:status-... concepts "
            "there. Did you mean id:status-implemented?")
        assert result.message("da").startswith("id:status-implementd er ikke en status i ontology/statuses.ttl")
        assert result.message("da").endswith("Mente du id:status-implemented?")


def test_a_misspelt_iri_is_reported_where_it_is_referred_to_with_the_iri_meant() -> None:
    path = TESTS / "broken" / "integrity-misspelt-hospital.ttl"
    [result] = build([*REFERENCE, path]).report.results
    assert (result.source_file, result.line) == (str(path), _lines_with(path, "id:hospital-rigshopitalet")[0])
    assert (result.owner, result.path, result.value) == (
        "id:test-initiative", "kg:responsibleOrganisation", "id:hospital-rigshopitalet")
    assert result.message().endswith("Did you mean id:hospital-rigshospitalet?")


def test_an_unknown_property_is_refused_naming_the_property_meant() -> None:
    # The tester's case: kg:partnr instead of kg:partner passed.
    path = TESTS / "broken" / "vocabulary-unknown-property.ttl"
    report = build([*REFERENCE, path]).report
    assert not report.conforms
    [result] = report.results
    assert (result.source_file, result.line) == (str(path), _lines_with(path, "kg:partnr")[0])
    assert result.message() == ("kg:partnr is not a property of the ontology (ontology/kraeftgraf.ttl); fix the "
                                "spelling or use a property defined there. Did you mean kg:partner?")


def test_an_unknown_class_is_refused_naming_the_class_meant() -> None:
    path = TESTS / "broken" / "vocabulary-unknown-class.ttl"
    [result] = build([*REFERENCE, path]).report.results
    assert result.severity == "Violation"
    assert result.message().endswith("Did you mean kg:Recommendation?")


def test_a_percentage_given_as_a_fraction_is_a_warning_not_a_failure() -> None:
    # The tester's case: 0.25 for 25 per cent passed without a word.
    path = TESTS / "broken" / "warning-percentage-as-fraction.ttl"
    report = build([*REFERENCE, path]).report
    assert report.conforms
    [warning] = report.warnings
    assert "The percentage is below 1" in warning.message()


def test_a_missing_quote_is_told_to_add_one_not_to_shorten_it() -> None:
    path = TESTS / "broken" / "provenance-evidence-without-quote.ttl"
    [result] = build([*REFERENCE, path]).report.results
    assert "add kg:quote" in result.message() and "shorten" not in result.message()
    assert "tilføj kg:quote" in result.message("da")


def test_no_finding_is_pyshacls_own_untranslated_message() -> None:
    # A failed sh:node adds a nested sh:detail result in pyshacl's words ("... does not contain a value ...").
    for path in sorted((TESTS / "broken").glob("vocabulary-*.ttl")):
        for result in build([*REFERENCE, path]).report.results:
            assert set(result.messages) == {"da", "en"}, (path.name, result.messages)
