"""Loading files: one named graph per file, and errors that name the file and the line."""

from pathlib import Path

import pytest

from kraeftgraf.errors import DataFileError
from kraeftgraf.graph.load import expand_paths, graph_name, load_dataset
from kraeftgraf.namespaces import ID

from .conftest import TESTS


def test_each_file_gets_its_own_named_graph_named_after_the_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.ttl", tmp_path / "second.ttl"
    first.write_text("<urn:a> <urn:p> <urn:b> .\n")
    second.write_text("<urn:c> <urn:p> <urn:d> .\n")
    dataset = load_dataset([first, second])
    assert len(dataset.graph(ID["graph-first"])) == 1
    assert len(dataset.graph(ID["graph-second"])) == 1
    assert graph_name(first) == ID["graph-first"]


def test_trig_keeps_its_own_named_graphs(tmp_path: Path) -> None:
    trig = tmp_path / "data.trig"
    trig.write_text("<urn:g1> { <urn:a> <urn:p> <urn:b> . }\n<urn:g2> { <urn:c> <urn:p> <urn:d> . }\n")
    dataset = load_dataset([trig])
    from rdflib import URIRef

    assert len(dataset.graph(URIRef("urn:g1"))) == 1
    assert len(dataset.graph(URIRef("urn:g2"))) == 1


def test_invalid_turtle_is_reported_with_the_file_name_and_line() -> None:
    path = TESTS / "data" / "invalid-syntax.ttl"
    with pytest.raises(DataFileError) as raised:
        load_dataset([path])
    message = str(raised.value)
    assert str(path) in message
    # The missing ';' after "a kg:Track" on line 8 is noticed when line 9 starts.
    assert "line 9" in message
    assert "kraeftgraf validate" in message


def test_invalid_turtle_after_literals_on_later_lines_is_reported_at_its_own_line(tmp_path: Path) -> None:
    # rdflib counts the line break before a literal object twice: it reported this error on line 10.
    path = tmp_path / "data.ttl"
    path.write_text('@prefix : <urn:x:> .\n'
                    ':a :label "en"@da ,\n'
                    '    "to"@da ;\n'
                    '  :note\n'
                    '    "tre" .\n'
                    '\n'
                    ':b :label "fire"@da ,\n'
                    '    :c ! .\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"data\.ttl: line 8, column 8: invalid RDF syntax at '! \.'"):
        load_dataset([path])


def test_turtle_that_ends_in_the_middle_of_a_statement_is_reported_at_its_last_line(tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    path.write_text('<urn:a> <urn:p> "en" ,\n    "to"\n\n\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"data\.ttl: line 2, column 9: invalid RDF syntax: EOF"):
        load_dataset([path])


def test_unknown_file_type_names_the_accepted_ones(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    with pytest.raises(DataFileError, match=r"unknown RDF file type '\.csv'.*\.ttl"):
        load_dataset([path])


def test_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        load_dataset([tmp_path / "missing.ttl"])


def test_a_folder_stands_for_the_rdf_files_inside_it(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text("")
    (tmp_path / "b.nt").write_text("")
    (tmp_path / "notes.txt").write_text("")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.ttl", "b.nt"]
