"""Where each quote stands in its source text, computed when the dataset is built, in the W3C Web Annotation terms.

Every kg:quote is found in its document's source text with the quote check's own reading (white space collapsed,
a line-end hyphen joined as the quote has it), and its evidence node gets:

    oa:hasSource <the source text> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "..." ; oa:prefix "..." ; oa:suffix "..." ] ,
                   [ a oa:TextPositionSelector ; oa:start 1234 ; oa:end 1320 ] ;
    kg:startLine 31 ; kg:endLine 33 ;
    kg:page 2 .                    # only where the text marks its pages (see `pages`)

Offsets count Unicode characters of the text as shipped (`oa:end` excluded); `oa:exact` is that slice, line breaks
and all. A quote that stands in two places is put at the one nearest the other quotes of the same resource in the
same text (the first where there are none). A quote that is not in its text, a text that is missing, or a page
written by hand that the text contradicts stops the build, naming the data file and line.
"""

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..errors import QuotesNotLocatedError
from ..namespaces import KG, OA
from .locate import display_path
from .locations import Locator
from .pages import Pages
from .quotes import turtle_string
from .source_folder import SourceFile, SourceFolder
from .source_text import SourceText, Span
from .terms import owner_of, shorten

CONTEXT = 30  # characters of text kept before and after a quote in oa:prefix and oa:suffix


@dataclass(frozen=True)
class QuoteLocation:
    """Where one evidence node's quote stands: the text, the characters, the lines and, where known, the page."""

    evidence: Node
    text: URIRef
    span: Span
    start_line: int
    end_line: int
    exact: str
    prefix: str
    suffix: str
    page: int | None


@dataclass
class LocatedQuotes:
    """Every quote's location; how many stood in more than one place; the triples that say it."""

    locations: list[QuoteLocation] = field(default_factory=list)
    ambiguous: int = 0  # quotes found in more than one place
    ambiguous_unanchored: int = 0  # of those, quotes with no other quote of their resource to choose by

    @property
    def pages(self) -> int:
        return sum(location.page is not None for location in self.locations)

    def triples(self) -> Iterator[tuple[Node, URIRef, Node]]:
        """The locations as triples about the evidence nodes."""
        for location in self.locations:
            evidence, span = location.evidence, location.span
            quote, position = BNode(), BNode()
            yield evidence, OA.hasSource, location.text
            yield evidence, OA.hasSelector, quote
            yield evidence, OA.hasSelector, position
            yield quote, RDF.type, OA.TextQuoteSelector
            yield quote, OA.exact, Literal(location.exact)
            if location.prefix:
                yield quote, OA.prefix, Literal(location.prefix)
            if location.suffix:
                yield quote, OA.suffix, Literal(location.suffix)
            yield position, RDF.type, OA.TextPositionSelector
            # xsd:integer, not the xsd:nonNegativeInteger of the Web Annotation context: Oxigraph stores the latter
            # as the former, and every engine must give the same answers.
            yield position, OA.start, Literal(span.start, datatype=XSD.integer)
            yield position, OA.end, Literal(span.end, datatype=XSD.integer)
            yield evidence, KG.startLine, Literal(location.start_line, datatype=XSD.integer)
            yield evidence, KG.endLine, Literal(location.end_line, datatype=XSD.integer)
            if location.page is not None:
                yield evidence, KG.page, Literal(location.page, datatype=XSD.integer)


class _Text:
    """A source text prepared for locating: its normal forms, its line starts, its pages."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.check = SourceText(source.text)
        self.pages = Pages(source.text)
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", source.text))]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset)

    def location(self, evidence: Node, span: Span) -> QuoteLocation:
        text = self.source.text
        return QuoteLocation(
            evidence=evidence, text=self.source.iri, span=span,
            start_line=self.line_of(span.start), end_line=self.line_of(span.end - 1),
            exact=text[span.start:span.end], prefix=text[max(0, span.start - CONTEXT):span.start],
            suffix=text[span.end:span.end + CONTEXT], page=self.pages.page_of(span))


@dataclass(frozen=True)
class _Found:
    evidence: Node
    owner: Node
    text: _Text
    spans: list[Span]


def locate_quotes(data: Graph, sources: SourceFolder, *, locator: Locator | None = None) -> LocatedQuotes:
    """The location of every kg:quote of the data in its document's source text.

    QuotesNotLocatedError, naming the data file and line of each, when a quote is not in its text, its text is
    missing, or a kg:page written in the data is not the page the text puts the quote on.
    """
    texts: dict[str, _Text | None] = {}
    problems: list[tuple[str, int, str]] = []
    found: list[_Found] = []
    for evidence, quote in data.subject_objects(KG.quote):
        document = data.value(evidence, KG.inDocument)
        if document is None:
            continue  # the shapes require one; a build that located quotes has passed them
        name = str(data.value(document, KG.sourceFile) or "")
        if name not in texts:
            source = sources.get(name)
            texts[name] = _Text(source) if source is not None else None
        text = texts[name]
        reason = None
        if text is None:
            reason = (f"its document {shorten(document)} has no kg:sourceFile" if not name
                      else f"the source text {name} is not in {sources.folder}")
        else:
            spans = text.check.occurrences(str(quote))
            if spans:
                found.append(_Found(evidence, owner_of(data, evidence), text, spans))
            else:
                reason = f"the quote is not in its source text {name}"
        if reason:
            problems.append(_problem(locator, data, evidence, str(quote), reason))
    located = _choose(found)
    for location in located.locations:
        written = data.value(location.evidence, KG.page)
        if written is not None and (location.page is None or str(written) != str(location.page)):
            where = ("the text marks no page there" if location.page is None
                     else f"the text puts it on page {location.page}")
            problems.append(_problem(locator, data, location.evidence, str(data.value(location.evidence, KG.quote)),
                                     f"kg:page {written} is written, but {where}; leave kg:page out: it is computed"))
    if problems:
        raise QuotesNotLocatedError([text for _, _, text in sorted(problems)])
    return located


def _choose(found: list[_Found]) -> LocatedQuotes:
    """One place per quote: the only one, or the one nearest the same resource's other quotes in the same text."""
    anchors: dict[tuple[Node, str], list[int]] = defaultdict(list)
    for item in found:
        if len(item.spans) == 1:
            anchors[(item.owner, item.text.source.name)].append(item.spans[0].start)
    located = LocatedQuotes()
    for item in found:
        span = item.spans[0]
        if len(item.spans) > 1:
            located.ambiguous += 1
            near = anchors.get((item.owner, item.text.source.name))
            if near:
                span = min(item.spans, key=lambda s: min(abs(s.start - a) for a in near))
            else:
                located.ambiguous_unanchored += 1
        located.locations.append(item.text.location(item.evidence, span))
    return located


def _problem(locator: Locator | None, data: Graph, evidence: Node, quote: str, reason: str) -> tuple[str, int, str]:
    where = locator.statement(evidence, KG.quote) if locator else None
    path = display_path(where.path) if where else ""
    line = where.line if where else 0
    place = f"{path}:{line}" if path and line else path or "(no file)"
    return path, line, f"{place}: {shorten(owner_of(data, evidence))}: {turtle_string(quote)}: {reason}"
