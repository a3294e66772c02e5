"""`kraeftgraf queries --check`: the constructs Virtuoso 7 refuses or answers differently are caught, with the file
and line, before a saved query lands; every shipped query passes."""

from pathlib import Path

import pytest

from kraeftgraf.cli.main import main
from kraeftgraf.queries.portability import portability_problems

# Valid SPARQL 1.1 (an aggregate's alias may be used by a later projection expression and by ORDER BY: SPARQL 1.1,
# 18.2.4.1), each construct on its own line, inside a subquery: Virtuoso 7 refuses line 4 (SP031), types line 6
# xsd:integer and turns the IRI line 5 chooses into a string.
_NOT_PORTABLE = """\
PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>
SELECT ?theme ?total WHERE {
  { SELECT ?theme (COUNT(?item) AS ?items)
           (?items + 1 AS ?total)
           (IF(?items > 0, ?theme, ?other) AS ?chosen)
    WHERE { ?item kg:addressesTheme ?theme . BIND(EXISTS { ?item a kg:Initiative } AS ?isInitiative) }
    GROUP BY ?theme ?other }
}
ORDER BY ?total
"""


def test_the_non_portable_query_is_valid_sparql() -> None:
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(_NOT_PORTABLE)  # raises on a syntax error


def test_each_non_portable_construct_is_found_on_its_line() -> None:
    found = [(finding.line, finding.problem) for finding in portability_problems(_NOT_PORTABLE)]
    assert [line for line, _ in found] == [4, 5, 5, 6]
    assert "?items is used again in the same SELECT's ?total" in found[0][1]
    assert {found[1][1].split(" ")[0], found[2][1].split(" ")[0]} == {"?chosen", "the"}  # ?items reused, and IF
    assert found[3][1].startswith("?isInitiative is an EXISTS as a value")


def test_an_aggregate_used_in_order_by_of_its_own_select_is_found() -> None:
    text = ("SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s\n"
            "ORDER BY DESC(?n) ?s\n")
    [finding] = portability_problems(text)
    assert finding.line == 2 and "ORDER BY" in finding.problem and "subquery" in finding.hint


def test_the_portable_rewrite_is_not_flagged() -> None:
    text = ("SELECT ?s ?n WHERE { { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }\n"
            "ORDER BY DESC(?n) ?s\n")
    assert portability_problems(text) == []


def test_the_check_command_names_file_and_line_and_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "not-portable.rq"
    query.write_text(_NOT_PORTABLE, encoding="utf-8")
    assert main(["queries", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{query}:4: the aggregate ?items is used again" in out
    assert "fix: compute the aggregates in a subquery" in out
    assert "1 query checked, 4 non-portable constructs" in out


def test_every_shipped_query_passes_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queries", "--check"]) == 0
    assert " 0 non-portable constructs" in capsys.readouterr().out


def test_a_path_that_does_not_exist_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queries", "--check", str(tmp_path / "missing.rq")]) == 2
    assert "missing.rq: no such file or folder" in capsys.readouterr().err


def test_a_coalesce_that_relies_on_a_failing_number_cast_is_found() -> None:
    # SPARQL 1.1, 17.5: casting "E" to xsd:integer is an error, so COALESCE gives 1000; Virtuoso casts it to 0.
    text = ('PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT ?n WHERE { VALUES ?n { "E" "10" } }\n'
            "ORDER BY (COALESCE(xsd:integer(?n), 1000)) ?n\n")
    [finding] = portability_problems(text)
    assert finding.line == 3 and "COALESCE" in finding.problem and "REGEX" in finding.hint
    guarded = text.replace("COALESCE(xsd:integer(?n), 1000)",
                           'COALESCE(IF(REGEX(STR(?n), "^[0-9]+$"), xsd:integer(?n), 1000), 1000)')
    assert portability_problems(guarded) == []
