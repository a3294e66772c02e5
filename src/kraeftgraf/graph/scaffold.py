"""Start a document's data file: header, prefixes, its document and plan, and a commented stub per item found.

The stubs stand in the order of the text, each under a comment naming the line it came from, with a
kg:quote cut verbatim from there (it passes the quote check as it stands) and TODO wherever a person decides.
Uncommenting a stub (taking "# " off each of its lines) gives valid Turtle.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ..namespaces import KG
from .quotes import QUOTE_LENGTH, IndexedText, fold, turtle_string
from .terms import shorten

# The prefixes every document file declares, in their usual order.
DATA_PREFIXES = {
    "kg": str(KG),
    "id": "https://w3id.org/kraeftgraf/id/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
}
_RULE = "#" * 65
_HEADINGS = (
    ("recommendation", re.compile(r"[ \t]*Anbefaling[ \t]+(\d{1,2}|[A-Z]|[IVX]{1,5})\b[ \t]*:?[ \t]*(.*)")),
    ("point", re.compile(r"[ \t]*Punkt[ \t]+(\d{1,2})\b[ \t]*[.:]?[ \t]*(.*)")),
    ("track", re.compile(r"[ \t]*Spor[ \t]+(\d{1,2})[ \t]*:[ \t]*(.*)")),
    ("numbered", re.compile(r"[ \t]*(\d{1,2})\.(?:[ \t]+(.*))?")),
    ("bullet", re.compile(r"[ \t]*(?:[•\uf0b7▪◦‣]|[-–](?=[ \t])|o(?=\t))()[ \t\ufffd\ue000-\uf8ff]*(.*)")),
)
_JUNK = re.compile("[\ufffd\ue000-\uf8ff]")
_PAGE = re.compile(r"[ \t]*Side[ \t]+\d+[ \t]+af[ \t]+\d+[ \t]*")
_MAX_LINES = 15  # an item's text is looked for this far at most


@dataclass(frozen=True)
class DocumentInfo:
    """A source document as the reference data describes it."""

    iri: str  # id:document-...
    kind: str  # kg:PlanDocument, kg:StatusReport, kg:Newsletter, kg:GuidanceDocument
    title: str
    plans: tuple[str, ...]
    source_file: str


@dataclass(frozen=True)
class Item:
    """A numbered heading or a bullet of the text, with the words that follow it."""

    kind: str  # recommendation, point, track, numbered, bullet
    number: str
    line: int
    heading: str  # the heading line, white space collapsed, without the glyphs extraction left
    title: str  # what stands after the number on the heading line
    quote: str  # the item's text as a quote of at most QUOTE_LENGTH characters; "" when there is none
    text: str  # the item's whole text


def find_document(data: Graph, source_file: str) -> DocumentInfo | None:
    """The document whose kg:sourceFile is this file name, with the plans it describes."""
    for document in data.subjects(KG.sourceFile, Literal(source_file)):
        if not isinstance(document, URIRef):
            continue
        kinds = sorted(shorten(o) for o in data.objects(document, RDF.type))
        title = next((str(o) for o in data.objects(document, DCTERMS.title)), "")
        plans = tuple(sorted(shorten(o) for o in data.objects(document, KG.describesPlan)))
        return DocumentInfo(iri=shorten(document), kind=kinds[0] if kinds else "", title=title, plans=plans,
                            source_file=source_file)
    return None


def find_items(text: IndexedText) -> list[Item]:
    """The numbered headings ("Anbefaling 5", "Punkt 3", "Spor 1:", "1.") and bullets of the text, in order."""
    lines = text.text.splitlines()
    items = []
    for number, line in enumerate(lines, start=1):
        found = _heading(line)
        if found is None:
            continue
        kind, label, title = found
        if kind == "numbered" and not title:
            quote = full = ""  # a number alone: its heading stands elsewhere in the extracted layout
        else:
            quote, full = _item_text(text, lines, number, kind, title)
        heading = " ".join(_JUNK.sub(" ", line).split())
        items.append(Item(kind=kind, number=label, line=number, heading=heading, title=title,
                          quote=quote, text=full))
    return items


def scaffold(source: Path, text: IndexedText, document: DocumentInfo | None) -> str:
    """The new data file's text: every statement in it commented out, ready to uncomment and fill."""
    out: list[str] = [f"@prefix {name}:{' ' * (8 - len(name))}<{iri}> ." for name, iri in DATA_PREFIXES.items()]
    out.append("")
    items = find_items(text)
    out += _header(source, text, document, items)
    out += _document_section(source, document)
    plan = document.plans[0] if document and document.plans else "id:plan-TODO"
    document_iri = document.iri if document else "id:document-TODO"
    guidance = document is not None and document.kind == "kg:GuidanceDocument"
    context = _Context(plan=plan, document=document_iri, guidance=guidance,
                       has_tracks=any(i.kind == "track" for i in items))
    if items:
        out += ["", _RULE, "# Items found in the text, in its order (delete the stubs you do not keep)", _RULE]
    bullets_in_row = 0
    track: Item | None = None
    for item in items:
        bullets_in_row = bullets_in_row + 1 if item.kind == "bullet" else 0
        out.append("")
        out += _stub(item, context, bullets_in_row, track)
        track = item if item.kind == "track" else track
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class _Context:
    plan: str
    document: str
    guidance: bool
    has_tracks: bool

    @property
    def plan_slug(self) -> str:
        return self.plan.removeprefix("id:").removeprefix("plan-")


def _heading(line: str) -> tuple[str, str, str] | None:
    if _PAGE.fullmatch(line):
        return None
    for kind, pattern in _HEADINGS:
        match = pattern.fullmatch(line)
        if match:
            return kind, match.group(1), " ".join((match.group(2) or "").split())
    return None


def _item_text(text: IndexedText, lines: list[str], number: int, kind: str, title: str) -> tuple[str, str]:
    """The item's words: from its heading (a bullet: after the mark) up to a blank line or the next item."""
    if title:
        first = number
        line = lines[number - 1]
        offset = text.line_start(number) + (line.index(title.split()[0]) if kind == "bullet" else 0)
    else:
        first = next((n for n in range(number + 1, min(len(lines), number + _MAX_LINES) + 1)
                      if lines[n - 1].strip()), 0)
        if not first or _heading(lines[first - 1]) is not None:
            return "", ""
        offset = text.line_start(first)
    last = first
    while last < len(lines) and last - first < _MAX_LINES:
        following = next((n for n in range(last + 1, len(lines) + 1) if lines[n - 1].strip()), None)
        if following is None or _heading(lines[following - 1]) is not None:
            break
        continues = lines[last - 1].rstrip().endswith("-") or lines[following - 1].lstrip()[:1].islower()
        if following > last + 1 and not continues:
            break
        last = following
    end = text.line_start(last) + len(lines[last - 1])
    whole = text.passage(offset, end)
    short = text.passage(offset, end, max_length=QUOTE_LENGTH)
    return (short.quote if short else ""), (whole.quote if whole else "")


def _header(source: Path, text: IndexedText, document: DocumentInfo | None, items: list[Item]) -> list[str]:
    out = []
    if document:
        title = f'"{document.title}"' if document.title else "TODO: the document's title"
        out += [f"# Source: {title}", f"# ({document.iri}, seed {source.name})."]
        plans = ", ".join(document.plans) or "TODO"
        out += [f"# The document and its plan ({plans}) are described in the reference data;",
                "# this file adds what the document says."]
    else:
        opening = " ".join(text.text.split())[:80]
        out += ["# Source: TODO: the document's title", f"# (id:document-TODO, seed {source.name}).",
                f"# The text begins: {opening}"]
    pages = [n for n, line in enumerate(text.text.splitlines(), start=1) if _PAGE.fullmatch(line)]
    out.append("#")
    if pages:
        shown = ", ".join(map(str, pages[:10])) + (" ..." if len(pages) > 10 else "")
        out.append(f"# Page markers (\"Side N af M\") at line(s) {shown}: give kg:page where the text shows it.")
    else:
        out.append("# The text shows no \"Side N af M\" page markers: leave kg:page out unless a page number shows.")
    counts = {kind: sum(1 for i in items if i.kind == kind) for kind in dict.fromkeys(i.kind for i in items)}
    found = ", ".join(f"{count} {kind}" for kind, count in counts.items()) or "no numbered headings or bullets"
    out += [
        "# TODO: say what this file covers, how the layout was read, and what is left out and why.",
        "#",
        f"# Scaffolded by `kraeftgraf new-document` from {source.name} (found: {found}).",
        "# Each stub is commented out: keep one by taking \"# \" off the start of its lines (its \"##\" notes stay",
        "# comments), fill in its placeholders, delete the rest. Stub IRIs spell out the plan's slug: shorten it",
        "# as the patterns in data/CURATION.md do (id:point-sjaelland-8-punktsplan-7, id:action-area-kb-vejledning-2).",
        "# Look up IRIs before minting one (`kraeftgraf lookup WORDS data/ttl`), get quotes with",
        "# `kraeftgraf find-quote SOURCE \"rough words\"`, then run `kraeftgraf validate` and",
        "# `kraeftgraf verify-sources --sources DIR`.",
    ]
    return out


def _document_section(source: Path, document: DocumentInfo | None) -> list[str]:
    if document is not None:
        plan = document.plans[0] if document.plans else "id:plan-TODO"
        return [
            "", _RULE, f"# The plan ({plan}, from the reference data): what this document says about it", _RULE,
            "", f"## the plan, {plan}",
            f"# {plan}",
            '#     dcterms:description "TODO"@da ;',
            "#     kg:addressesTheme id:theme-TODO ;",
            f"#     kg:hasEvidence [ a kg:Evidence ; kg:inDocument {document.iri} ;",
            '#         kg:quote "TODO"@da ] .',
        ]
    return [
        "", _RULE,
        f"# No kg:sourceFile in the reference data names {source.name} yet. Describe the document and its plan",
        "# in data/ttl/reference-documents.ttl (not in this file): move these two stubs there and fill them.",
        _RULE,
        "", "## the document (kg:PlanDocument, kg:StatusReport, kg:Newsletter or kg:GuidanceDocument)",
        "# id:document-TODO a kg:PlanDocument ;",
        '#     rdfs:label "TODO"@da , "TODO"@en ;',
        '#     dcterms:title "TODO"@da ;',
        '#     dcterms:bibliographicCitation "TODO: issuer year, short title (year from the text, else (u.å.))"@da ;',
        '#     kg:issuedBy id:TODO ; dcterms:language "da" ;',
        "#     kg:describesPlan id:plan-TODO ;",
        f"#     kg:sourceFile {turtle_string(source.name)} .",
        "", "## the plan (kg:RegionalPlan, kg:NationalPlan or kg:PolicyGuidance), unless it is there already",
        "# id:plan-TODO a kg:RegionalPlan ;",
        '#     rdfs:label "TODO"@da , "TODO"@en ;',
        "#     kg:issuedBy id:TODO .",
    ]


def _stub(item: Item, context: _Context, bullets_in_row: int, track: Item | None) -> list[str]:
    shown = item.heading if len(item.heading) <= 70 else item.heading[:69] + "…"
    out = [f"## line {item.line}: {shown}"]
    if item.kind == "numbered" and not item.title:
        out.append("## The number stands alone on its line: the PDF put its heading elsewhere. Find the heading in the")
        out.append("## PDF, then `kraeftgraf find-quote SOURCE \"words of the heading\"` gives its line and quote.")
    if item.kind in ("recommendation", "point", "numbered") and track is not None:
        out.append(f"## The last track heading above it is line {track.line}, {track.heading!r}: check it applies.")
    quote = _literal(item.quote)
    number = item.number
    slug = context.plan_slug
    evidence = [f"#     kg:hasEvidence [ a kg:Evidence ; kg:inDocument {context.document} ;"
                + (f' kg:numberInDocument "{number}" ;' if item.kind != "bullet" else ""),
                f"#         kg:quote {quote}@da ] ."]
    if item.kind == "track":
        return out + [
            f"# id:track-{slug}-spor-{number} a kg:Track ;",
            f"#     rdfs:label {_literal(item.heading)}@da , \"Track {number}: TODO\"@en ;",
            f'#     skos:notation "{number}" ;',
            f"#     kg:inPlan {context.plan} ;",
            "#     kg:addressesTheme id:theme-TODO ;",
            *evidence]
    if item.kind == "bullet":
        if context.guidance:
            return out + [
                f"# id:question-{slug}-TODO-{bullets_in_row} a kg:SuggestedQuestion ;",
                '#     rdfs:label "TODO"@da , "TODO"@en ;',
                f"#     kg:partOfItem id:action-area-{slug}-TODO ;",
                f"#     kg:text {_literal(item.text)}@da ;",
                "#     kg:addressesTheme id:theme-TODO ;",
                *evidence]
        return out + [
            f"# id:initiative-{slug}-{_slug(item.title)} a kg:Initiative ;",
            '#     rdfs:label "TODO"@da , "TODO"@en ;',
            '#     dcterms:description "TODO"@da ;',
            "#     kg:implements id:TODO ;",
            "#     kg:responsibleOrganisation id:TODO ;",
            "#     kg:addressesTheme id:theme-TODO ;",
            evidence[0],
            f"#         kg:quote {quote}@da ] ;",
            '#     kg:hasStatus [ a kg:StatusClaim ; kg:statusText "TODO"@da ; kg:status id:status-TODO ;',
            f"#         kg:hasEvidence [ a kg:Evidence ; kg:inDocument {context.document} ;",
            '#             kg:quote "TODO"@da ] ] .']
    if item.kind == "recommendation":
        subject, kind = f"id:recommendation-{slug}-{number.lower()}", "kg:Recommendation"
        labels = f'"Anbefaling {number}: TODO"@da , "Recommendation {number}: TODO"@en'
    elif context.guidance:
        subject, kind = f"id:action-area-{slug}-{number}", "kg:ActionArea"
        labels = f'{_literal(item.title)}@da , "TODO"@en'
    else:
        subject, kind = f"id:point-{slug}-{number}", "kg:PlanPoint"
        labels = f'{_literal(item.title)}@da , "TODO"@en'
    return out + [
        f"# {subject} a {kind} ;",
        f"#     rdfs:label {labels} ;",
        f'#     skos:notation "{number}" ;',
        f"#     kg:inPlan {context.plan} ;",
        *(["#     kg:inTrack id:TODO ;"] if context.has_tracks else []),
        f"#     kg:text {_literal(item.title if item.kind != 'recommendation' and item.title else item.text)}@da ;",
        "#     kg:addressesTheme id:theme-TODO ;",
        *evidence]


def _literal(text: str) -> str:
    return turtle_string(text or "TODO")


def _slug(text: str, words: int = 5) -> str:
    """ASCII, lower case, hyphens: the first words of a text, as the project's IRIs are spelt."""
    parts = re.findall(r"[a-z0-9]+", fold(text))[:words]
    return "-".join(parts) or "TODO"
