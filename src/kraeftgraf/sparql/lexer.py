"""Split SPARQL text into the tokens of the SPARQL 1.1 grammar (section 19.8), the way Oxigraph reads them.

The endpoint decides from these tokens whether a query may call out (SERVICE) or names graphs (FROM), so the
lexer follows the grammar's terminals exactly: strings in all four quote forms with their escapes, IRIs with
`\\u` escapes and `#` inside, comments only from `#` to a line feed or carriage return (never at U+2028 and
the like, which end lines for Python but not for SPARQL), white space only as space, tab, CR and LF. Where
the text could be read two ways, the token says so (`ambiguous`), and the reader treats the query as one it
cannot classify.
"""

import bisect
import re
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["iri", "string", "var", "bnode", "pname", "langtag", "number", "word", "punct"]

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf\\"']"""
_PLX = rf"%{_HEX}{_HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
# Oxigraph's local names take one run of dots at most (`a.b`, not `a.b.c`): there `:a.b.SERVICE:x` is `:a.b`, a dot,
# `SERVICE` and `:x`, so this pattern follows Oxigraph, not the W3C grammar, which would read one name.
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX})*(?:\.+(?:[{_PN_CHARS}:]|{_PLX})+)?"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

# One alternative per terminal; the order settles the overlaps as the grammar's longest match does
# (a long string before a short one, a prefixed name before a bare word).
_TOKEN = re.compile(
    rf"""(?P<space>[ \t\r\n]+)
    |(?P<comment>\#[^\r\n]*)
    |(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
    |(?P<string>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
               |\"\"\"(?:(?:\"\"|\")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
               |'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'
               |"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")
    |(?P<var>[?$]{_VARNAME})
    |(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
    |(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
    |(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)
    |(?P<word>[A-Za-z][A-Za-z0-9_]*)
    |(?P<punct>\^\^|<=|>=|!=|&&|\|\||\{{\||\|\}}|[{{}}()\[\];,.=<>!+\-*/^|?~])
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(rf"{_UCHAR}|{_ECHAR}")
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}
_LONG_QUOTES = ("'''", '"""')
_LINE_END = re.compile(r"[\r\n]")
_LINE_ENDS = re.compile(r"\r\n|\r|\n")
_DEPTH_CHANGE = {"(": 1, ")": -1}
_STRING_STARTS = ("'", '"')


@dataclass(frozen=True)
class Token:
    """One terminal of the grammar: its kind, the text as written, and where it starts."""

    kind: TokenKind
    text: str
    start: int
    line: int
    column: int
    ambiguous: bool = False  # the text could also be read as other tokens (see `_ambiguous_iri`)

    @property
    def end(self) -> int:
        """The offset just after the token."""
        return self.start + len(self.text)

    @property
    def keyword(self) -> str:
        """A bare word in upper case (keywords are case-insensitive); '' for other tokens."""
        return self.text.upper() if self.kind == "word" else ""

    def value(self) -> str:
        """An IRI without its brackets, a string without its quotes, with their escapes decoded."""
        if self.kind == "iri":
            return _decode(self.text[1:-1])
        if self.kind == "string":
            quotes = 3 if self.text[:3] in _LONG_QUOTES else 1
            return _decode(self.text[quotes:-quotes])
        return self.text


class SparqlLexError(ValueError):
    """Text that is no sequence of SPARQL tokens, with the place and what is wrong there in words."""

    def __init__(self, problem: str, *, line: int, column: int, after: tuple["Token", ...] = ()) -> None:
        super().__init__(f"line {line}, column {column}: {problem}")
        self.problem = problem
        self.line = line
        self.column = column
        self.after = after  # the tokens read before the problem

    def follows_ambiguity(self) -> bool:
        """True when a token before the problem could be read another way, which might not have the problem."""
        return any(token.ambiguous for token in self.after)


def tokenize(text: str) -> list[Token]:
    """The tokens of the text, without white space and comments; SparqlLexError where no token fits."""
    tokens: list[Token] = []
    line_starts = _line_starts(text)
    position, depth = 0, 0
    # finditer looks for the next match from where the last ended, trying the alternatives at each place in
    # order as `match` would: a match that does not start where the last ended leaves text no token fits.
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            break
        kind = match.lastgroup
        if kind == "space" or kind == "comment":
            position = match.end()
            continue
        token_text = match.group()
        line = bisect.bisect_right(line_starts, position)
        column = position - line_starts[line - 1] + 1
        if kind == "string" and text.startswith(_LONG_QUOTES, position) and token_text[:3] not in _LONG_QUOTES:
            raise SparqlLexError("a long string starts here but is never closed", line=line, column=column,
                                 after=tuple(tokens))
        ambiguous = kind == "iri" and _ambiguous_iri(text, match, depth=depth, after=tokens[-1] if tokens else None)
        tokens.append(Token(kind, token_text, position, line, column, ambiguous=ambiguous))  # type: ignore[arg-type]
        if kind == "punct":
            depth += _DEPTH_CHANGE.get(token_text, 0)
        position = match.end()
    if position < len(text):
        line = bisect.bisect_right(line_starts, position)
        raise _lex_error(text, position, line, position - line_starts[line - 1] + 1, tuple(tokens))
    _check_escapes(text, tokens)
    return tokens


def _line_starts(text: str) -> list[int]:
    """The offset of each line's first character: lines end at LF, CR or CR LF, as in SPARQL (comments and
    IRIs hold no line end, so every one in the text ends a line)."""
    return [0, *(line_end.end() for line_end in _LINE_ENDS.finditer(text))]


def position_of(text: str, offset: int) -> tuple[int, int]:
    """Line and column (from 1) of an offset, with lines ended by LF, CR or CR LF as SPARQL ends them."""
    before = text[:offset]
    lines = re.split(r"\r\n|\r|\n", before)
    return len(lines), len(lines[-1]) + 1


def _ambiguous_iri(text: str, match: "re.Match[str]", *, depth: int, after: "Token | None") -> bool:
    """True when `<` might be the less-than operator instead, and reading it so would hide different text.

    Less-than stands only inside parentheses (expressions are always bracketed in SPARQL) right after an operand;
    there Oxigraph tries the operator first. Read as operators, the characters up to `>` are tokens of their own,
    and only a quote (a string running past the `>`), a `#` (a comment to the end of the line, hiding the `>`) or
    a parenthesis (changing the depth for what follows) would make the rest read differently. Anywhere, a quote
    or a `#` followed on its line by a long string is taken as ambiguous too, to be sure.
    """
    body = match.group()[1:-1]
    if "'" in body:
        return True
    if depth > 0 and after is not None and _ends_operand(after) and any(c in body for c in "#()"):
        return True
    if "#" in body:
        rest_of_line = _LINE_END.split(text[match.end():], maxsplit=1)[0]
        return any(quotes in rest_of_line for quotes in _LONG_QUOTES)
    return False


def _ends_operand(token: "Token") -> bool:
    """True for a token an operand of an expression can end with, which a less-than sign could follow."""
    if token.kind in ("var", "number", "string", "langtag", "iri", "pname", "bnode"):
        return True
    return token.text in (")", "]") or token.keyword in ("TRUE", "FALSE")


def _check_escapes(text: str, tokens: list[Token]) -> None:
    for token in tokens:
        if token.kind in ("iri", "string"):
            for escape in _ESCAPE.finditer(token.text):
                code = escape.group()
                if code[1] in "uU" and not _is_character(int(code[2:], 16)):
                    line, column = position_of(text, token.start + escape.start())
                    raise SparqlLexError(f"{code} is not a Unicode character", line=line, column=column)


def _is_character(code: int) -> bool:
    return code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def _decode(text: str) -> str:
    def character(escape: "re.Match[str]") -> str:
        code = escape.group()
        return chr(int(code[2:], 16)) if code[1] in "uU" else _ECHARS[code[1]]

    return _ESCAPE.sub(character, text)


def _lex_error(text: str, position: int, line: int, column: int, after: tuple[Token, ...]) -> SparqlLexError:
    error = _lex_problem(text, position, line, column)
    error.after = after
    return error


def _lex_problem(text: str, position: int, line: int, column: int) -> SparqlLexError:
    char = text[position]
    if char in _STRING_STARTS:
        return SparqlLexError("a string starts here but is not closed on its line (a line break inside a string "
                              "needs \"\"\" or \\n), or holds an escape other than \\t \\b \\n \\r \\f "
                              "\\\\ \\\" \\' \\uXXXX \\UXXXXXXXX", line=line, column=column)
    if char == "\\":
        return SparqlLexError("a backslash outside a string or IRI; escapes like \\u0041 are allowed only "
                              "inside strings and IRIs", line=line, column=column)
    name = _describe(char)
    if char.isspace():
        return SparqlLexError(f"{name} is not white space in SPARQL; use spaces, tabs or line breaks",
                              line=line, column=column)
    return SparqlLexError(f"unexpected character {name}", line=line, column=column)


def _describe(char: str) -> str:
    import unicodedata

    name = unicodedata.name(char, "")
    shown = repr(char) if char.isprintable() and not char.isspace() else ""
    return " ".join(part for part in (shown, f"U+{ord(char):04X}", f"({name.lower()})" if name else "") if part)
