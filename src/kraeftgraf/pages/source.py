"""The source viewer: a document's shipped text with line numbers, every quoted passage marked and linked.

/source/{document} shows the text as the quotes were located in it (data/sources/), one row per line with an
anchor (#L12); a passage is marked where the build located a quote, and the line it starts on lists the
resources it supports. /source/{document}#L120-L123 opens there (static/source.js marks a range of lines).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from rdflib import URIRef

from .. import resources
from ..engines.base import QueryEngine
from ..errors import SourceTextNotFoundError
from ..graph.source_folder import SourceFolder
from ..namespaces import ID
from .common import LANGUAGES, Labels, label, lang_suffix, link, page
from .texts import say

_DOCUMENT = """SELECT ?file ?original WHERE {
  ?document kg:sourceFile ?file .
  OPTIONAL { ?text a kg:SourceText ; dcterms:identifier ?name ; dcterms:source ?original
             FILTER(STR(?name) = STR(?file)) }
} LIMIT 1"""
# Every located quote of the document, with the resource it is evidence for (directly, or through a status claim).
_PASSAGES = """SELECT DISTINCT ?start ?end ?startLine ?endLine ?page ?resource WHERE {
  ?evidence kg:inDocument ?document ; oa:hasSelector ?position ; kg:startLine ?startLine ; kg:endLine ?endLine .
  ?position oa:start ?start ; oa:end ?end .
  { ?resource kg:hasEvidence ?evidence } UNION { ?resource kg:hasStatus/kg:hasEvidence ?evidence }
  FILTER(isIRI(?resource))
  OPTIONAL { ?evidence kg:page ?page }
}"""
_DOCUMENTS = "SELECT ?document WHERE { ?document kg:sourceFile ?file FILTER(isIRI(?document)) } ORDER BY ?document"


@dataclass(frozen=True)
class Passage:
    """A located quote: characters `start` to `end` of the text, its lines and page, the resources it supports."""

    start: int
    end: int
    start_line: int
    end_line: int
    page: int | None
    resources: tuple[str, ...]

    @property
    def lines(self) -> str:
        return f"L{self.start_line}" + (f"-L{self.end_line}" if self.end_line != self.start_line else "")


@dataclass(frozen=True)
class SourceView:
    """What the viewer shows: the document, its text, where the original is, the passages quoted from it."""

    document: str
    file_name: str
    text: str
    original: str | None
    passages: tuple[Passage, ...]
    labels: Labels
    lang: str


def shipped_texts() -> dict[str, str]:
    """The source texts shipped with kraeftgraf, by file name, each checked against its manifest checksum.

    Read where the request arrives: the query workers never read files.
    """
    folder = SourceFolder(resources.sources_dir())
    named = {path.name: folder.get(path.name) for path in sorted(folder.folder.glob("*.txt"))}
    return {name: source.text for name, source in named.items() if source is not None}


def describe_source(engine: QueryEngine, name: str, labels: Labels, *, texts: Mapping[str, str],
                    lang: str = "da") -> SourceView:
    """The document id:{name}'s text (from `texts`, by file name) and located quotes; SourceTextNotFoundError when
    the dataset names no such document or its text is not among them."""
    document = ID[name]
    rows = engine.query(_DOCUMENT, bindings={"document": document}).rows
    if not rows:
        raise SourceTextNotFoundError(name, _documents(engine), reason="the dataset names no such document "
                                                                           "with a kg:sourceFile")
    file_name = str(rows[0]["file"])
    shipped = texts.get(file_name)
    if shipped is None:
        raise SourceTextNotFoundError(name, _documents(engine),
                                         reason=f"its text {file_name} is not shipped with kraeftgraf")
    original = rows[0].get("original")
    return SourceView(document=str(document), file_name=file_name, text=shipped,
                      original=str(original) if original is not None else None,
                      passages=_passages(engine, document), labels=labels, lang=lang)


def _documents(engine: QueryEngine) -> list[str]:
    return [str(row["document"])[len(str(ID)):] for row in engine.query(_DOCUMENTS).rows
            if str(row["document"]).startswith(str(ID))]


def _passages(engine: QueryEngine, document: URIRef) -> tuple[Passage, ...]:
    found: dict[tuple[int, int, int, int, int | None], set[str]] = defaultdict(set)
    for row in engine.query(_PASSAGES, bindings={"document": document}).rows:
        page_number = row.get("page")
        key = (int(str(row["start"])), int(str(row["end"])), int(str(row["startLine"])), int(str(row["endLine"])),
               int(str(page_number)) if page_number is not None else None)
        found[key].add(str(row["resource"]))
    return tuple(Passage(start, end, first, last, number, tuple(sorted(supported)))
                 for (start, end, first, last, number), supported in sorted(found.items(), key=lambda i: i[0][:4]))


def render_source(view: SourceView, *, root: str) -> str:
    """The viewer's HTML page."""
    lang = view.lang
    title = label(view.document, view.labels, lang)
    original = (f'<a href="{escape(view.original)}" rel="noreferrer">{escape(view.original)}</a>' if view.original
                else say("source.unknown", lang))
    about = say("source.about", lang, file=f"<code>{escape(view.file_name)}</code>",
                document=link(view.document, view.labels, root=root, lang=lang), count=len(view.passages))
    head = [
        '<article class="source-viewer">',
        f"<h1>{escape(title)}</h1>",
        f'<p class="iri">{about}</p>',
        f'<p class="original">{say("source.original", lang, original=original)}</p>',
    ]
    starting: dict[int, list[Passage]] = defaultdict(list)
    for passage in view.passages:
        starting[passage.start_line].append(passage)
    rows = []
    offset = 0
    for number, line in enumerate(view.text.split("\n"), 1):
        notes = "".join(_note(p, view, root=root) for p in starting.get(number, ()))
        rows.append(f'<tr id="L{number}"><td class="line-number"><a href="#L{number}">{number}</a></td>'
                    f'<td class="line-text">{_marked(line, offset, view.passages)}</td>'
                    f'<td class="supports">{notes}</td></tr>')
        offset += len(line) + 1
    table = (f'<table class="source-text"><thead><tr><th>{say("source.line", lang)}</th>'
             f'<th>{say("source.text", lang)}</th><th>{say("source.quotedFor", lang)}</th></tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    slug = view.document[len(str(ID)):]
    alternates = {code: f"{root}/source/{slug}{lang_suffix(code)}" for code in LANGUAGES}
    return page(say("source.title", lang, title=title), "\n".join([*head, table, "</article>"]), root=root,
                lang=lang, scripts=("source.js",), alternates=alternates)


def _note(passage: Passage, view: SourceView, *, root: str) -> str:
    where = passage.lines + (say("source.page", view.lang, page=passage.page) if passage.page is not None else "")
    supported = ", ".join(link(iri, view.labels, root=root, lang=view.lang) for iri in passage.resources)
    return f'<p class="passage"><a href="#{passage.lines}">{escape(where)}</a>: {supported}</p>'


def _marked(line: str, offset: int, passages: Sequence[Passage]) -> str:
    """The line, escaped, with the characters that some passage covers inside <mark>."""
    end = offset + len(line)
    covering = [p for p in passages if p.start < end and offset < p.end]
    if not covering:
        return escape(line)
    cuts = sorted({0, len(line), *(max(0, min(len(line), edge - offset)) for p in covering
                                   for edge in (p.start, p.end))})
    parts = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(line[a:b])
        over = [p for p in covering if p.start < offset + b and offset + a < p.end]
        if over and piece:
            titles = "; ".join(p.lines for p in over)
            parts.append(f'<mark class="quote" title="{escape(titles)}">{piece}</mark>')
        else:
            parts.append(piece)
    return "".join(parts)
