"""Search results as JSON (for the web page and scripts) and CSV (one row per hit), the same over HTTP and the CLI."""

import csv
import io
import json
from typing import Any

from .index import DocumentRef, SearchHit, SearchResults
from .snippets import marked_text

CSV_COLUMNS = ("resource", "label", "class", "classLabel", "field", "lang", "snippet", "document", "documentLabel",
               "evidence", "page", "startLine", "endLine", "score")


def results_json(results: SearchResults) -> dict[str, Any]:
    """The search, how many texts matched, the documents that say it in their own words, and the hits shown."""
    return {
        "text": results.query.text,
        "terms": [{"kind": t.kind, "stems": list(t.parts)} for t in results.query.terms],
        "total": results.total,
        "documents": [{"iri": d.iri, "label": d.label, "passages": d.passages} for d in results.documents],
        "hits": [hit_json(hit) for hit in results.hits],
    }


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """One hit: the snippet as runs of text (`match` marks the found words) and as Markdown (**found**)."""
    return {
        "resource": hit.resource, "label": hit.label, "class": hit.class_iri, "classLabel": hit.class_label,
        "field": hit.field, "lang": hit.lang,
        "snippet": [{"text": s.text, "match": s.match} for s in hit.snippet],
        "snippetMarked": marked_text(hit.snippet),
        "text": hit.text,
        "documents": [_document_json(d) for d in hit.documents],
        "score": round(hit.score, 4),
    }


def results_bytes(results: SearchResults, format_name: str) -> bytes:
    """The results as UTF-8 JSON or CSV."""
    if format_name == "csv":
        return results_csv(results).encode("utf-8")
    return json.dumps(results_json(results), ensure_ascii=False).encode("utf-8")


def results_csv(results: SearchResults) -> str:
    """One row per hit; several documents are joined (IRIs by spaces, labels by "; "), a location only for one."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(CSV_COLUMNS)
    for hit in results.hits:
        only = hit.documents[0] if len(hit.documents) == 1 else DocumentRef("", "")
        writer.writerow([
            hit.resource, hit.label, hit.class_iri or "", hit.class_label or "", hit.field, hit.lang,
            marked_text(hit.snippet), " ".join(d.iri for d in hit.documents), "; ".join(d.label for d in hit.documents),
            only.evidence or "", _blank(only.page), _blank(only.start_line), _blank(only.end_line), f"{hit.score:.4f}",
        ])
    return out.getvalue()


def _document_json(document: DocumentRef) -> dict[str, Any]:
    return {"iri": document.iri, "label": document.label, "evidence": document.evidence, "page": document.page,
            "startLine": document.start_line, "endLine": document.end_line}


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)
