"""The part of a text around what matched, with the matching words marked, cut to a readable length.

Marked by the same words and stems the index uses, so a snippet marks "pårørendes" for a search for "pårørende".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .query import SearchQuery
from .words import Word, normalized, words

SNIPPET_WORDS = 36  # a text longer than this is cut around its first match
_BEFORE = 10  # words kept before the first match when cutting
ELLIPSIS = "…"


@dataclass(frozen=True)
class Segment:
    """A run of a snippet's text, matched (to be marked) or not."""

    text: str
    match: bool


def snippet(text: str, query: SearchQuery) -> tuple[Segment, ...]:
    """The text (or a window of it around its first match) as segments, the matched words marked."""
    text = normalized(text)
    found = words(text)
    marked = _matched(found, query)
    start, end = _window(len(found), sorted(marked))
    begin = found[start].start if start > 0 else 0
    finish = found[end - 1].end if end < len(found) else len(text)
    segments: list[Segment] = []
    if start > 0:
        segments.append(Segment(ELLIPSIS, False))
    position = begin
    for index in range(start, end):
        if index not in marked:
            continue
        word = found[index]
        gap = text[position:word.start]
        if index - 1 in marked and index > start and not gap.strip():  # "Kræftplan IV" as one mark, not two
            segments[-1] = Segment(segments[-1].text + gap + text[word.start:word.end], True)
        else:
            segments.append(Segment(gap, False))
            segments.append(Segment(text[word.start:word.end], True))
        position = word.end
    segments.append(Segment(text[position:finish], False))
    if end < len(found):
        segments.append(Segment(ELLIPSIS, False))
    return tuple(_merged(s for s in segments if s.text))


def marked_text(segments: Sequence[Segment], *, before: str = "**", after: str = "**") -> str:
    """The snippet as one string, each match between `before` and `after` (Markdown bold by default)."""
    return "".join(f"{before}{s.text}{after}" if s.match else s.text for s in segments)


def _matched(found: Sequence[Word], query: SearchQuery) -> set[int]:
    stems = [word.stem for word in found]
    marked: set[int] = set()
    for term in query.terms:
        if term.kind == "prefix":
            marked |= {i for i, word in enumerate(found) if word.lower.startswith(term.parts[0])}
            continue
        size = len(term.parts)
        for i in range(len(stems) - size + 1):
            if tuple(stems[i:i + size]) == term.parts:
                marked.update(range(i, i + size))
    return marked


def _window(count: int, marked: Sequence[int]) -> tuple[int, int]:
    if count <= SNIPPET_WORDS:
        return 0, count
    first = marked[0] if marked else 0
    start = max(0, min(first - _BEFORE, count - SNIPPET_WORDS))
    return start, start + SNIPPET_WORDS


def _merged(segments: Iterable[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and not merged[-1].match and not segment.match:
            merged[-1] = Segment(merged[-1].text + segment.text, False)
        else:
            merged.append(segment)
    return merged
