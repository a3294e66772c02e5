"""A source document's extracted text in the normal forms a quote may match: the project's quote check."""

import re

LINE_END_HYPHEN = re.compile(r"-[ \t]*\r?\n\s*")
_WHITE_SPACE = re.compile(r"\s+")


def normalise(text: str, *, join: str | None) -> str:
    """Collapse white space; where `join` is given, join words hyphenated across a line end with it."""
    joined = LINE_END_HYPHEN.sub(join, text) if join is not None else text
    return _WHITE_SPACE.sub(" ", joined).strip()


class SourceText:
    """One document's text in the normal forms a quote may match.

    A hyphen at a line end is either a word split by the layout ("diag-/nostik": joined without it),
    part of the word ("HPV-/vaccination": joined with it) or a suspended compound ("Udrednings- /og":
    kept as it is); a quote may use whichever the sentence needs.
    """

    def __init__(self, text: str) -> None:
        self._forms = tuple(normalise(text, join=join) for join in ("", "-", None))

    def contains(self, quote: str) -> bool:
        needle = normalise(quote, join=None)
        return any(needle in form for form in self._forms)
