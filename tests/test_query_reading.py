"""Reading SPARQL by its tokens: the lexer follows the grammar, and no query Oxigraph would send out gets past it.

The lexer's docstring argues that its tokens match Oxigraph's reading wherever that decides whether a query
calls out. The fuzz test below tries hardest to break that: it builds thousands of queries that hide a
SERVICE clause behind strings, comments, escapes, IRIs and glued keywords, runs each on a real Oxigraph
store with a listener standing in for the remote service, and checks that every query that reached the
listener was refused by the inspection.
"""

import random
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kraeftgraf.endpoint.safety import inspect_query
from kraeftgraf.engines.base import with_inline_values
from kraeftgraf.errors import KraeftgrafError
from kraeftgraf.sparql.lexer import SparqlLexError, Token, position_of, tokenize
from kraeftgraf.sparql.reading import read_query, where_clause_start, with_prologue

from .listeners import CountingListener, counting_listener


def kinds(text: str) -> list[tuple[str, str]]:
    return [(token.kind, token.text) for token in tokenize(text)]


def test_a_comment_runs_to_a_line_feed_or_carriage_return_and_nowhere_else() -> None:
    assert kinds("# a\nASK") == [("word", "ASK")]
    assert kinds("# a\rASK") == [("word", "ASK")]
    for separator in "\u2028\u2029\u0085\u000b\u000c\u001c\u001d\u001e":
        assert kinds(f"# a{separator}ASK") == [], repr(separator)


@pytest.mark.parametrize("separator", ["\u00a0", "\u000c", "\u2028", "\u3000"])
def test_only_space_tab_and_line_breaks_separate_tokens(separator: str) -> None:
    with pytest.raises(SparqlLexError, match="line 1, column 4"):
        tokenize(f"ASK{separator}{{}}")


def test_strings_in_all_four_quote_forms_keep_what_looks_like_code_inside() -> None:
    for text in ('"SERVICE # x"', "'SERVICE # x'", '"""a\n# SERVICE\n"""', "'''a\n# SERVICE\n'''",
                 r'"\"SERVICE\""', r"'\u0027 SERVICE'", '""" "" " """'):
        assert [kind for kind, _ in kinds(text)] == ["string"], text


def test_an_escaped_quote_in_a_string_is_decoded_inside_the_string() -> None:
    [token] = tokenize(r'"\u0022 SERVICE \U00000022"')
    assert token.value() == '" SERVICE "'


def test_an_iri_may_hold_a_hash_and_escapes() -> None:
    [token] = tokenize(r"<http://example.org/a#b\u0063>")
    assert (token.kind, token.value()) == ("iri", "http://example.org/a#bc")


def test_prefixed_names_take_escaped_punctuation_and_percent_codes() -> None:
    assert kinds(r"e:a\'b\#c%20d") == [("pname", r"e:a\'b\#c%20d")]


def test_line_and_column_count_characters_and_every_sparql_line_end() -> None:
    tokens = tokenize("ASK\r\n{ 'æø'\r}\n  ?x")
    assert [(t.text, t.line, t.column) for t in tokens] == [
        ("ASK", 1, 1), ("{", 2, 1), ("'æø'", 2, 3), ("}", 3, 1), ("?x", 4, 3)]


_PIECES = ["ASK", " ", "\n", "\r", "\r\n", "\t", "{", "}", "?x", "'a'", "'''a\nb\r\nc'''", '"""x\ry"""', "# c\n",
           "# d\r", "<http://e/#a>", "e:b", "\u2028", "'\u2028'", "(", ")", "<", "1", "."]


@pytest.mark.parametrize("seed", range(20))
def test_every_token_knows_its_line_and_column_however_lines_end(seed: int) -> None:
    # Line and column come from the offsets of the text's line ends, worked out once; position_of splits the text
    # before each token instead. They must agree for any mix of LF, CR, CR LF, long strings and comments.
    chance = random.Random(seed)
    for _ in range(200):
        text = "".join(chance.choice(_PIECES) for _ in range(chance.randint(1, 30)))
        try:
            tokens: tuple[Token, ...] | list[Token] = tokenize(text)
        except SparqlLexError as error:
            tokens = error.after  # the tokens read before the problem
        for token in tokens:
            assert (token.line, token.column) == position_of(text, token.start), (text, token)


@pytest.mark.parametrize(("text", "problem"), [
    ("ASK { 'x }", "line 1, column 7: a string starts here but is not closed"),
    ("ASK { '''x }", "line 1, column 7: a long string starts here but is never closed"),
    (r"\u0053ERVICE", "line 1, column 1: a backslash outside a string or IRI"),
    (r"ASK { BIND('\UFFFFFFFF' AS ?x) }", r"line 1, column 13: \\UFFFFFFFF is not a Unicode character"),
])
def test_text_that_is_no_sequence_of_tokens_is_named_with_its_place(text: str, problem: str) -> None:
    with pytest.raises(SparqlLexError, match=problem):
        tokenize(text)


def test_the_less_than_sign_before_a_quote_makes_the_reading_unclear() -> None:
    assert read_query("SELECT * WHERE { FILTER(?x<'x>a') }").unclear is not None
    assert read_query("SELECT * WHERE { FILTER(?x < 'x>a') }").unclear is None


def test_parameters_go_into_the_outer_where_clause_even_when_a_subquery_comes_first() -> None:
    query = "# WHERE { in a comment\nSELECT * { { SELECT ?s WHERE { ?s ?p ?o } } FILTER(?s = ?x) }"
    bound = with_inline_values(query, {"x": URIRef("http://example.org/a")})
    assert bound.startswith("# WHERE { in a comment\nSELECT * { VALUES (?x) { (<http://example.org/a>) } ")


def test_parameters_of_a_construct_query_skip_its_template() -> None:
    query = "CONSTRUCT { ?s ?p ?x } { ?s ?p ?o }"
    assert query[where_clause_start(query) - 1:].startswith("{ ?s ?p ?o }")
    bound = with_inline_values(query, {"x": Literal("a \" } b")})
    assert bound.startswith('CONSTRUCT { ?s ?p ?x } { VALUES (?x) { ("a \\" } b") } ')


def test_the_prologue_goes_after_comment_lines_and_keeps_them_whole() -> None:
    query = "# a comment\r# another \u2028 one\nPREFIX kg: <http://example.org/kg#> ASK { ?s kg:p id:x }"
    added = with_prologue(query, base="http://example.org/sparql")
    assert added.startswith("# a comment\r# another \u2028 one\nBASE <http://example.org/sparql> PREFIX id: ")
    assert "PREFIX kg: <https://w3id.org" not in added  # the query's own kg: stays


# --- The differential fuzz test against Oxigraph -------------------------------------------------------------------

HIDERS = [
    '"x\n#"', '"""x\n#"""', "'''x\n#'''", '"x\u2028#"', "'x\u0085#'", '"x\u000c#"', '"x\u001e#"', r'"\u0022"',
    r"'\u0027'", r'"\""', "'\\''", '"""a""b"""', "'''a''b'''", "<http://example.org/a#b>", "<#>", "<'x>", "e:a\\#b",
    "e:a\\'b", '"x"@en', "_:b", "1", "1.5e3", "true", "?x", "(", ")", "[]", "# c\n", "# c\r", "#\u2028", "'#'",
    "<http://example.org/'#>", "e:", ":", "'", '"', "#", "<", ">", "\\", "a", "\n", "\r", " ",
]
SERVICES = [
    "SERVICE <{u}> {{ ?s ?p ?o }}", "SERVICE SILENT <{u}> {{ ?s ?p ?o }}", "SERVICESILENT<{u}>{{?s ?p ?o}}",
    "sErViCe <{u}> {{ ?s ?p ?o }}", "SERVICE c:sparql {{ ?s ?p ?o }}", "SERVICE:sparql {{ ?s ?p ?o }}",
    "SERVICEc:sparql {{ ?s ?p ?o }}", "SERVICE<{u}>{{}}", "{{ SELECT * {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "OPTIONAL {{ SERVICE <{u}> {{ }} }}", "MINUS {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }}", "SERVICE <{u}\\u0023x> {{ ?s ?p ?o }}",
    "# a comment that a carriage return ends\rSERVICE <{u}> {{ ?s ?p ?o }}\n",
    # Oxigraph tries less-than first after an operand; takes one run of dots in a local name; and reads a prefixed
    # name whose IRI is invalid (p: is <http://h:>, so p:SERVICE would need a port) as p: and new tokens.
    "FILTER(0<1)SERVICE:sparql#>)\n{{ }}", "?s :p* :a.b.SERVICE:sparql {{ }}", "?s p:* p:SERVICE<{u}> {{ }}",
    "?s p:* p:SERVICESILENT<{u}> {{ }}",
    # `<` as less-than, where reading it as an IRI would put SERVICE inside a string or a comment
    # (brackets balanced in both readings, so that no count of them gives the game away)
    "FILTER(?z<'x>a'||true) SERVICE <{u}> {{ ?s ?p ?o }} #')\n", "FILTER(?z<#> '''\n1) SERVICE <{u}> {{ }} #''')\n",
]
ENDPOINT_BASE = "http://127.0.0.1:8000/sparql"  # as the endpoint resolves relative IRIs: most are valid then
GLUE = ["", " ", "\n", "\r", "\t", ". ", "BIND(", " AS ?h) ", "FILTER(?x<", ") "]


@pytest.fixture(scope="module")
def canary() -> Iterator[CountingListener]:
    with counting_listener() as listener:
        yield listener


def generated_queries(base: str, count: int) -> Iterator[str]:
    rng = random.Random(20261207)  # fixed: a failure can be replayed
    prologue = f"PREFIX c: <{base}> PREFIX : <{base}> PREFIX e: <http://example.org/e#> PREFIX p: <http://h:> "
    for _ in range(count):
        parts = [rng.choice(HIDERS) + rng.choice(GLUE) for _ in range(rng.randint(0, 3))]
        parts.insert(rng.randint(0, len(parts)), rng.choice(SERVICES).format(u=f"{base}sparql"))
        parts += [rng.choice(GLUE) + rng.choice(HIDERS) for _ in range(rng.randint(0, 2))]
        yield prologue + "SELECT * WHERE { " + "".join(parts) + " }"


def test_no_query_that_makes_oxigraph_call_out_passes_the_inspection(canary: CountingListener) -> None:
    base, connections = canary.base, canary.connections
    store = ox.Store()
    called_out = 0
    for query in generated_queries(base, 4000):
        before = len(connections)
        try:
            answer = store.query(query)
            if isinstance(answer, ox.QuerySolutions):
                list(answer)
        except (SyntaxError, OSError, RuntimeError):
            pass
        if len(connections) == before:
            continue
        called_out += 1
        with pytest.raises(KraeftgrafError):
            inspect_query(query, graphs=frozenset(), engine_checks_syntax=True, base=ENDPOINT_BASE)
            pytest.fail(f"Oxigraph called out for a query the inspection let through: {query!r}")
    assert called_out > 200  # the generator must really produce queries that call out, or this proves nothing
