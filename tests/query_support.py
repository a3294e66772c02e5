"""Helpers shared by the saved-query tests."""

from pathlib import Path

from rdflib import Graph, URIRef

from kraeftgraf.api import Value, plain_python
from kraeftgraf.engines.base import QueryResult, rows_as_tuples
from kraeftgraf.namespaces import KG

CURATED = Path(__file__).resolve().parent.parent / "data" / "ttl"


def plain_rows(result: QueryResult) -> list[tuple[Value, ...]]:
    """Rows as plain Python values, so engines that write the same decimal differently (72.0, 72) compare equal."""
    return [tuple(plain_python(value) for value in row) for row in rows_as_tuples(result)]


def number(value: Value) -> float:
    """A cell that must hold a number."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return value


def curated_data() -> Graph:
    """The curated Turtle files as written, parsed by rdflib alone (no build, no inference)."""
    graph = Graph()
    for path in sorted(CURATED.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def quotes_and_facts(data: Graph, document: str) -> tuple[int, int]:
    """How many kg:quote the document's evidence holds, and how many resources (IRIs) it is evidence for, directly
    or through a status claim, counted in the curated data."""
    evidence = set(data.subjects(KG.inDocument, URIRef(document)))
    quotes = [quote for node in evidence for quote in data.objects(node, KG.quote)]
    direct = {s for node in evidence for s in data.subjects(KG.hasEvidence, node)}
    through_status = {s for node in evidence for claim in data.subjects(KG.hasEvidence, node)
                      for s in data.subjects(KG.hasStatus, claim)}
    return len(quotes), len({s for s in direct | through_status if isinstance(s, URIRef)})
