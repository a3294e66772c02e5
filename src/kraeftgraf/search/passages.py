"""The shipped source texts cut into passages to search: paragraphs (split at blank lines), long ones cut further.

A passage is a run of whole lines, so a hit can name its first and last line and open the source viewer there; a
paragraph longer than `MAX_LINES` lines or `MAX_CHARACTERS` characters is cut at line ends into near-equal runs,
never after a line that ends in a hyphen (the word goes on on the next line). The text searched is the passage's
lines with a word hyphenated across a line end joined again ("screeningsprogram-/merne" reads
"screeningsprogrammerne"), so the word is found; the page is the one the text's own page marks give
(`graph.pages`), where they give one.
"""

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import resources
from ..engines.base import QueryEngine
from ..graph.pages import Pages
from ..graph.source_folder import SourceFolder
from ..graph.source_text import LINE_END_HYPHEN, Span
from .texts import Source, Text
from .words import words

SOURCE_TEXT_FIELD = "sourceText"
MAX_LINES = 8
MAX_CHARACTERS = 700
_BLANK = re.compile(r"[ \t\r\f\v]*")
# After a line-end hyphen, these words mean a suspended compound ("Udrednings- og behandlingsforløb"): kept apart.
_SUSPENDED = frozenset({"og", "eller", "samt", "til", "and", "or"})
_DOCUMENT_FILES = """SELECT DISTINCT ?document ?file WHERE {
  ?document kg:sourceFile ?file . FILTER(isIRI(?document) && isLiteral(?file))
} ORDER BY ?document ?file"""


@dataclass(frozen=True)
class Passage:
    """Lines `start_line` to `end_line` (1-based, both included) of a text, as read for searching."""

    text: str
    start_line: int
    end_line: int
    page: int | None


def passages(text: str) -> list[Passage]:
    """The text's passages, in order; lines of white space or punctuation only belong to none."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    pages = Pages(text)
    found: list[Passage] = []
    for first, last in _runs(lines):
        body = "\n".join(lines[first:last + 1])
        joined = _joined(body)
        if not words(joined):
            continue
        span = Span(starts[first], starts[first] + len(body.rstrip()))
        found.append(Passage(text=joined, start_line=first + 1, end_line=last + 1, page=pages.page_of(span)))
    return found


def document_texts(engine: QueryEngine, sources: Path | None = None) -> dict[str, str]:
    """Each document's shipped text (read from `sources`, by default the shipped folder), by document IRI.

    A document whose kg:sourceFile is not in the folder has no passages; a text that differs from its manifest
    checksum is refused (SourceTextChangedError), as everywhere the texts are read.
    """
    folder = SourceFolder(sources if sources is not None else resources.sources_dir())
    texts: dict[str, str] = {}
    for row in engine.query(_DOCUMENT_FILES).rows:
        source = folder.get(str(row["file"]))
        if source is not None:
            texts.setdefault(str(row["document"]), source.text)
    return texts


def passage_texts(texts: Mapping[str, str]) -> Iterator[Text]:
    """Every passage of every document's text, as a searchable text whose resource is the document."""
    for document, text in sorted(texts.items()):
        for passage in passages(text):
            yield Text(resource=document, field=SOURCE_TEXT_FIELD, text=passage.text, lang="da",
                       sources=(Source(document, page=passage.page, start_line=passage.start_line,
                                       end_line=passage.end_line),))


def _runs(lines: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) line indexes of each paragraph, a long one cut into as few near-equal runs as the caps allow.

    A paragraph ends at a blank line; in a double-spaced text (a blank line after most lines, as 003's extraction
    has) only at two or more, since one blank line there is only the spacing.
    """
    gap = _paragraph_gap(lines)
    paragraph: list[int] = []  # the indexes of the paragraph's lines with text
    blanks = 0
    for number, line in enumerate(lines):
        if _BLANK.fullmatch(line):
            blanks += 1
            continue
        if paragraph and blanks >= gap:
            yield from _cut(lines, paragraph)
            paragraph = []
        paragraph.append(number)
        blanks = 0
    if paragraph:
        yield from _cut(lines, paragraph)


def _paragraph_gap(lines: list[str]) -> int:
    """How many blank lines end a paragraph: 2 where one blank line between two lines is the rule, else 1."""
    between: Counter[int] = Counter()
    blanks: int | None = None  # None before the first line with text
    for line in lines:
        if _BLANK.fullmatch(line):
            blanks = None if blanks is None else blanks + 1
            continue
        if blanks is not None:
            between[blanks] += 1
        blanks = 0
    return 2 if between[1] > sum(between.values()) - between[1] else 1


def _cut(lines: list[str], paragraph: list[int]) -> Iterator[tuple[int, int]]:
    characters = sum(len(lines[number]) + 1 for number in paragraph)
    pieces = max(math.ceil(len(paragraph) / MAX_LINES), math.ceil(characters / MAX_CHARACTERS), 1)
    size = math.ceil(len(paragraph) / pieces)
    start = 0
    while start < len(paragraph):
        end = min(start + size, len(paragraph)) - 1
        while end < len(paragraph) - 1 and lines[paragraph[end]].rstrip().endswith("-"):  # the word goes on below
            end += 1
        yield paragraph[start], paragraph[end]
        start = end + 1


def _joined(body: str) -> str:
    """The lines as one text: a word split by a line-end hyphen joined, a suspended compound's hyphen kept."""
    def join(match: re.Match[str]) -> str:
        before = body[match.start() - 1:match.start()]
        after = re.match(r"\w+", body[match.end():])
        if before.islower() and after is not None and after.group()[0].islower() \
                and after.group().lower() not in _SUSPENDED:
            return ""
        return "- " if after is not None and after.group().lower() in _SUSPENDED else "-"
    return " ".join(LINE_END_HYPHEN.sub(join, body).split())
