"""Search results as JSON (for the web page and scripts) and CSV (one row per hit), the same over HTTP and the CLI."""

import csv
import io
import json
from typing import Any

from ..links import has_viewer_slug, source_href
from .index import DocumentRef, SearchHit, SearchResults
from .snippets import marked_text

CSV_COLUMNS = ("resource", "label", "class", "classLabel", "field", "lang", "snippet", "document", "documentLabel",
               "evidence", "page", "startLine", "endLine", "sourceLink", "score")


def results_json(results: SearchResults, *, root: str = "") -> dict[str, Any]:
    """The search, how many texts matched, the documents that say it in their own words, and the hits shown.

    `root` is the endpoint's root path, which each link into the source viewer starts with.
    """
    return {
        "text": results.query.text,
        "terms": [{"kind": t.kind, "stems": list(t.parts)} for t in results.query.terms],
        "total": results.total,
        "documents": [{"iri": d.iri, "label": d.label, "in": d.found_in, "facts": d.facts, "text": d.text,
                       "passages": d.passages} for d in results.documents],
        "hits": [hit_json(hit, root=root) for hit in results.hits],
    }


def hit_json(hit: SearchHit, *, root: str = "") -> dict[str, Any]:
    """One hit: the snippet as runs of text (`match` marks the found words) and as Markdown (**found**); each
    document with lines has a link to them in the source viewer."""
    return {
        "resource": hit.resource, "label": hit.label, "class": hit.class_iri, "classLabel": hit.class_label,
        "field": hit.field, "lang": hit.lang,
        "snippet": [{"text": s.text, "match": s.match} for s in hit.snippet],
        "snippetMarked": marked_text(hit.snippet),
        "text": hit.text,
        "documents": [_document_json(d, root) for d in hit.documents],
        "score": round(hit.score, 4),
    }


def results_bytes(results: SearchResults, format_name: str, *, root: str = "") -> bytes:
    """The results as UTF-8 JSON or CSV."""
    if format_name == "csv":
        return results_csv(results, root=root).encode("utf-8")
    return json.dumps(results_json(results, root=root), ensure_ascii=False).encode("utf-8")


def source_link(document: DocumentRef, *, root: str = "") -> str | None:
    """The source viewer at the document's lines, where the hit has lines and the document a viewer name."""
    if document.start_line is None or not has_viewer_slug(document.iri):
        return None
    end = document.end_line if document.end_line is not None else document.start_line
    return source_href(document.iri, document.start_line, end, root=root)


def results_csv(results: SearchResults, *, root: str = "") -> str:
    """One row per hit; several documents are joined (IRIs by spaces, labels by "; "), a location only for one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(CSV_COLUMNS)
    for hit in results.hits:
        only = hit.documents[0] if len(hit.documents) == 1 else DocumentRef("", "")
        writer.writerow([
            hit.resource, hit.label, hit.class_iri or "", hit.class_label or "", hit.field, hit.lang,
            marked_text(hit.snippet), " ".join(d.iri for d in hit.documents), "; ".join(d.label for d in hit.documents),
            only.evidence or "", _blank(only.page), _blank(only.start_line), _blank(only.end_line),
            source_link(only, root=root) or "", f"{hit.score:.4f}",
        ])
    return out.getvalue()


def _document_json(document: DocumentRef, root: str) -> dict[str, Any]:
    return {"iri": document.iri, "label": document.label, "evidence": document.evidence, "page": document.page,
            "startLine": document.start_line, "endLine": document.end_line,
            "sourceLink": source_link(document, root=root)}


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)
