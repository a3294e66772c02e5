"""GET /api/lookup: resources by the start of the words of their labels, for search-as-you-type fields."""

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response

from ..errors import ProtocolError, SearchFilterError
from ..namespaces import PREFIXES
from ..search.labels import DEFAULT_LIMIT, MAX_LIMIT, MAX_TEXT, LabelTable
from ..search.query import expand_name
from .api_parameters import label_language, single_parameters, whole_number
from .workers import Answer, WorkerContext

_PARAMETERS = ("text", "class", "lang", "limit")


@dataclass(frozen=True)
class LookupJob:
    """One lookup, run in a worker against its label table (built once per worker from the dataset)."""

    text: str
    cls: str | None
    lang: str
    limit: int

    def run(self, context: WorkerContext) -> Answer:
        table = context.memo("label-table", lambda: LabelTable.from_engine(context.engine))
        found = table.lookup(self.text, of_class=self.cls, lang=self.lang, limit=self.limit)
        body = json.dumps([item.as_json() for item in found], ensure_ascii=False)
        return Answer("application/json", body.encode("utf-8"))


def add_lookup_routes(app: FastAPI, run: Callable[[Request, Any], Awaitable[Response]]) -> None:
    """Register GET /api/lookup."""

    @app.get("/api/lookup", tags=["search"], summary="Resources by the start of the words of their labels",
             description=_DESCRIPTION, response_class=Response, openapi_extra={"parameters": _OPENAPI_PARAMETERS},
             responses={200: {"content": {"application/json": {}}},
                        400: {"description": "A parameter that does not fit, named in the message."}})
    async def lookup(request: Request) -> Response:
        return await run(request, lookup_job(request.query_params.multi_items()))


def lookup_job(items: Sequence[tuple[str, str]]) -> LookupJob:
    """The lookup a request's parameters ask for; ProtocolError, in words, for parameters that do not fit."""
    given = single_parameters(items, _PARAMETERS, "/api/lookup")
    text = given.get("text", "")
    if len(text) > MAX_TEXT:
        raise ProtocolError(f"text= is {len(text)} characters long; give at most {MAX_TEXT} (the start of a label).")
    lang = label_language(given.get("lang") or "da")
    cls = given.get("class") or None
    try:
        class_iri = expand_name("class", cls, PREFIXES) if cls else None
    except SearchFilterError as exc:
        raise ProtocolError(str(exc)) from exc
    limit = whole_number("limit", given.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT, counting="resources")
    return LookupJob(text=text, cls=class_iri, lang=lang, limit=limit)


_DESCRIPTION = """The resources of the dataset one of whose labels (rdfs:label, skos:prefLabel, skos:altLabel, or a
document's citation label, in Danish or English) has every word of `text` at the start of one of its words, best
first: a label that begins with the whole text, then shorter labels. Case, accents and æ/ø/å spellings are ignored,
so `pall` finds Palliation and `tidlig ops` Tidlig opsporing. `class` keeps the instances of a class (subclasses
included); an empty text lists them all, up to `limit`. Each answer gives the IRI, the label in the language asked
for (the other as fallback), the label's language, and the resource's most specific class with its label.
For whole-word search over every text of the documents, use /api/search."""

_OPENAPI_PARAMETERS: list[dict[str, Any]] = [
    {"name": "text", "in": "query", "required": False, "schema": {"type": "string", "maxLength": MAX_TEXT,
                                                                   "example": "pall"},
     "description": "What has been typed: every word must begin a word of a label."},
    {"name": "class", "in": "query", "required": False, "schema": {"type": "string", "format": "iri"},
     "description": "Only instances of this class, subclasses included (IRI or kg:...)."},
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["da", "en"]},
     "description": "The language of the labels shown (da by default)."},
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
     "description": "How many resources to give, best first."},
]
