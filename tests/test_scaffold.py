"""new-document: a new data file with header, prefixes, document and plan, and a commented stub per item."""

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kraeftgraf import resources
from kraeftgraf.cli.main import main
from kraeftgraf.graph.load import load_graph
from kraeftgraf.graph.sources import verify_quotes
from kraeftgraf.graph.terms import shorten
from kraeftgraf.namespaces import KG

PLAN_DEL_2 = "000_959267de805e99f3.txt"
KB_GUIDANCE = "004_d9e0f8e19aaebdd6.txt"
REFERENCE = [p for p in resources.data_files() if p.name.startswith("reference-")]
PREFIXES = "".join(line + "\n" for line in [
    "@prefix kg: <https://w3id.org/kraeftgraf/vocab#> .", "@prefix id: <https://w3id.org/kraeftgraf/id/> .",
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .", "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "@prefix dcterms: <http://purl.org/dc/terms/> .",
    "@prefix org: <http://www.w3.org/ns/org#> ."])


def _scaffold(source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    output = tmp_path / "new.ttl"
    assert main(["new-document", str(source), "--output", str(output)]) == 0
    capsys.readouterr()
    return output.read_text(encoding="utf-8")


def _stubs(text: str) -> dict[int, str]:
    """Each stub uncommented as the header says (take "# " off the start of each line), by the line it names."""
    stubs: dict[int, str] = {}
    for block in text.split("\n\n"):
        marker = re.match(r"## line (\d+): ", block)
        if marker:
            stubs[int(marker.group(1))] = re.sub(r"^# ", "", block, flags=re.M) + "\n"
    return stubs


def _document_for(source_name: str) -> tuple[str, str, list[str]]:
    """(document, its class, its plans) as reference-documents.ttl records them for a source file."""
    data = load_graph(REFERENCE)
    document = next(data.subjects(KG.sourceFile, Literal(source_name)))
    return (shorten(document), shorten(data.value(document, RDF.type)),
            sorted(shorten(p) for p in data.objects(document, KG.describesPlan)))


def test_the_new_file_is_valid_turtle_with_the_projects_prefixes(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _scaffold(sources_dir / PLAN_DEL_2, tmp_path, capsys)
    graph = Graph().parse(data=text, format="turtle")
    assert {"kg", "id", "rdfs", "skos", "xsd", "dcterms", "org"} <= {name for name, _ in graph.namespaces()}


def test_the_header_names_the_document_and_plan_the_reference_data_give_for_the_source(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, _, plans = _document_for(PLAN_DEL_2)
    text = _scaffold(sources_dir / PLAN_DEL_2, tmp_path, capsys)
    header = text.split("\n\n")[1]
    assert f"({document}, seed {PLAN_DEL_2})" in header
    assert all(plan in header for plan in plans)


def test_every_recommendation_heading_gets_a_stub_naming_its_line(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (sources_dir / PLAN_DEL_2).read_text(encoding="utf-8").splitlines()
    headings = {n: line.split()[1] for n, line in enumerate(source, start=1)
                if re.fullmatch(r"Anbefaling [0-9A-E]+\s*", line)}
    assert len(headings) == 15  # 1-10 and A-E
    stubs = _stubs(_scaffold(sources_dir / PLAN_DEL_2, tmp_path, capsys))
    for line, number in headings.items():
        assert "a kg:Recommendation" in stubs[line]
        assert f'skos:notation "{number}"' in stubs[line]


def test_each_stub_uncommented_is_valid_turtle_and_its_filled_quotes_pass_the_quote_check(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    graph = load_graph(REFERENCE)
    stubs = {**_stubs(_scaffold(sources_dir / PLAN_DEL_2, tmp_path, capsys)),
             **{-line: stub for line, stub in _stubs(_scaffold(sources_dir / KB_GUIDANCE, tmp_path / "kb",
                                                                capsys)).items()}}
    for stub in stubs.values():
        graph.parse(data=PREFIXES + stub, format="turtle")
    quotes = [str(q) for q in graph.objects(None, KG.quote) if str(q) != "TODO"]
    assert len(quotes) >= 15
    assert [f.quote for f in verify_quotes(graph, sources_dir) if f.quote != "TODO"] == []


def test_the_recommendation_stub_quotes_the_text_under_its_heading(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 000 lines 8-12: "Anbefaling 1", a blank line, then the recommendation over three lines ("diag-/nostik.").
    stub = _stubs(_scaffold(sources_dir / PLAN_DEL_2, tmp_path, capsys))[8]
    assert ('kg:quote "Regionen sikrer tilgængelige og effektive tilbud, så patienter med symptomer på alvorlig '
            'sygdom, der kan være kræft, kan tilbydes hurtig udredning og diagnostik."@da') in stub


def test_a_guidance_document_gets_action_areas_and_suggested_questions(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, kind, _ = _document_for(KB_GUIDANCE)
    assert kind == "kg:GuidanceDocument"
    source = (sources_dir / KB_GUIDANCE).read_text(encoding="utf-8").splitlines()
    bullets = [n for n, line in enumerate(source, start=1) if line.lstrip().startswith("•")]
    numbers = [n for n, line in enumerate(source, start=1) if re.fullmatch(r"\d\.\s*", line)]
    stubs = _stubs(_scaffold(sources_dir / KB_GUIDANCE, tmp_path, capsys))
    assert sorted(stubs) == sorted(bullets + numbers)
    assert all("a kg:SuggestedQuestion" in stubs[n] and "kg:partOfItem" in stubs[n] for n in bullets)
    assert all("a kg:ActionArea" in stubs[n] for n in numbers)


def test_a_source_not_in_the_reference_data_gets_stubs_for_its_document_and_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "999_ny-plan.txt"
    source.write_text("Kræftplan for Region Test\n\nPunkt 1: Flere skal screenes\n• Et nyt tilbud i 2025\n",
                      encoding="utf-8")
    output = tmp_path / "out.ttl"
    assert main(["new-document", str(source), "--output", str(output)]) == 0
    assert "reference-documents.ttl" in capsys.readouterr().err
    text = output.read_text(encoding="utf-8")
    Graph().parse(data=text, format="turtle")
    document = next(block for block in text.split("\n\n") if "# id:document-TODO a kg:PlanDocument" in block)
    assert '#     kg:sourceFile "999_ny-plan.txt" .' in document
    # The shapes ask every document for a short citation label; the stub says how to write one.
    assert "#     dcterms:bibliographicCitation " in document
    stubs = _stubs(text)
    assert "a kg:PlanPoint" in stubs[3] and 'kg:quote "Punkt 1: Flere skal screenes"@da' in stubs[3]
    assert "a kg:Initiative" in stubs[4] and 'kg:quote "Et nyt tilbud i 2025"@da' in stubs[4]


def test_an_existing_file_is_never_overwritten(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "region-hovedstaden-kraeftplan-del-2.ttl"
    output.write_text("# curated by hand\n", encoding="utf-8")
    assert main(["new-document", str(sources_dir / PLAN_DEL_2), "--output", str(output)]) == 2
    assert f"{output} exists already" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "# curated by hand\n"


def test_a_missing_source_text_is_an_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.txt"
    assert main(["new-document", str(missing)]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err
