"""The SPARQL 1.1 Protocol's query operation: reading a request, content negotiation, the service description."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qsl

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..engines.base import DatasetSelection, QueryForm
from ..errors import NotAcceptableError, ProtocolError
from ..queries.formats import FORMATS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")

QUERY_MEDIA_TYPE = "application/sparql-query"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
UPDATE_MEDIA_TYPE = "application/sparql-update"

Choice = TypeVar("Choice")

# (media type a client may ask for, format name in formats.FORMATS); the first is what */* gets.
TABLE_OFFERS: tuple[tuple[str, str], ...] = (
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
    ("application/json", "json"), ("application/xml", "xml"), ("text/xml", "xml"),  # what generic clients ask
)
GRAPH_OFFERS: tuple[tuple[str, str], ...] = (
    ("text/turtle", "turtle"), ("application/x-turtle", "turtle"), ("application/turtle", "turtle"),
    ("application/n-triples", "nt"), ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
    ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
)
_W3C_FORMAT_NAMES = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                     "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD",
                     "rdfxml": "RDF_XML"}


@dataclass(frozen=True)
class ProtocolRequest:
    """A query operation as the client sent it; no query means "describe the service"."""

    query: str | None
    dataset: DatasetSelection | None


@dataclass(frozen=True)
class DatasetSummary:
    """The served dataset's named graphs and their sizes, for the service description and FROM checks."""

    graphs: Mapping[str, int]
    triples: int
    origin: str  # where the data came from, in words


def negotiate(accept: str | None, offers: Sequence[tuple[str, Choice]], *,
              only_by_name: Collection[str] = ()) -> Choice | None:
    """The offer the Accept header rates highest (ties go to the earlier offer); None when it accepts none.

    The media types in `only_by_name` count only when the header names them, not through */* or type/*.
    """
    ranges = _media_ranges(accept or "*/*")
    best: Choice | None = None
    best_q = 0.0
    for media_type, choice in offers:
        q = _quality(media_type, ranges, by_name_only=media_type in only_by_name)
        if q > best_q:
            best, best_q = choice, q
    return best


def result_format(accept: str | None, form: QueryForm) -> str:
    """The name of the format (in formats.FORMATS) to answer a query of this form in; NotAcceptableError if none."""
    offers = TABLE_OFFERS if form in ("SELECT", "ASK") else GRAPH_OFFERS
    chosen = negotiate(accept, offers)
    if chosen is None:
        raise NotAcceptableError(f"{form} results", accept or "", _canonical(offers))
    return chosen


def media_type(format_name: str) -> str:
    """The Content-Type for a format: its media type, with the charset for text types."""
    value = FORMATS[format_name].media_type
    return f"{value}; charset=utf-8" if value.startswith("text/") else value


def read_query_request(method: str, content_type: str | None, url_params: Sequence[tuple[str, str]],
                             body: bytes) -> ProtocolRequest:
    """The query operation in a GET or POST, checked the way the SPARQL 1.1 Protocol says; ProtocolError if not."""
    params = list(url_params)
    if method in ("GET", "HEAD"):
        return _from_params(params, allow_no_query=True)
    media, charset = _content_type(content_type)
    if media is None:
        raise ProtocolError(
            f"A POST needs a Content-Type: {FORM_MEDIA_TYPE} (query=... in the body) or {QUERY_MEDIA_TYPE} "
            "(the query itself as the body).")
    if media == UPDATE_MEDIA_TYPE:
        raise ProtocolError("This endpoint is read-only and does not accept SPARQL Update.")
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(f"The body is in {charset}; send it as UTF-8 (charset=utf-8).")
    if media == FORM_MEDIA_TYPE:
        try:
            form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise ProtocolError("The form body is not UTF-8; send it percent-encoded as UTF-8.") from exc
        return _from_params([*params, *form], allow_no_query=False)
    if media == QUERY_MEDIA_TYPE:
        if any(name == "query" for name, _ in params):
            raise ProtocolError("The query is in the body; do not give a query= parameter as well.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("The query in the body is not UTF-8; send it as UTF-8.") from exc
        return ProtocolRequest(query=text, dataset=_dataset(params))
    raise ProtocolError(
        f"Content-Type {media} is not a query operation; use {FORM_MEDIA_TYPE} or {QUERY_MEDIA_TYPE}.")


def _from_params(params: Sequence[tuple[str, str]], *, allow_no_query: bool) -> ProtocolRequest:
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise ProtocolError("This endpoint is read-only and does not accept SPARQL Update.")
    queries = [value for name, value in params if name == "query"]
    if len(queries) > 1:
        raise ProtocolError(f"The request has {len(queries)} query parameters; send exactly one.")
    if not queries:
        if allow_no_query and not _dataset(params):
            return ProtocolRequest(query=None, dataset=None)
        raise ProtocolError("The request has no query parameter; send query=... with the SPARQL query.")
    return ProtocolRequest(query=queries[0], dataset=_dataset(params))


def _dataset(params: Sequence[tuple[str, str]]) -> DatasetSelection | None:
    default = tuple(value for name, value in params if name == "default-graph-uri")
    named = tuple(value for name, value in params if name == "named-graph-uri")
    return DatasetSelection(default_graphs=default, named_graphs=named) if default or named else None


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.strip():
        return None, None
    media, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _media_ranges(accept: str) -> list[tuple[str, str, float]]:
    ranges = []
    for item in accept.split(","):
        media, *parameters = item.split(";")
        kind, _, subtype = media.strip().lower().partition("/")
        if not kind or not subtype:
            continue
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((kind, subtype, q))
    return ranges


def _quality(media_type: str, ranges: Sequence[tuple[str, str, float]], *, by_name_only: bool = False) -> float:
    """The q of the most specific range that matches the media type (RFC 9110, 12.5.1)."""
    kind, _, subtype = media_type.partition("/")
    best_specificity, q = -1, 0.0
    for range_kind, range_subtype, range_q in ranges:
        if range_kind == kind and range_subtype == subtype:
            specificity = 2
        elif by_name_only:
            continue
        elif range_kind == kind and range_subtype == "*":
            specificity = 1
        elif range_kind == "*" and range_subtype == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity or (specificity == best_specificity and range_q > q):
            best_specificity, q = specificity, range_q
    return q


def _canonical(offers: Sequence[tuple[str, str]]) -> list[str]:
    return sorted({FORMATS[name].media_type for _, name in offers})


def service_description(endpoint: str, summary: DatasetSummary, *, notes: Sequence[str]) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint: what it speaks and which graphs it holds."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", W3C_FORMATS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in dict.fromkeys(name for _, name in (*TABLE_OFFERS, *GRAPH_OFFERS)):
        graph.add((service, SD.resultFormat, W3C_FORMATS[_W3C_FORMAT_NAMES[name]]))
    for note in notes:
        graph.add((service, RDFS.comment, Literal(note, lang="en")))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.comment, Literal(summary.origin, lang="en")))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(summary.triples, datatype=XSD.integer)))
    for name, size in sorted(summary.graphs.items()):
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(size, datatype=XSD.integer)))
    return graph
