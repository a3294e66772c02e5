"""The fuzzer's requests: request number `index` of seed `seed` is always the same, whichever thread sends it.

Families (the first part of `RawRequest.family`):
- `query`: a SPARQL query, valid or mutated (`query:valid`, `query:truncate`, ...), in one of the SPARQL 1.1
  Protocol's three positions (GET, POST form, POST direct), with odd Accept and Content-Type headers at times
  and broken percent-encodings in the URL or form;
- `saved`: `/api/queries/{name}` with valid, random and hostile parameter values, unknown names and parameters;
- `path`: the other routes (entity pages, ontology, static files, docs), odd paths and methods;
- `framing`: odd HTTP framing that cannot leave the server waiting for bytes never sent.
"""

import random
from urllib.parse import quote_from_bytes

from .client import RawRequest
from .queries import mutate, saved_query_text, valid_query
from .vocabulary import SavedParameter, Vocabulary

FAMILY_WEIGHTS = {"query": 60, "saved": 25, "path": 12, "framing": 3}
POSITIONS = ("GET", "POST-form", "POST-direct")

ACCEPTS: tuple[bytes | None, ...] = (
    None, None, None, b"*/*", b"application/sparql-results+json", b"application/sparql-results+xml", b"text/csv",
    b"text/tab-separated-values", b"text/turtle", b"application/ld+json", b"application/n-triples",
    b"application/rdf+xml", b"text/html", b"application/json;q=0.5, text/csv;q=0.9", b"text/*", b"application/*;q=0",
    b"*/*;q=abc", b";;;,,,", b"", b"text/csv;q=1.5", b"text/csv;q=-1", b"*/*;q=0", b"image/png",
    b"application/sparql-results+json; charset=utf-16", b"text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
    b"\xff\xfe", b"a/b/c", b"*/json", b", ".join([b"type%d/sub%d" % (n, n) for n in range(200)]), b"x" * 4000,
)
CONTENT_TYPES: tuple[bytes | None, ...] = (
    None, b"text/plain", b"application/sparql-update", b"multipart/form-data; boundary=x", b"application/json", b"",
    b";", b"application/sparql-query; charset=latin-1", b"application/sparql-query;charset=UTF-8",
    b"APPLICATION/SPARQL-QUERY", b"application/x-www-form-urlencoded; charset=utf-16",
    b"application/sparql-query; charset", b'application/sparql-query; charset="utf-8"', b"application/*",
    b"application/sparql-query, application/x-www-form-urlencoded", b"\xc3\xa6/\xc3\xb8",
)
EXTRA_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"If-None-Match", b'W/"x"'), (b"If-None-Match", b"*"), (b"Origin", b"https://evil.example"),
    (b"Range", b"bytes=0-10"), (b"Range", b"bytes=" + b"0-1," * 500), (b"X-Forwarded-For", b"1.2.3.4"),
    (b"Accept-Encoding", b"gzip, br"), (b"Accept-Language", b"da"), (b"Cache-Control", b"no-cache"),
    (b"Cookie", b"a=" + b"b" * 3000), (b"Authorization", b"Basic Zm9vOmJhcg=="), (b"Forwarded", b"for=1.2.3.4"),
    (b"X-Http-Method-Override", b"DELETE"), (b"Access-Control-Request-Method", b"POST"),
)
BROKEN_PERCENT = (b"%", b"%G1", b"%zz", b"%e9", b"%c3%28", b"%ff%fe", b"%00", b"%%", b"%2", b"%C0%AF", b"+", b"&",
                  b"&query=", b"&query=ASK%20%7B%7D", b";", b"%0d%0a", b"%u0041", b"\x80", b"\xff", b"\t", b"\x00")
HOSTILE_TEXT = (
    "", " ", "\x00", "%00", "x" * 5000, "'", '"', '"""', "\\", "\\u0022", "}", "} SERVICE <http://127.0.0.1:9/> {",
    "<script>alert(1)</script>", "../../etc/passwd", "file:///etc/passwd", "\u202eevil", "\ud800", "😀", "a@en",
    "a@", "@en", "a@zz-invalid-tag-", "a@" + "x" * 300, "NaN", "null", "[]", "{}", "${jndi:ldap://x}", "%s%n",
    "\r\n", "é", "e\u0301", "ÆØÅ", "\U0010ffff",
)
HOSTILE_IRIS = (
    "id:nonexistent", "<http://example.org/x>", "http://example.org/x y", "javascript:alert(1)", "file:///etc/passwd",
    "id:", ":", "<>", "http://[::1", "kg:Recommendation", "nope:x", "id:theme-palliation> } SERVICE <http://x/> { #",
    "https://w3id.org/kraeftgraf/id/" + "a" * 5000, "id:" + "é" * 50, "urn:x", "http://127.0.0.1:9/", "_:b0",
    "?x", "\"lit\"", "http://h:99999/", "https://w3id.o%5B", "id:theme-palliation\x00",
)
HOSTILE_NUMBERS = (
    "-1", "0", "1899", "2101", "1e3", "2023.0", "0x7e7", "99999999999999999999999", "-9223372036854775809",
    "9223372036854775807", "٢٠٢٣", "２０２３", " 2023 ", "+2023", "2_023", "NaN", "Infinity", "1" * 5000, "2023\x00",
    "0b11111100111", "2023e0", "²⁰²³", "-0",
)
QUERY_NAMES = ("nope", "../../etc/passwd", "%2e%2e%2fsecret", "search%00", "search.rq", "SEARCH", "search/",
               "search%2f..", "x" * 3000, "s%C3%B8g", "%ff", "search;x", "search?", "%", "..", ".")
OTHER_PATHS = (
    b"/", b"/docs", b"/openapi.json", b"/api/prefixes", b"/api/queries", b"/ontology", b"/ontology?format=turtle",
    b"/ontology?format=nope", b"/ontology?format=jsonld", b"/vocab", b"/id/x", b"/static/app.js", b"/static/nope",
    b"/static/../../../etc/passwd", b"/static/%2e%2e/%2e%2e/etc/passwd", b"/static/..%2f..%2fsetup.py", b"//etc/passwd",
    b"/sparql/", b"/SPARQL", b"/sparql;x", b"/sparql%00", b"/%", b"/%zz", b"/resource", b"/resource?iri=",
    b"/resource?iri=file:///etc/passwd", b"/resource?iri=https://w3id.o%5B", b"/resource?iri=%ff",
    b"/resource/x?lang=zz", b"/resource/x?format=nope", b"/resource/%2e%2e", b"/resource/" + b"a" * 5000,
    b"/api/queries/", b"/api/", b"/favicon.ico", b"/robots.txt", b"/.env", b"/.git/config", b"/static/",
    b"/docs/oauth2-redirect", b"/redoc", b"/api/queries?x=1", b"/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D",
    b"/sparql?update=DROP%20ALL", b"/sparql?default-graph-uri=%ff", b"/sparql?named-graph-uri=",
)
METHODS = ("GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get",
           "PROPFIND")


def request(seed: int, index: int, vocab: Vocabulary) -> RawRequest:
    """Request number `index` of the run with `seed` (string-seeded: the same on every platform and thread)."""
    rng = random.Random(f"{seed}:{index}")
    family = rng.choices(list(FAMILY_WEIGHTS), weights=list(FAMILY_WEIGHTS.values()))[0]
    if family == "query":
        return query_request(rng, vocab)
    if family == "saved":
        return saved_request(rng, vocab)
    if family == "path":
        return path_request(rng, vocab)
    return framing_request(rng, vocab)


def query_text(rng: random.Random, vocab: Vocabulary) -> tuple[str, bytes]:
    """A query, valid (30 %) or mutated: the kind (`valid` or the mutation's name) and its bytes."""
    text = valid_query(rng, vocab) if rng.random() < 0.75 else saved_query_text(rng, vocab)
    if rng.random() < 0.3:
        return "valid", text.encode()
    return mutate(rng, text)


def query_request(rng: random.Random, vocab: Vocabulary, *, position: str | None = None) -> RawRequest:
    """A query in one of the protocol's positions; odd headers and broken encodings now and then."""
    kind, data = query_text(rng, vocab)
    headers: list[tuple[bytes, bytes]] = []
    accept = rng.choice(ACCEPTS) if rng.random() < 0.5 else None
    if accept is not None:
        headers.append((b"Accept", accept))
    if rng.random() < 0.1:
        headers.append(rng.choice(EXTRA_HEADERS))
    graphs = b""
    if rng.random() < 0.05:
        graph = rng.choice((b"urn:x", b"file:///etc/passwd", b"http://127.0.0.1:9/", b"%ff", b"", b"<>"))
        graphs = rng.choice((b"default-graph-uri=", b"named-graph-uri=")) + graph
    content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.08 else b""
    return in_position(data, position or rng.choice(POSITIONS), headers=tuple(headers), graphs=graphs,
                       content_type=content_type, encoded=_percent(rng, data), family=f"query:{kind}")


def in_position(data: bytes, position: str, *, headers: tuple[tuple[bytes, bytes], ...] = (), graphs: bytes = b"",
                content_type: bytes | None = b"", encoded: bytes | None = None, family: str = "query") -> RawRequest:
    """The query in one of the SPARQL 1.1 Protocol's positions: GET, POST form or POST direct.

    `graphs` is more URL parameters (`default-graph-uri=...`); `content_type` b"" means the right one for the
    position and None none at all; `encoded` is the query as it goes in a URL or form (percent-encoded here
    when not given)."""
    value = quote_from_bytes(data, safe="").encode() if encoded is None else encoded
    if position == "GET":
        return RawRequest("GET", b"/sparql?query=" + value + (b"&" + graphs if graphs else b""), headers,
                          family=family)
    url = b"/sparql" + (b"?" + graphs if graphs else b"")
    right = b"application/x-www-form-urlencoded" if position == "POST-form" else b"application/sparql-query"
    chosen = right if content_type == b"" else content_type
    typed = (*headers, (b"Content-Type", chosen)) if chosen is not None else headers
    body = b"query=" + value if position == "POST-form" else data or b" "
    return RawRequest("POST", url, typed, body, family=family)


def _percent(rng: random.Random, data: bytes) -> bytes:
    """The bytes percent-encoded as a URL or form value, at times with broken encodings put in."""
    style = rng.random()
    if style < 0.8:
        encoded = quote_from_bytes(data, safe="").encode()
    elif style < 0.9:
        encoded = quote_from_bytes(data, safe=" ").replace(" ", "+").encode()
    else:  # only what would break the request line, so that &, = and # reach the server as they are
        encoded = quote_from_bytes(data, safe="&=#?/:;{}<>*!$'()[],@").encode()
    if rng.random() < 0.1:
        # not inside an escape: the break is the one put in
        at = rng.choice([i for i in range(len(encoded) + 1) if b"%" not in encoded[max(0, i - 2):i]])
        encoded = encoded[:at] + rng.choice(BROKEN_PERCENT) + encoded[at:]
    return encoded


def saved_request(rng: random.Random, vocab: Vocabulary) -> RawRequest:
    """/api/queries/{name} with parameters that are right, random or hostile."""
    query = rng.choice(vocab.saved)
    name = query.name if rng.random() < 0.92 else rng.choice(QUERY_NAMES)
    items: list[tuple[str, str]] = []
    for param in query.params:
        if rng.random() < 0.8:
            items.append((param.name, parameter_value(rng, param)))
    if rng.random() < 0.1:
        items.append((rng.choice(("x", "query", "format", "param", "", "theme", "year")), rng.choice(HOSTILE_TEXT)))
    if items and rng.random() < 0.05:
        items.append(rng.choice(items))  # the same parameter twice
    rng.shuffle(items)
    query_string = "&".join(f"{quote_from_bytes(k.encode('utf-8', 'surrogatepass'), safe='')}="
                            f"{quote_from_bytes(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in items)
    target = b"/api/queries/" + name.encode() + (b"?" + query_string.encode() if query_string else b"")
    if rng.random() < 0.05:
        at = rng.randint(len(target) - len(query_string), len(target))
        target = target[:at] + rng.choice(BROKEN_PERCENT[:10]) + target[at:]
    headers = [(b"Accept", accept) for accept in [rng.choice(ACCEPTS)] if accept is not None and rng.random() < 0.4]
    method = "HEAD" if rng.random() < 0.03 else "GET"
    return RawRequest(method, target, tuple(headers), family="saved:" + ("known" if name == query.name else "unknown"))


def parameter_value(rng: random.Random, param: SavedParameter) -> str:
    """A value for the parameter: one it offers, a random one, or a hostile one for its type."""
    roll = rng.random()
    if roll < 0.4 and param.choices:
        return rng.choice(param.choices)
    if roll < 0.6:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789:/#?&=%@<>\"'\\ {}-_.~æøå€\u2028\x00"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    hostile = {"iri": HOSTILE_IRIS, "integer": HOSTILE_NUMBERS, "year": HOSTILE_NUMBERS}.get(param.type, HOSTILE_TEXT)
    return rng.choice(hostile + HOSTILE_TEXT[:8])


def path_request(rng: random.Random, vocab: Vocabulary) -> RawRequest:
    """Another route, an odd path or an odd method."""
    roll = rng.random()
    if roll < 0.35:
        name = rng.choice(vocab.instances).removeprefix("id:")
        target = b"/resource/" + quote_from_bytes(name.encode(), safe="").encode()
        if rng.random() < 0.3:
            target += rng.choice((b"?format=turtle", b"?format=jsonld", b"?lang=en", b"?format=x", b"?lang=xx"))
    elif roll < 0.5:
        iri = rng.choice((*HOSTILE_IRIS, *vocab.instances))
        target = b"/resource?iri=" + quote_from_bytes(iri.encode("utf-8", "surrogatepass"), safe="").encode()
    else:
        target = rng.choice(OTHER_PATHS)
    method = rng.choice(METHODS)
    headers: list[tuple[bytes, bytes]] = []
    accept = rng.choice(ACCEPTS)
    if accept is not None:
        headers.append((b"Accept", accept))
    if method == "OPTIONS":
        headers += [(b"Origin", b"https://evil.example"), (b"Access-Control-Request-Method", b"POST")]
    body = b"query=ASK%20%7B%7D" if method in ("POST", "PUT", "PATCH") else b""
    if body:
        headers.append((b"Content-Type", b"application/x-www-form-urlencoded"))
    return RawRequest(method, target, tuple(headers), body, family="path")


def framing_request(rng: random.Random, vocab: Vocabulary) -> RawRequest:
    """Framing a strict HTTP parser refuses or a lenient one misreads; none leaves the server waiting."""
    query = valid_query(rng, vocab).encode()
    form = ((b"Content-Type", b"application/sparql-query"),)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query)
    cases = (
        RawRequest("POST", b"/sparql", ((b"Content-Length", b"abc"),), family="framing:bad-length"),
        RawRequest("POST", b"/sparql", ((b"Content-Length", b"-1"),), family="framing:negative-length"),
        RawRequest("POST", b"/sparql", (*form, (b"Transfer-Encoding", b"chunked")), chunked, family="framing:chunked"),
        RawRequest("POST", b"/sparql", (*form, (b"Transfer-Encoding", b"chunked"),
                                        (b"Content-Length", str(len(chunked)).encode())), chunked,
                   family="framing:chunked-and-length"),
        RawRequest("POST", b"/sparql", (*form, (b"Expect", b"100-continue")), query, family="framing:expect"),
        RawRequest("POST", b"/sparql", (*form, (b"Content-Type", b"text/plain")), query, family="framing:two-types"),
        RawRequest("GET", b"/sparql?query=ASK%20%7B%7D", ((b"X-Long", b"x" * 20_000),), family="framing:long-header"),
        RawRequest("GET", b"/sparql?query=ASK%20%7B%7D", tuple((b"X-H%d" % n, b"v") for n in range(150)),
                   family="framing:many-headers"),
        RawRequest("POST", b"/sparql", (*form,), b"ASK {} #" + b"x" * 270_000, family="framing:over-max-body"),
        RawRequest("POST", b"/sparql", ((b"Content-Type", b"application/x-www-form-urlencoded"),
                                        (b"Content-Length", b"0")), family="framing:empty-form"),
        RawRequest("GET", b"/sparql?query=" + b"a" * 40_000, family="framing:long-url"),
        RawRequest("GET", b"/sparql?query=" + quote_from_bytes(b"ASK {} #" + b"x" * 20_000).encode(),
                   family="framing:over-max-query-length"),
        RawRequest("GET", b"/sparql?query=ASK%20%7B%7D", ((b"Bad Header", b"x"),), family="framing:bad-header-name"),
        RawRequest("GET", b"/sparql?query=ASK%20%7B%7D", ((b"X", b"a\x00b"),), family="framing:nul-in-header"),
        RawRequest("GET", b"/sparql?query=ASK {}", family="framing:space-in-target"),
        RawRequest("GET", b"sparql?query=ASK%20%7B%7D", family="framing:relative-target"),
        RawRequest("GET", b"http://evil.example/sparql?query=ASK%20%7B%7D", family="framing:absolute-target"),
        RawRequest("GET", b"*", family="framing:asterisk-target"),
    )
    return rng.choice(cases)
