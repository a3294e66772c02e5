"""Lines in a Turtle file: where a resource's statements start, where each kg:quote is written."""

from kraeftgraf.graph.locate import TurtleText
from kraeftgraf.namespaces import ID

TEXT = '''@prefix kg: <https://w3id.org/kraeftgraf/vocab#> .
@prefix id: <https://w3id.org/kraeftgraf/id/> .

id:recommendation-test a kg:Recommendation ;
    kg:hasEvidence [ kg:inDocument id:document-test ;
        kg:quote "Regionen siger \\"nej\\" til\\u00A0alt."@da ] .

<https://w3id.org/kraeftgraf/id/initiative-test>
    kg:hasEvidence [ kg:quote """en
lang streng"""@da ] .
id:recommendation-test kg:text "igen"@da .
'''


def test_a_quote_is_found_on_the_line_of_its_property_as_turtle_reads_its_escapes() -> None:
    assert TurtleText(TEXT).quote_lines() == [(6, 'Regionen siger "nej" til\u00a0alt.'), (9, "en\nlang streng")]


def test_a_resource_is_described_where_its_first_statement_starts_by_prefixed_name_or_full_iri() -> None:
    text = TurtleText(TEXT)
    assert text.subject_line(str(ID["recommendation-test"])) == 4
    assert text.subject_line(str(ID["initiative-test"])) == 8
    assert text.subject_line(str(ID["document-test"])) is None  # only referred to, never a subject
