"""The page a passage of a source text stands on, where the text itself marks its pages.

The extracted texts carry no form feeds: where one page ends and the next begins is not written down. What a text
may show is a page header ("Side 1 af 4": page 1 of 4 starts here) or a running footer (the same title line over a
page number, again and again: that page ends here). Between two such marks the text holds the pages from the one
after the first mark to the one before the second. When that is one page, every passage there is on it. When it is
several, the text is split into them only where it shows exactly as many gaps (three or more blank lines between
text) as there are page breaks to place: the marks' page count and the layout then agree. Where it cannot be
split, only the block of lines that touches a mark is placed: the lines from just after a header or footer to the
first blank line are on the page that follows the mark, and the lines from the last blank line before a footer's
padding to the footer are on the footer's page (a page break leaves at least a blank line in these extractions, as
the pages around every mark show). Anywhere else no page is given: a wrong page number is worse than none.
"""

import bisect
import re
from dataclasses import dataclass

from .source_text import Span

_HEADER = re.compile(r"^[ \t]*Side[ \t]+(\d{1,4})[ \t]+af[ \t]+(\d{1,4})[ \t]*$", re.M)
_NUMBER_LINE = re.compile(r"^[ \t]*(\d{1,4})[ \t]*$", re.M)
_GAP = re.compile(r"\n(?:[ \t\r\f\v]*\n){3,}")  # three or more blank lines (white space only) between two lines
_CONTENT = re.compile(r"\S")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")  # a line of white space only, between two lines


@dataclass(frozen=True)
class PageMark:
    """A page header (its page starts at `start`) or a running footer (its page ends at `end`), where it stands."""

    kind: str  # "header" or "footer"
    page: int
    start: int  # the offset of the mark's first line
    end: int  # the offset just after its last line (and that line's line feed)
    of: int | None = None  # the pages a header counts ("Side 1 af 4": 4)


@dataclass(frozen=True)
class PageSpan:
    """Characters `start` to `end` of the text stand on page `page`."""

    start: int
    end: int
    page: int


class Pages:
    """What a text says about its pages: its marks, and the stretches of it whose page is certain."""

    def __init__(self, text: str) -> None:
        self.marks = _marks(text)
        self.spans = _page_spans(text, self.marks)
        self._starts = [span.start for span in self.spans]

    def page_of(self, span: Span) -> int | None:
        """The page the whole span stands on; None where the text does not tell, or the span crosses a page break."""
        at = bisect.bisect_right(self._starts, span.start) - 1
        if at < 0:
            return None
        known = self.spans[at]
        return known.page if known.start <= span.start and span.end <= known.end else None


def _marks(text: str) -> list[PageMark]:
    marks = [PageMark("header", int(m.group(1)), m.start(), _line_end(text, m.end()), of=int(m.group(2)))
             for m in _HEADER.finditer(text)]
    marks += _footers(text)
    return sorted(marks, key=lambda mark: mark.start)


def _footers(text: str) -> list[PageMark]:
    """Running footers: a line holding only a page number under the same title line, at least twice, numbers rising.

    A number alone on a line is often no page number (Region Sjælland's plan numbers its points so); a title
    repeated over rising numbers is what a running footer looks like.
    """
    by_title: dict[str, list[PageMark]] = {}
    for match in _NUMBER_LINE.finditer(text):
        title_end = match.start() - 1  # the line feed ending the line above
        if title_end <= 0:
            continue
        title_start = text.rfind("\n", 0, title_end) + 1
        title = text[title_start:title_end].strip()
        if title and not title.isdigit():
            by_title.setdefault(title, []).append(
                PageMark("footer", int(match.group(1)), title_start, _line_end(text, match.end())))
    footers: list[PageMark] = []
    for marks in by_title.values():
        pages = [mark.page for mark in marks]
        if len(marks) >= 2 and pages == sorted(set(pages)):
            footers.extend(marks)
    return footers


def _line_end(text: str, at: int) -> int:
    """The offset after the line feed that ends the line holding `at` (the text's end on its last line)."""
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1


@dataclass(frozen=True)
class _Stretch:
    """Text between two marks: where it starts and ends, where its own text (no mark lines) is, its first and last
    page where the marks tell them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    first: int | None
    last: int | None


def _page_spans(text: str, marks: list[PageMark]) -> list[PageSpan]:
    total = max((mark.of for mark in marks if mark.of is not None), default=None)
    stretches: list[_Stretch] = []
    start, inner_start, first = 0, 0, None
    for mark in marks:
        if mark.kind == "header":  # the header is the first line of its page
            stretches.append(_Stretch(start, mark.start, inner_start, mark.start, first, mark.page - 1))
            start, inner_start, first = mark.start, mark.end, mark.page
        else:  # the footer is the last lines of its page
            stretches.append(_Stretch(start, mark.end, inner_start, mark.start, first, mark.page))
            start, inner_start, first = mark.end, mark.end, mark.page + 1
    stretches.append(_Stretch(start, len(text), inner_start, len(text), first, total))
    spans: list[PageSpan] = []
    for stretch in stretches:
        spans.extend(_split(text, stretch))
    return spans


def _split(text: str, stretch: _Stretch) -> list[PageSpan]:
    first, last = stretch.first, stretch.last
    if first is None or last is None or last < first or first < 1:
        return _blocks_touching_marks(text, stretch)
    if first == last:
        return [PageSpan(stretch.start, stretch.end, first)]
    gaps = [gap for gap in _GAP.finditer(text, stretch.inner_start, stretch.inner_end)
            if _CONTENT.search(text, stretch.inner_start, gap.start())
            and _CONTENT.search(text, gap.end(), stretch.inner_end)]
    if len(gaps) != last - first:
        return _blocks_touching_marks(text, stretch)
    bounds = [stretch.start, *(edge for gap in gaps for edge in (gap.start(), gap.end())), stretch.end]
    return [PageSpan(bounds[2 * i], bounds[2 * i + 1], first + i) for i in range(last - first + 1)]


def _blocks_touching_marks(text: str, stretch: _Stretch) -> list[PageSpan]:
    """The block of lines just after the stretch's opening mark, on its first page, and the block just before its
    end, on its last page; none where the two are one block (it may hold the page break)."""
    first_content = _CONTENT.search(text, stretch.inner_start, stretch.inner_end)
    if first_content is None:
        return []
    last_content = stretch.inner_start + len(text[stretch.inner_start:stretch.inner_end].rstrip())
    opening = closing = None
    if stretch.first is not None and stretch.first >= 1:
        begin = max(stretch.inner_start, text.rfind("\n", 0, first_content.start()) + 1)
        blank = _BLANK_LINE.search(text, begin, last_content)
        opening = PageSpan(begin, blank.start() + 1 if blank else last_content, stretch.first)
    if stretch.last is not None and stretch.last >= 1:
        blanks = list(_BLANK_LINE.finditer(text, first_content.start(), last_content))
        closing = PageSpan(blanks[-1].end() if blanks else first_content.start(), last_content, stretch.last)
    if opening is not None and closing is not None and closing.start < opening.end:
        return []
    return [span for span in (opening, closing) if span is not None]
