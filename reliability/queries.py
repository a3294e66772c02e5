"""SPARQL text for the fuzzer: valid queries built from the ontology's terms, and the ways to break them.

Every function takes a `random.Random`, so that a seed gives the same texts. A generated query's triple patterns
hang together (each new one shares a variable with an earlier one), so that a valid query stays cheap on the
embedded data; mutations may then break it in any way.
"""

import random
from collections.abc import Callable

from .vocabulary import Vocabulary

_LITERAL_FILTERS = (
    'FILTER(LANG({v}) = "da")', 'FILTER(CONTAINS(LCASE(STR({v})), "kræft"))', "FILTER(STRLEN(STR({v})) > 10)",
    'FILTER(REGEX(STR({v}), "plan|region", "i"))', "FILTER(isLiteral({v}))", "FILTER(DATATYPE({v}) = xsd:integer)",
    'FILTER(LANGMATCHES(LANG({v}), "en"))', "FILTER(!BOUND({v}) || STR({v}) != \"\")",
)
_NODE_FILTERS = (
    "FILTER(isIRI({v}))", 'FILTER(STRSTARTS(STR({v}), "https://w3id.org/kraeftgraf/id/"))',
    "FILTER({v} != {i})", "FILTER(sameTerm({v}, {i}))", "FILTER({v} IN ({i}, {i2}))",
)
_PATHS = ("{p}*", "{p}+", "{p}?", "^{p}", "{p}/{q}", "({p}|{q})", "{p}/rdfs:label", "skos:broader*", "!rdf:type")

# Inserted by the keyword mutation: what the endpoint must refuse, and bits of syntax that unbalance a query.
KEYWORDS = (
    "SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o }", "SERVICE SILENT <http://169.254.169.254/> { ?s ?p ?o }",
    "SERVICE ?svc { ?s ?p ?o }", "FROM <http://example.org/g>", "FROM NAMED <file:///etc/passwd>",
    "FROM <urn:x>", "LOAD <http://127.0.0.1:9/data.ttl>", "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL", "DROP ALL", "CREATE GRAPH <urn:g>", "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g>", "USING <urn:g>", ";", "}", "{", "(", ")", ".", ",", "GRAPH", "OPTIONAL", "FILTER(", '"', "'''",
    "<", ">", "#", "\\u0053ERVICE", "BASE <http://127.0.0.1:9/>", "PREFIX x: <urn:x:>", "SELECT", "WHERE", "UNION",
    "MINUS", "VALUES ?x { 1 2 }", "BIND(1 AS ?x)", "LIMIT", "OFFSET -1", "ORDER BY", "GROUP BY ?x", "HAVING(",
    "EXISTS", "NOT EXISTS", "SERVICE", "service", "SeRvIcE", "SERVICESILENT<http://127.0.0.1:9/>", "a", "?", "$",
    "_:b", "[]", "[", "]", "^^", "@da", "*", "+", "|", "/", "!", "&&", "||", "\\", "\n", "\r", "\t",
)

_UNICODE = (
    "\x00", "\u2028", "\u2029", "\u0085", "\u202e", "\ufeff", "\u200b", "\u00ad", "\ufffd", "\uffff", "\U0001f600",
    "\U0010ffff", "e\u0301", "ÆØÅæøå", "ｓｅｌｅｃｔ", "\u0130", "ß", "\x7f", "\x1b[31m", "\x0b", "\x0c", "𝕊𝔼ℝ𝕍𝕀ℂ𝔼",
)


def valid_query(rng: random.Random, vocab: Vocabulary) -> str:
    """A SELECT, ASK, CONSTRUCT or DESCRIBE query over the ontology's terms, valid SPARQL."""
    builder = _Builder(rng, vocab)
    where = builder.group(depth=0)
    form = rng.choices(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"), weights=(6, 1.5, 1.5, 1))[0]
    limit = f" LIMIT {rng.randint(1, 200)}" if rng.random() < 0.8 else ""
    if rng.random() < 0.2:
        limit += f" OFFSET {rng.randint(0, 50)}"
    nodes = builder.nodes
    if form == "ASK":
        text = f"ASK {{ {where} }}"
    elif form == "CONSTRUCT":
        subject = rng.choice(nodes)
        text = f"CONSTRUCT {{ {subject} rdfs:label ?constructed }} WHERE {{ {where} OPTIONAL {{ {subject} " \
               f"rdfs:label ?constructed }} }}{limit}"
    elif form == "DESCRIBE":
        text = (f"DESCRIBE {rng.choice(nodes)} WHERE {{ {where} }} LIMIT {rng.randint(1, 5)}" if rng.random() < 0.7
                else f"DESCRIBE {rng.choice(vocab.instances)}")
    else:
        text = builder.select(where) + limit
    return builder.prologue() + text


class _Builder:
    """State while one query is built: its variables, and whether terms are written in full."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng = rng
        self.vocab = vocab
        self.nodes = ["?v0"]  # variables bound to resources
        self.literals: list[str] = []  # variables bound to literals
        self.full_iris = rng.random() < 0.2
        self.declare = rng.random() < 0.3

    def term(self, name: str) -> str:
        return self.vocab.expand(name) if self.full_iris and ":" in name and not name.startswith("?") else name

    def new_var(self, kind: str) -> str:
        var = f"?v{len(self.nodes) + len(self.literals)}"
        (self.nodes if kind == "node" else self.literals).append(var)
        return var

    def pattern(self) -> str:
        rng, vocab = self.rng, self.vocab
        subject = rng.choice(self.nodes)
        roll = rng.random()
        if roll < 0.25:
            return f"{subject} a {self.term(rng.choice(vocab.classes))} ."
        if roll < 0.55:
            return f"{subject} {self.term(rng.choice(vocab.data_properties))} {self.new_var('literal')} ."
        if roll < 0.8:
            return f"{subject} {self.term(rng.choice(vocab.object_properties))} {self.new_var('node')} ."
        if roll < 0.9:
            path = rng.choice(_PATHS).format(p=self.term(rng.choice(vocab.object_properties)),
                                             q=self.term(rng.choice(vocab.object_properties)))
            return f"{subject} {path} {self.new_var('node')} ."
        return f"{subject} {self.term(rng.choice(vocab.object_properties))} {self.term(rng.choice(vocab.instances))} ."

    def group(self, depth: int) -> str:
        rng = self.rng
        parts = [self.pattern() for _ in range(rng.randint(1, 3))]
        for _ in range(rng.randint(0, 3)):
            parts.append(self.extra(depth))
        return " ".join(parts)

    def extra(self, depth: int) -> str:
        rng, vocab = self.rng, self.vocab
        choices: list[Callable[[], str]] = [
            lambda: f"OPTIONAL {{ {rng.choice(self.nodes)} rdfs:label {self.new_var('literal')} }}",
            lambda: rng.choice(_NODE_FILTERS).format(v=rng.choice(self.nodes), i=rng.choice(vocab.instances),
                                                     i2=rng.choice(vocab.instances)),
            lambda: f"BIND(STR({rng.choice(self.nodes)}) AS {self.new_var('literal')})",
            lambda: f"VALUES {rng.choice(self.nodes)} {{ {' '.join(rng.sample(vocab.instances, 3))} }}",
            lambda: f"FILTER EXISTS {{ {rng.choice(self.nodes)} rdfs:label ?exists{depth} }}",
            lambda: f"FILTER NOT EXISTS {{ {rng.choice(self.nodes)} a {rng.choice(vocab.classes)} }}",
            lambda: f"MINUS {{ {rng.choice(self.nodes)} a {rng.choice(vocab.classes)} }}",
            lambda: f"GRAPH ?g{depth} {{ {rng.choice(self.nodes)} ?gp{depth} ?go{depth} }}",
        ]
        if self.literals:
            choices.append(lambda: rng.choice(_LITERAL_FILTERS).format(v=rng.choice(self.literals)))
        if depth < 2:
            choices.append(lambda: f"{{ {self.group(depth + 1)} }} UNION {{ {self.group(depth + 1)} }}")
            choices.append(lambda: f"{{ SELECT * WHERE {{ {self.group(depth + 1)} }} LIMIT {rng.randint(1, 20)} }}")
        return rng.choice(choices)()

    def select(self, where: str) -> str:
        rng = self.rng
        variables = self.nodes + self.literals
        if rng.random() < 0.25:
            key = rng.choice(self.nodes)
            counted = rng.choice(variables)
            return (f"SELECT {key} (COUNT(DISTINCT {counted}) AS ?count) WHERE {{ {where} }} GROUP BY {key} "
                    f"ORDER BY DESC(?count) {key}")
        modifier = rng.choice(("", "", "DISTINCT ", "REDUCED "))
        projection = "*" if rng.random() < 0.3 else " ".join(rng.sample(variables, rng.randint(1, len(variables))))
        order = f" ORDER BY {rng.choice(variables)}" if rng.random() < 0.4 else ""
        return f"SELECT {modifier}{projection} WHERE {{ {where} }}{order}"

    def prologue(self) -> str:
        if not self.declare:
            return ""
        return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in self.vocab.prefixes)


def saved_query_text(rng: random.Random, vocab: Vocabulary) -> str:
    """The text of a saved query, as a client could paste it into /sparql (its parameters then unbound)."""
    return rng.choice(vocab.saved).sparql


# Mutations: each takes the text (as bytes) and returns it broken in one way.

def _position(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:_position(rng, data)]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    mutable = bytearray(data or b" ")
    for _ in range(rng.randint(1, 6)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


def insert_keyword(rng: random.Random, data: bytes) -> bytes:
    at = _position(rng, data)
    return data[:at] + b" " + rng.choice(KEYWORDS).encode() + b" " + data[at:]


def delete_span(rng: random.Random, data: bytes) -> bytes:
    start = _position(rng, data)
    return data[:start] + data[start + rng.randint(1, 40):]


def duplicate_span(rng: random.Random, data: bytes) -> bytes:
    start = _position(rng, data)
    span = data[start:start + rng.randint(1, 60)]
    return data[:start] + span * rng.randint(2, 20) + data[start:]


def unicode(rng: random.Random, data: bytes) -> bytes:
    at = _position(rng, data)
    if rng.random() < 0.15:  # a lone surrogate: bytes that are no UTF-8 at all
        inserted = chr(rng.randint(0xD800, 0xDFFF)).encode("utf-8", "surrogatepass")
    elif rng.random() < 0.3:
        inserted = chr(rng.randint(0x80, 0x10FFFF)).encode("utf-8", "surrogatepass")
    else:
        inserted = rng.choice(_UNICODE).encode()
    return data[:at] + inserted + data[at:]


def escapes(rng: random.Random, data: bytes) -> bytes:
    at = _position(rng, data)
    inserted = rng.choice((b"\\u0022", b"\\U00000022", b"\\u005C", b"\\", b"\\u", b"\\uZZZZ", b"\\U0011FFFF",
                           b"\\uD800", b"\\n", b"\\'", b'\\"', b"%20", b"&#34;"))
    return data[:at] + inserted + data[at:]


def comment(rng: random.Random, data: bytes) -> bytes:
    at = _position(rng, data)
    return data[:at] + rng.choice((b"#", b"# x\n", b"# x\r", b"#\xe2\x80\xa8", b"\n#", b"/* x */")) + data[at:]


def case_swap(rng: random.Random, data: bytes) -> bytes:
    return bytes(b ^ 0x20 if (65 <= b <= 90 or 97 <= b <= 122) and rng.random() < 0.3 else b for b in data)


def extreme_number(rng: random.Random, data: bytes) -> bytes:
    number = rng.choice((b"99999999999999999999999999999", b"-1", b"1e999", b"-0", b"0x10", b"1.7976931348623157e309",
                         b"9223372036854775808", b"-9223372036854775809", b"NaN", b"INF", b"1" * 5000))
    suffix = rng.choice((b" LIMIT ", b" OFFSET ", b" "))
    return data + suffix + number


def long_literal(rng: random.Random, data: bytes) -> bytes:
    at = _position(rng, data)
    return data[:at] + b'"' + b"x" * rng.choice((100, 5000, 19_000, 30_000)) + b'"' + data[at:]


def nest(rng: random.Random, data: bytes) -> bytes:
    """Deep nesting of one kind, 5 to 5,000 levels (the endpoint reads at most 128)."""
    depth = rng.choice((5, 64, 127, 128, 129, 200, 500, 2000, 5000))
    kind = rng.randrange(6)
    if kind == 0:
        return b"SELECT * WHERE " + b"{ " * depth + b"?s ?p ?o " + b"} " * depth
    if kind == 1:
        return b"SELECT (" + b"(" * depth + b"1" + b")" * depth + b" AS ?x) WHERE {}"
    if kind == 2:
        return b"SELECT * WHERE { " + b"OPTIONAL { " * depth + b"?s ?p ?o " + b"} " * depth + b"}"
    if kind == 3:
        return b"SELECT * WHERE { " + b"{ SELECT * WHERE " * depth + b"{ ?s ?p ?o }" + b" }" * depth + b" }"
    if kind == 4:
        return b"SELECT (" + b"STR(" * depth + b"1" + b")" * depth + b" AS ?x) WHERE {}"
    return b"ASK { ?s " + b"(" * depth + b"rdfs:label" + b")" * depth + b" ?o }"


def token_soup(rng: random.Random, data: bytes) -> bytes:
    words = [rng.choice(KEYWORDS) for _ in range(rng.randint(1, 30))]
    return " ".join(words).encode()


def splice(rng: random.Random, data: bytes) -> bytes:
    cut = _position(rng, data)
    return data[:cut] + data[rng.randint(0, len(data)):]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "truncate": truncate, "flip-bytes": flip_bytes, "insert-keyword": insert_keyword, "delete-span": delete_span,
    "duplicate-span": duplicate_span, "unicode": unicode, "escapes": escapes, "comment": comment,
    "case-swap": case_swap, "extreme-number": extreme_number, "long-literal": long_literal, "nest": nest,
    "token-soup": token_soup, "splice": splice,
}


def mutate(rng: random.Random, text: str) -> tuple[str, bytes]:
    """The text broken by one to three mutations; the name of the first one, and the bytes."""
    names = rng.choices(list(MUTATIONS), k=rng.choices((1, 2, 3), weights=(6, 3, 1))[0])
    data = text.encode()
    for name in names:
        data = MUTATIONS[name](rng, data)
    return names[0], data
