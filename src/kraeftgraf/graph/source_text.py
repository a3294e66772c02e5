"""A source document's extracted text in the normal forms a quote may match: the project's quote check."""

import re
from array import array
from dataclasses import dataclass

LINE_END_HYPHEN = re.compile(r"-[ \t]*\r?\n\s*")
_WHITE_SPACE = re.compile(r"\s+")
_JOINS = ("", "-", None)  # a line-end hyphen joined without it, kept with the word, or left as it stands
# One pass that does what `normalise` does in two: a line-end hyphen is tried first wherever one starts, so the
# white space it takes with it is never collapsed on its own.
_HYPHEN_OR_SPACE = re.compile(rf"(?P<hyphen>{LINE_END_HYPHEN.pattern})|(?P<space>\s+)")


def normalise(text: str, *, join: str | None) -> str:
    """Collapse white space; where `join` is given, join words hyphenated across a line end with it."""
    joined = LINE_END_HYPHEN.sub(join, text) if join is not None else text
    return _WHITE_SPACE.sub(" ", joined).strip()


@dataclass(frozen=True)
class Span:
    """Characters `start` (included) to `end` (excluded) of a text: where a quote stands in it."""

    start: int
    end: int


class _NormalForm:
    """The text normalised as `normalise` does it, with the offset in the text of each character kept."""

    def __init__(self, text: str, join: str | None) -> None:
        pieces: list[str] = []
        offsets = array("q")
        at = 0
        pattern = _HYPHEN_OR_SPACE if join is not None else _WHITE_SPACE
        for match in pattern.finditer(text):
            pieces.append(text[at:match.start()])
            offsets.extend(range(at, match.start()))
            put = join if join is not None and match.lastgroup == "hyphen" else " "
            pieces.append(put)
            offsets.extend([match.start()] * len(put))  # a joining hyphen is the hyphen of the text
            at = match.end()
        pieces.append(text[at:])
        offsets.extend(range(at, len(text)))
        form = "".join(pieces)
        first = len(form) - len(form.lstrip(" "))
        last = len(form.rstrip(" "))
        self.text = form[first:last]
        self._offsets = offsets[first:last]

    def spans(self, needle: str) -> list[Span]:
        """Where the normalised needle occurs in this form, as spans of the original text."""
        found = []
        at = self.text.find(needle)
        while at >= 0 and needle:
            found.append(Span(self._offsets[at], self._offsets[at + len(needle) - 1] + 1))
            at = self.text.find(needle, at + 1)
        return found


class SourceText:
    """One document's text in the normal forms a quote may match.

    A hyphen at a line end is either a word split by the layout ("diag-/nostik": joined without it),
    part of the word ("HPV-/vaccination": joined with it) or a suspended compound ("Udrednings- /og":
    kept as it is); a quote may use whichever the sentence needs.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._forms = tuple(_NormalForm(text, join) for join in _JOINS)

    def contains(self, quote: str) -> bool:
        needle = normalise(quote, join=None)
        return any(needle in form.text for form in self._forms)

    def occurrences(self, quote: str) -> list[Span]:
        """Every place the quote stands in the text, read as `contains` reads it, in the order of the text.

        Sliced from the text at one of them and normalised with the join that found it, the text is the quote
        normalised: white space collapsed, a line-end hyphen joined as the quote has it.
        """
        needle = normalise(quote, join=None)
        return sorted({span for form in self._forms for span in form.spans(needle)}, key=lambda s: (s.start, s.end))
