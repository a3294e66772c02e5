"""`kraeftgraf search TEXT` on the command line: a table, JSON or CSV, exit 1 for nothing found, 2 for bad input."""

import csv
import io
import json

import pytest

from kraeftgraf.cli.main import EXIT_ERROR, EXIT_OK, main
from kraeftgraf.namespaces import ID
from kraeftgraf.search.formats import CSV_COLUMNS

EXIT_NOT_FOUND = 1


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_prints_a_table_with_the_match_marked_and_the_documents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "pårørendes", "--limit", "5")
    assert code == EXIT_OK
    # ontology/themes.ttl: the theme labelled "Pårørende" comes first, its label marked
    assert "**Pårørende**" in out.splitlines()[2]
    assert "5 of " in out and "Documents that say it in their own words" in out
    # 003:242 "de pårørendes behov og problemer" in the Sundhedsstyrelsen newsletter
    assert "Nyhedsbrev om Kræftplan IV's værktøjer" in out.splitlines()[-1]


def test_search_as_json_gives_each_hit_with_its_documents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", '"Kræftplan IV"', "--format", "json", "--limit", "100")
    answer = json.loads(out)
    assert code == EXIT_OK and answer["text"] == '"Kræftplan IV"'
    # 002:153 "midler fra Kræftplan IV til styrkelse af" in Region Sjælland's 8-point plan
    assert str(ID["document-sjaelland-8-punktsplan"]) in {d["iri"] for d in answer["documents"]}
    quotes = [hit for hit in answer["hits"] if hit["field"] == "quote"]
    assert quotes and all(hit["documents"] and hit["documents"][0]["label"] for hit in quotes)


def test_search_as_csv_has_the_columns_and_one_row_per_hit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "PRO", "--format", "csv", "--limit", "7")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == EXIT_OK and len(rows) == 7
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert all("**PRO**" in row["snippet"] for row in rows)


def test_search_that_finds_nothing_says_so_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "zxqvyw")
    assert (code, out.strip()) == (EXIT_NOT_FOUND, "Nothing found for 'zxqvyw'.")


@pytest.mark.parametrize(("argv", "message"), [
    (['"kræftplan IV'], "opens a phrase but none that closes it"),
    (["-"], "has no word to look for"),
    (["p*"], "needs at least 2 letters before *"),
    (["x" * 501], "search for at most 500"),
    (["PRO", "--limit", "0"], "--limit='0'"),
    (["PRO", "--document", "id:document-none"], "no text in the index comes from that document"),
    (["PRO", "--class", "no iri"], "--class='no iri'"),
])
def test_bad_input_exits_2_with_a_message_that_says_what_to_write(
        capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, "search", *argv)
    assert code == EXIT_ERROR and out == ""
    assert message in err and "Traceback" not in err
