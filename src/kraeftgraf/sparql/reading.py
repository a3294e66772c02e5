"""What a SPARQL text is, read from its tokens: its form, the graphs it names, whether it may call out.

The endpoint decides from this reading whether a query may run; the engines use it to place parameters and to
choose the default graph. It never splits the text into lines or greps it: every decision is made on tokens
of the grammar (see `sparql_lexer`).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal
from urllib.parse import urljoin

from ..namespaces import PREFIXES
from .lexer import SparqlLexError, Token, position_of, tokenize

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

_FORMS: dict[str, QueryForm] = {"SELECT": "SELECT", "ASK": "ASK", "CONSTRUCT": "CONSTRUCT", "DESCRIBE": "DESCRIBE"}
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
# Oxigraph matches keywords without looking for the end of the word: `SERVICESILENT <x>` is SERVICE SILENT,
# `SERVICE:x` is SERVICE and the prefixed name :x, `trueSERVICE` after an object is true and SERVICE. So any
# bare word or prefix that holds these letters may be the keyword.
_CALLS_OUT = "SERVICE"
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = {closer: opener for opener, closer in _OPENERS.items()}
_MENTIONS_SERVICE = re.compile("service", re.IGNORECASE)
_READINGS_KEPT = 512  # distinct query texts remembered (saved queries and a page's edits repeat)


@dataclass(frozen=True)
class QueryReading:
    """A query text as the grammar's tokens show it.

    `unclear` says why the tokens do not settle what the text does (it is then parsed in full, or refused);
    `problem` is a mistake the tokens alone prove, in words, with its line and column.
    """

    tokens: tuple[Token, ...]
    form: QueryForm | None = None
    update: str | None = None  # the keyword that opens a SPARQL Update
    service: Token | None = None  # a token that is, or may be, the keyword SERVICE
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()
    names_graphs: bool = False  # FROM or FROM NAMED: the query chooses its own dataset
    unclear: str | None = None
    problem: SparqlLexError | None = None
    depth: int = 0  # the deepest nesting of brackets, braces and parentheses

    @property
    def empty(self) -> bool:
        """True when nothing but comments, white space and a prologue was written."""
        return self.problem is None and self.form is None and self.update is None and self.unclear is None

    def service_target(self) -> str:
        """What follows SERVICE (and SILENT), as written, for the refusal message."""
        if self.service is None:
            return ""
        following = [t for t in self.tokens if t.start > self.service.start][:2]
        if following and following[0].keyword == "SILENT":
            following = following[1:]
        return following[0].text if following and following[0].kind in ("iri", "pname", "var") else ""


def read_query(text: str, *, base: str | None = None) -> QueryReading:
    """The reading of a query; `base` resolves relative IRIs that the query's own BASE does not."""
    return _read(text, base)


@lru_cache(maxsize=_READINGS_KEPT)
def _read(text: str, base: str | None) -> QueryReading:
    try:
        tokens = tuple(tokenize(text))
    except SparqlLexError as problem:
        unclear = "an earlier < may be the operator, not an IRI" if problem.follows_ambiguity() else None
        return QueryReading(tokens=(), problem=problem, unclear=unclear)
    prologue_end, prefixes, base = _prologue(tokens, base)
    reading = QueryReading(tokens=tokens, service=next((t for t in tokens if _may_call_out(t)), None),
                           depth=_deepest(tokens), unclear=_read_otherwise(text, tokens, prefixes, base))
    if prologue_end == len(tokens):
        return reading
    # No query may hold an update's keywords; after a `;` they would start a second operation of an update.
    update = next((t for t in tokens[prologue_end:] if t.keyword in UPDATE_KEYWORDS), None)
    if update is not None:
        return _with(reading, update=update.keyword)
    opening = tokens[prologue_end]
    if opening.keyword not in _FORMS:
        return _with(reading, unclear=f"it opens with {opening.text!r}, not SELECT, ASK, CONSTRUCT or DESCRIBE")
    try:
        named, default, names_graphs = _dataset_clauses(tokens, prefixes, base)
    except _Unclear as unclear:
        return _with(reading, form=_FORMS[opening.keyword], unclear=reading.unclear or str(unclear),
                     names_graphs=True)
    return _with(reading, form=_FORMS[opening.keyword], from_graphs=default, from_named_graphs=named,
                 names_graphs=names_graphs, problem=_unknown_prefix(tokens, prefixes) or _unbalanced(text, tokens))


def _read_otherwise(text: str, tokens: Sequence[Token], prefixes: Mapping[str, str], base: str | None) -> str | None:
    """Why Oxigraph might read the text as other tokens than these, where that could matter; None when not.

    It matters only when the letters of SERVICE stand somewhere: reading the rest otherwise changes no
    outcome the endpoint must guard (FROM only selects graphs, and Oxigraph parses no update as a query).
    """
    if not _MENTIONS_SERVICE.search(text):
        return None
    ambiguous = next((t for t in tokens if t.ambiguous), None)
    if ambiguous is not None:
        return f"{ambiguous.text} at line {ambiguous.line} may be an IRI or the operator <"
    rejected = _iri_oxigraph_rejects(tokens, prefixes, base)
    if rejected is not None:
        return f"{rejected.text} at line {rejected.line} is no valid IRI, and Oxigraph would read its text another way"
    return None


def where_clause_start(text: str) -> int:
    """The offset just inside the `{` that opens the query's WHERE clause; ValueError when there is none."""
    reading = read_query(text)
    if reading.form is None:
        raise ValueError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
    form_at = next(i for i, t in enumerate(reading.tokens) if t.keyword == reading.form)
    tokens = reading.tokens[form_at + 1:]
    skip = 1 if reading.form == "CONSTRUCT" and tokens and tokens[0].text == "{" else 0  # the template comes first
    depth = 0
    for token in tokens:
        if token.text == "{":
            if depth == 0:
                if skip == 0:
                    return token.end
                skip -= 1
            depth += 1
        elif token.text == "}":
            depth -= 1
    raise ValueError("the query has no WHERE clause to bind parameters in")


def with_prologue(text: str, *, base: str | None = None) -> str:
    """The query with a PREFIX for each project prefix it does not declare, and `base` as BASE if it sets none.

    For stores that do not predeclare them (a remote endpoint); the embedded engines take both as options.
    They go just before the first token, after any comment lines, which stay whole.
    """
    tokens = read_query(text).tokens
    declared = {t.text[:-1] for before, t in zip(tokens, tokens[1:], strict=False) if before.keyword == "PREFIX"}
    prologue = "".join(f"PREFIX {name}: <{iri}> " for name, iri in PREFIXES.items() if name not in declared)
    if base is not None and not any(t.keyword == "BASE" for t in tokens):
        prologue = f"BASE <{base}> {prologue}"
    at = tokens[0].start if tokens else len(text)
    return text[:at] + prologue + text[at:]


class _Unclear(Exception):
    """The tokens do not settle what the query does."""


def _with(reading: QueryReading, **changes: object) -> QueryReading:
    return replace(reading, **changes)  # type: ignore[arg-type]


def _may_call_out(token: Token) -> bool:
    if token.kind == "word":
        return _CALLS_OUT in token.keyword
    if token.kind == "pname":
        return _CALLS_OUT in token.text.partition(":")[0].upper()
    if token.kind == "bnode":  # `_:a.b.SERVICE`: a label whose dots another reader might stop at
        return _CALLS_OUT in token.text.upper()
    return False


def _deepest(tokens: Sequence[Token]) -> int:
    depth = deepest = 0
    for token in tokens:
        if token.kind == "punct" and token.text in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "punct" and token.text in _CLOSERS:
            depth -= 1
    return deepest


def _iri_oxigraph_rejects(tokens: Sequence[Token], prefixes: Mapping[str, str], base: str | None) -> Token | None:
    """The first IRI or prefixed name whose IRI Oxigraph would refuse, so that it would read the text otherwise.

    Oxigraph checks each IRI as it parses and, when one fails, tries to read its text as other tokens: `p:SERVICE`
    with `p:` bound to `http://h:` becomes `p:` and the keyword SERVICE. Its own IRI check decides here.
    """
    import pyoxigraph

    for at, token in enumerate(tokens):
        if token.kind == "iri":
            iri = _resolve(token.value(), base)
        elif token.kind == "pname" and not (at > 0 and tokens[at - 1].keyword == "PREFIX"):
            prefix, _, local = token.text.partition(":")
            if prefix not in prefixes:
                continue  # an unknown prefix is reported as such
            iri = prefixes[prefix] + _unescape_local(local)
        else:
            continue
        try:
            pyoxigraph.NamedNode(iri)
        except ValueError:
            return token
    return None


def _prologue(tokens: Sequence[Token], base: str | None) -> tuple[int, dict[str, str], str | None]:
    """Where the prologue ends, the prefixes it declares (over the project's), and the base it sets."""
    prefixes = dict(PREFIXES)
    at = 0
    while at < len(tokens):
        keyword = tokens[at].keyword
        following = tokens[at + 1:at + 3]
        if keyword == "BASE" and following[:1] and following[0].kind == "iri":
            base = _resolve(following[0].value(), base)
            at += 2
        elif (keyword == "PREFIX" and len(following) == 2 and following[0].kind == "pname"
              and following[0].text.endswith(":") and following[1].kind == "iri"):
            prefixes[following[0].text[:-1]] = _resolve(following[1].value(), base)
            at += 3
        elif keyword == "VERSION" and following[:1] and following[0].kind == "string":
            at += 2
        else:
            break
    return at, prefixes, base


def _dataset_clauses(tokens: Sequence[Token], prefixes: Mapping[str, str],
                     base: str | None) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    named: list[str] = []
    default: list[str] = []
    names_graphs = False
    for at, token in enumerate(tokens):
        word = token.keyword or (token.text.partition(":")[0].upper() if token.kind == "pname" else "")
        if not word.startswith("FROM"):
            continue
        names_graphs = True
        if token.kind == "pname" or word not in ("FROM", "FROMNAMED"):
            raise _Unclear(f"{token.text!r} at line {token.line} may be the keyword FROM")
        target = tokens[at + 1] if at + 1 < len(tokens) else None
        is_named = word == "FROMNAMED"
        if word == "FROM" and target is not None and target.keyword == "NAMED":
            is_named, target = True, tokens[at + 2] if at + 2 < len(tokens) else None
        if target is None or target.kind not in ("iri", "pname"):
            raise _Unclear(f"FROM at line {token.line} is not followed by an IRI")
        iri = _iri_of(target, prefixes, base)
        (named if is_named else default).append(iri)
    return tuple(named), tuple(default), names_graphs


def _iri_of(token: Token, prefixes: Mapping[str, str], base: str | None) -> str:
    if token.kind == "iri":
        return _resolve(token.value(), base)
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise _Unclear(f"the prefix {prefix}: at line {token.line} is not declared")
    return prefixes[prefix] + _unescape_local(local)


def _resolve(iri: str, base: str | None) -> str:
    try:
        return urljoin(base, iri) if base else iri
    except ValueError:  # e.g. a bracket that is no IPv6 address: the IRI stays as written, for the engine to refuse
        return iri


def _unescape_local(local: str) -> str:
    out, escaped = [], False
    for char in local:
        if escaped or char != "\\":
            out.append(char)
            escaped = False
        else:
            escaped = True
    return "".join(out)


def _unknown_prefix(tokens: Sequence[Token], prefixes: Mapping[str, str]) -> SparqlLexError | None:
    declared = set(prefixes)
    for at, token in enumerate(tokens):
        if token.kind != "pname" or (at > 0 and tokens[at - 1].keyword == "PREFIX"):
            continue
        prefix = token.text.partition(":")[0]
        if at > 0 and tokens[at - 1].text == "<" and tokens[at - 1].end == token.start:
            return SparqlLexError("this IRI holds a character no IRI may hold (a space, or one of < > \" { } | ^ ` "
                                  "\\); write it %-encoded, e.g. %20 for a space", line=tokens[at - 1].line,
                                  column=tokens[at - 1].column)
        if prefix not in declared:
            return SparqlLexError(
                f"unknown prefix {prefix}: in {token.text}; declare it first, e.g. PREFIX {prefix}: <http://...>",
                line=token.line, column=token.column)
    return None


def _unbalanced(text: str, tokens: Sequence[Token]) -> SparqlLexError | None:
    """The first bracket without its partner: an unexpected closer, or an opener never closed."""
    open_brackets: list[Token] = []
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text in _OPENERS:
            open_brackets.append(token)
        elif token.text in _CLOSERS:
            if not open_brackets or open_brackets[-1].text != _CLOSERS[token.text]:
                expected = f" (the {open_brackets[-1].text} at line {open_brackets[-1].line}, column " \
                           f"{open_brackets[-1].column} is still open)" if open_brackets else ""
                return SparqlLexError(f"unexpected {token.text}{expected}", line=token.line, column=token.column)
            open_brackets.pop()
    if open_brackets:
        opener = open_brackets[-1]
        line, column = position_of(text, len(text))
        return SparqlLexError(f"missing {_OPENERS[opener.text]} to close the {opener.text} at line {opener.line}, "
                              f"column {opener.column}", line=line, column=column)
    return None
