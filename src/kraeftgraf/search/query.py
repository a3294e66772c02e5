"""The search text a person types, read into terms: words, "phrases" and prefix* words, all of which must match.

Nothing of the text reaches SQLite as syntax: each term becomes a quoted FTS5 string of stems (or a quoted
prefix), so quotes, parentheses, AND/OR/NOT and column names in the text are only words to look for.
"""

import re
from dataclasses import dataclass
from typing import Literal

from ..errors import SearchFilterError, SearchTextError
from .words import normalized, words

MAX_LENGTH = 500
MAX_TERMS = 32
MIN_PREFIX = 2
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "»": '"', "«": '"'})
_PHRASE = re.compile(r'"([^"]*)"')

TermKind = Literal["word", "phrase", "prefix"]


@dataclass(frozen=True)
class Term:
    """One thing every hit must contain: a word (by stem), a phrase (stems in a row), or a word's beginning."""

    kind: TermKind
    parts: tuple[str, ...]  # stems for words and phrases; the lower-case beginning for a prefix

    def fts(self) -> str:
        """The term as an FTS5 expression on the index's columns."""
        if self.kind == "prefix":
            return f'words : "{self.parts[0]}" *'
        return f'stems : "{" ".join(self.parts)}"'


@dataclass(frozen=True)
class SearchQuery:
    """The terms of a search, in the order they were typed."""

    text: str
    terms: tuple[Term, ...]

    def fts(self) -> str:
        """The FTS5 MATCH expression: every term."""
        return " AND ".join(term.fts() for term in self.terms)

    def exact(self) -> str | None:
        """The stems of the whole search, to rank a text that says exactly this first (None with a prefix term)."""
        if any(term.kind == "prefix" for term in self.terms):
            return None
        return " ".join(part for term in self.terms for part in term.parts)


def parse_search(text: str) -> SearchQuery:
    """The terms of a search text; SearchTextError, saying what to write instead, when it has none or is malformed."""
    if len(text) > MAX_LENGTH:
        raise SearchTextError(f"The search text is {len(text)} characters long; search for at most {MAX_LENGTH}.")
    plain = normalized(text).translate(_QUOTES)
    if plain.count('"') % 2:
        raise SearchTextError('The search text has a " that opens a phrase but none that closes it.')
    terms: list[Term] = []
    position = 0
    for match in _PHRASE.finditer(plain):
        terms += _loose_terms(plain[position:match.start()])
        stems = tuple(word.stem for word in words(match.group(1)))
        if stems:
            terms.append(Term("word" if len(stems) == 1 else "phrase", stems))
        position = match.end()
    terms += _loose_terms(plain[position:])
    if not terms:
        raise SearchTextError(f"The search text {text!r} has no word to look for (only spaces or punctuation).")
    if len(terms) > MAX_TERMS:
        raise SearchTextError(f"The search text has {len(terms)} words and phrases; use at most {MAX_TERMS}.")
    return SearchQuery(text=text, terms=tuple(dict.fromkeys(terms)))


def _loose_terms(text: str) -> list[Term]:
    terms: list[Term] = []
    for chunk in text.split():
        found = words(chunk)
        if not found:
            continue
        prefixed = chunk.endswith("*")
        for word in found[:-1] if prefixed else found:
            terms.append(Term("word", (word.stem,)))
        if prefixed:
            beginning = found[-1].lower
            if len(beginning) < MIN_PREFIX:
                raise SearchTextError(f"{chunk!r}: a word's beginning needs at least {MIN_PREFIX} letters before *.")
            terms.append(Term("prefix", (beginning,)))
    return terms


def expand_name(name: str, value: str, prefixes: dict[str, str]) -> str:
    """An IRI given in full or as a prefixed name (id:..., kg:...); SearchFilterError for anything else."""
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
        return value
    raise SearchFilterError(name, value, "give an IRI, in full or as a prefixed name such as id:... or kg:....")
