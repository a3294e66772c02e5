"""Reading saved query files: the `#+` YAML header, grlc's forms, and errors that name the file and line."""

from pathlib import Path

import pytest
from rdflib import URIRef

from kraeftgraf.errors import QueryFileError
from kraeftgraf.namespaces import ID, KG
from kraeftgraf.queries.saved import load_queries, parse_query_file

BODY = "PREFIX kg: <https://w3id.org/kraeftgraf/vocab#>\nSELECT ?item WHERE { ?item kg:addressesTheme ?theme }\n"


def write(folder: Path, name: str, header: str, body: str = BODY) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_header_with_danish_and_english_summary_and_a_typed_parameter_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "items-on-theme", (
        "#+ summary: {da: Elementer om et tema, en: Items on a theme}\n"
        "#+ description:\n#+   da: Lang tekst.\n#+   en: Long text.\n"
        "#+ tags: [tema, theme]\n"
        "#+ params:\n"
        "#+   theme: {type: iri, class: kg:Theme, default: id:theme-palliation, enumerate: [id:theme-palliation]}\n"))
    query = parse_query_file(path)
    assert query.name == "items-on-theme"
    assert (query.summary.da, query.summary.en) == ("Elementer om et tema", "Items on a theme")
    assert query.description.get("en") == "Long text."
    assert query.tags == ("tema", "theme")
    theme = query.parameter("theme")
    assert (theme.type, theme.of_class, theme.default) == ("iri", KG.Theme, "id:theme-palliation")
    assert theme.enumerate == ("id:theme-palliation",)
    assert not theme.required


def test_grlc_style_plain_summary_and_defaults_and_enumerate_lists_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "grlc-style", (
        "#+ summary: Items on a theme\n"
        "#+ params:\n#+   theme: {type: iri, class: kg:Theme}\n"
        "#+ defaults:\n#+   - theme: id:theme-screening\n"
        "#+ enumerate:\n#+   - theme:\n#+     - id:theme-screening\n#+     - id:theme-palliation\n"
        "#+ method: GET\n"))
    query = parse_query_file(path)
    assert query.summary.da == query.summary.en == "Items on a theme"
    assert query.parameter("theme").default == "id:theme-screening"
    assert query.parameter("theme").enumerate == ("id:theme-screening", "id:theme-palliation")


def test_header_that_is_not_yaml_is_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken-header", (
        "#+ summary: {da: Godt, en: Good}\n"
        "#+ description: a: b: c\n"))
    with pytest.raises(QueryFileError) as caught:
        parse_query_file(path)
    assert caught.value.path == path
    assert caught.value.line == 2
    assert f"{path}:2" in str(caught.value)


def test_unknown_header_key_is_an_error_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "typo", "#+ summary: x\n#+ sumary: y\n")
    with pytest.raises(QueryFileError, match="'sumary'"):
        parse_query_file(path)


def test_query_without_summary_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "no-summary", "#+ tags: [x]\n")
    with pytest.raises(QueryFileError, match="summary"):
        parse_query_file(path)


def test_grlc_default_for_an_undeclared_parameter_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "undeclared", "#+ summary: x\n#+ defaults:\n#+   - region: id:region-sjaelland\n")
    with pytest.raises(QueryFileError, match="'region'"):
        parse_query_file(path)


def test_parameter_the_query_never_uses_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "unused", "#+ summary: x\n#+ params:\n#+   year: {type: year, default: 2020}\n")
    with pytest.raises(QueryFileError, match=r"\?year"):
        parse_query_file(path)


def test_unknown_parameter_type_is_refused_naming_the_types(tmp_path: Path) -> None:
    path = write(tmp_path, "bad-type", "#+ summary: x\n#+ params:\n#+   theme: {type: uri}\n")
    with pytest.raises(QueryFileError, match="iri, string, langstring, integer, year"):
        parse_query_file(path)


def test_default_that_the_parameter_does_not_accept_is_reported_at_load_time(tmp_path: Path) -> None:
    path = write(tmp_path, "bad-default", "#+ summary: x\n#+ params:\n#+   theme: {type: year, default: soon}\n")
    with pytest.raises(QueryFileError, match="bad default"):
        parse_query_file(path)


def test_file_name_must_be_a_lowercase_hyphenated_name(tmp_path: Path) -> None:
    path = write(tmp_path, "Items_On_Theme", "#+ summary: x\n")
    with pytest.raises(QueryFileError, match="lowercase"):
        parse_query_file(path)


def test_load_queries_reads_every_rq_file_of_a_folder_by_name(tmp_path: Path) -> None:
    write(tmp_path, "b-query", "#+ summary: b\n")
    write(tmp_path, "a-query", "#+ summary: a\n")
    (tmp_path / "notes.txt").write_text("not a query", encoding="utf-8")
    assert list(load_queries(tmp_path)) == ["a-query", "b-query"]


def test_full_iri_class_and_default_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "full-iris", (
        "#+ summary: x\n#+ params:\n"
        f"#+   theme: {{type: iri, class: '<{KG.Theme}>', default: '{ID['theme-screening']}'}}\n"))
    theme = parse_query_file(path).parameter("theme")
    assert theme.of_class == URIRef(KG.Theme)
    assert theme.default == str(ID["theme-screening"])


def test_wrong_parameter_declaration_is_reported_at_the_parameters_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad-param-line", (
        "#+ summary: x\n#+ params:\n"
        "#+   theme: {type: iri, class: kg:Theme}\n"
        "#+   year: {type: when}\n"), body=BODY.replace("?theme }", "?theme . ?x kg:year ?year }"))
    with pytest.raises(QueryFileError) as caught:
        parse_query_file(path)
    assert caught.value.line == 4


def test_column_labels_in_danish_and_english_are_read_by_variable(tmp_path: Path) -> None:
    path = write(tmp_path, "labelled-columns", (
        "#+ summary: x\n#+ params:\n#+   theme: {type: iri, default: id:theme-palliation}\n"
        "#+ columns:\n#+   theme: {da: Tema, en: Theme}\n#+   item: {da: 'Punkt, som skrevet', en: Item}\n"))
    columns = parse_query_file(path).columns
    assert [(c.variable, c.label.da, c.label.en) for c in columns] == [
        ("theme", "Tema", "Theme"), ("item", "Punkt, som skrevet", "Item")]
    assert [c.line for c in columns] == [5, 6]  # past the parameter `theme:` on line 3


def test_column_label_for_a_variable_the_query_lacks_is_refused_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "unknown-column", "#+ summary: x\n#+ columns:\n#+   item: {da: Punkt, en: Item}\n"
                                             "#+   items: {da: Punkter, en: Items}\n")
    with pytest.raises(QueryFileError, match=r"no \?items") as caught:
        parse_query_file(path)
    assert (caught.value.path, caught.value.line) == (path, 4)


def test_column_label_in_one_language_only_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "half-column", "#+ summary: x\n#+ columns:\n#+   item: {da: Punkt}\n")
    with pytest.raises(QueryFileError, match="both languages") as caught:
        parse_query_file(path)
    assert f"{path}:3" in str(caught.value)


def test_columns_that_are_not_a_map_are_refused_at_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "column-list", "#+ summary: x\n#+ tags: [a]\n#+ columns: [item]\n")
    with pytest.raises(QueryFileError, match="`columns:` must map") as caught:
        parse_query_file(path)
    assert caught.value.line == 3
