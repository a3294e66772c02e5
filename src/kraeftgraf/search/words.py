"""Words as the index sees them: split on anything that is not a letter or digit, lower-cased, Snowball-Danish stemmed.

The same function reads the documents and the search text, so "pårørendes" finds "pårørende": both become "pårør".
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import snowballstemmer

# Letters and digits; "_" is a separator, as in FTS5's unicode61 tokenizer, which reads the stems back.
_WORD = re.compile(r"[^\W_]+")
_DANISH = snowballstemmer.stemmer("danish")
STEMMER = f"Snowball Danish (snowballstemmer {version('snowballstemmer')})"


@dataclass(frozen=True)
class Word:
    """One word of a text: where it stands (character offsets into the text) and its stem."""

    start: int
    end: int
    lower: str
    stem: str


def normalized(text: str) -> str:
    """The text in Unicode NFC: "å" as one character however it was typed, so that offsets and stems agree."""
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[Word]:
    """The words of a (normalized) text, in order."""
    found = []
    for match in _WORD.finditer(text):
        lower = match.group().lower()
        found.append(Word(match.start(), match.end(), lower, stem(lower)))
    return found


@lru_cache(maxsize=65536)
def stem(lower: str) -> str:
    """The Snowball Danish stem of a lower-case word (memoized: texts repeat their words)."""
    result: str = _DANISH.stemWord(lower)
    return result
