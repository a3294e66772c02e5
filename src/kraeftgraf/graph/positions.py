"""Where things are written in a Turtle file: the line of each subject's block, blank node and reference.

rdflib keeps no positions, so this reads the file a second time with a small scanner of its own. It runs only
on files rdflib has parsed already and never raises: what it cannot follow it leaves out, and a report then
names the file without a line.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

_TOKEN = re.compile(r'''
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<datatype>\^\^)
  | (?P<number>[+-]?(?:\d*\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<blank>_:(?:[^\s;,.\[\]()]|\.(?=[^\s;,.\[\]()]))+)
  | (?P<pname>(?:[^\W\d_][\w\-]*(?:\.+[\w\-]+)*)?:(?:[\w\-:%]|\\.|\.+(?=[\w\-:%\\]))*)
  | (?P<word>[A-Za-z]+)
  | (?P<punct>[\[\]();,.])
''', re.X | re.S)

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


Key = URIRef | int  # a subject IRI, or the number of a blank node's block in the file
Term = tuple[str, str]  # ("iri", IRI) or ("literal", lexical form): enough to tell blank nodes apart


@dataclass
class BlankBlock:
    """A blank node written as `[ ... ]`: its line, what it hangs from, and what it says."""

    line: int
    parent: Key | None
    predicate: URIRef | None
    statements: set[tuple[URIRef, Term]] = field(default_factory=set)


@dataclass
class TurtlePositions:
    """The lines of one file: each subject's first block, each blank node block, each reference to an IRI."""

    subjects: dict[URIRef, int] = field(default_factory=dict)
    blocks: list[BlankBlock] = field(default_factory=list)
    references: dict[tuple[Key, URIRef, URIRef], list[int]] = field(default_factory=dict)
    statements: dict[tuple[Key, URIRef], list[int]] = field(default_factory=dict)


def read_positions(path: Path) -> TurtlePositions:
    """The positions in one Turtle file; as many as could be read, none where the file is unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return TurtlePositions()
    positions = TurtlePositions()
    try:
        _Reader(list(_tokens(text)), positions).read()
    except (IndexError, ValueError):
        pass  # the file parsed with rdflib, so this is a gap of the scanner's: keep what it read
    return positions


def _tokens(text: str) -> Iterator[_Token]:
    line, offset = 1, 0
    while offset < len(text):
        match = _TOKEN.match(text, offset)
        if match is None:  # a character the scanner does not know: skip it
            offset += 1
            continue
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            yield _Token(kind, match.group(), line)
        line += match.group().count("\n")
        offset = match.end()


class _Reader:
    """Turtle's grammar, just far enough to know which subject, predicate and object each token is."""

    def __init__(self, tokens: list[_Token], positions: TurtlePositions) -> None:
        self._tokens = tokens
        self._at = 0
        self._prefixes: dict[str, str] = {}
        self._positions = positions

    def read(self) -> None:
        while self._at < len(self._tokens):
            token = self._peek()
            if token.kind == "at" or (token.kind == "word" and token.text.upper() in ("PREFIX", "BASE")):
                self._directive()
            else:
                self._triples()

    def _peek(self) -> _Token:
        return self._tokens[self._at]

    def _next(self) -> _Token:
        token = self._tokens[self._at]
        self._at += 1
        return token

    def _directive(self) -> None:
        keyword = self._next().text.lstrip("@").lower()
        if keyword == "prefix":
            name = self._next().text
            iri = self._next().text
            self._prefixes[name[:-1]] = iri[1:-1]
        else:
            self._next()
        if self._at < len(self._tokens) and self._peek().text == ".":
            self._next()

    def _triples(self) -> None:
        token = self._peek()
        if token.text == "[":
            key: Key | None = self._blank_block(parent=None, predicate=None)
            if self._peek().text != ".":
                self._predicate_objects(key)
        else:
            self._next()
            subject = self._iri(token)
            key = subject
            if subject is not None:
                self._positions.subjects.setdefault(subject, token.line)
            self._predicate_objects(key)
        self._expect(".")

    def _predicate_objects(self, subject: Key | None) -> None:
        while True:
            token = self._next()
            predicate = RDF.type if token.text == "a" else self._iri(token)
            self._objects(subject, predicate)
            while self._peek().text == ";":
                self._next()
            if self._peek().text in (".", "]"):
                return

    def _objects(self, subject: Key | None, predicate: URIRef | None) -> None:
        self._object(subject, predicate)
        while self._peek().text == ",":
            self._next()
            self._object(subject, predicate)

    def _object(self, subject: Key | None, predicate: URIRef | None) -> Term | None:
        token = self._peek()
        if token.text == "[":
            self._blank_block(parent=subject, predicate=predicate)
            return None
        if token.text == "(":
            self._next()
            while self._peek().text != ")":
                self._object(None, None)
            self._next()
            return None
        self._next()
        term = self._term(token)
        if subject is not None and predicate is not None:
            self._positions.statements.setdefault((subject, predicate), []).append(token.line)
            if term is not None:
                if term[0] == "iri":
                    self._positions.references.setdefault(
                        (subject, predicate, URIRef(term[1])), []).append(token.line)
                if isinstance(subject, int):
                    self._positions.blocks[subject].statements.add((predicate, term))
        return term

    def _blank_block(self, *, parent: Key | None, predicate: URIRef | None) -> int:
        opening = self._next()
        index = len(self._positions.blocks)
        self._positions.blocks.append(BlankBlock(line=opening.line, parent=parent, predicate=predicate))
        if parent is not None and predicate is not None:
            self._positions.statements.setdefault((parent, predicate), []).append(opening.line)
        if self._peek().text != "]":
            self._predicate_objects(index)
        self._expect("]")
        return index

    def _term(self, token: _Token) -> Term | None:
        if token.kind in ("string", "long"):
            quote = 3 if token.kind == "long" else 1
            lexical = _unescape(token.text[quote:-quote])
            if self._at < len(self._tokens) and self._peek().kind == "at":
                self._next()
            elif self._at < len(self._tokens) and self._peek().kind == "datatype":
                self._next()
                self._next()
            return ("literal", lexical)
        if token.kind == "number" or token.text in ("true", "false"):
            return ("literal", token.text)
        iri = self._iri(token)
        return ("iri", str(iri)) if iri is not None else None

    def _iri(self, token: _Token) -> URIRef | None:
        if token.kind == "iri":
            return URIRef(_unescape(token.text[1:-1]))
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix in self._prefixes:
                return URIRef(self._prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
        if token.kind == "word" and token.text == "a":
            return RDF.type
        return None

    def _expect(self, text: str) -> None:
        if self._at < len(self._tokens) and self._peek().text == text:
            self._next()


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "uU":
            return chr(int(escape[1:], 16))
        return _ESCAPES.get(escape, escape)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", replace, text)

