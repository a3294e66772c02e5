"""Counts per class and per source document: what the graph holds, and from where."""

from dataclasses import dataclass

from rdflib import Graph

from ..namespaces import sparql_prologue
from .terms import shorten

# The kinds of fact a researcher counts, in the order they are shown.
FACT_CLASSES = (
    "kg:Recommendation", "kg:PlanPoint", "kg:ActionArea", "kg:SuggestedQuestion", "kg:DefinedTerm",
    "kg:Initiative", "kg:StatusClaim", "kg:Figure", "kg:Target", "kg:Ambition", "kg:MonetaryAmount",
    "kg:NationalProgramme", "kg:Workshop", "kg:Evidence",
)
REFERENCE_CLASSES = (
    "kg:Region", "kg:Hospital", "kg:HospitalDepartment", "kg:Municipality", "kg:PlanningArea",
    "kg:NationalAuthority", "kg:Association", "org:Organization", "kg:Plan", "kg:SourceDocument",
    "kg:Theme", "kg:Status",
)


@dataclass(frozen=True)
class Stats:
    """Fact counts per document (column) and class (row), plus totals of reference things."""

    documents: list[str]
    per_document: dict[str, dict[str, int]]
    totals: dict[str, int]
    triples: int


def compute_stats(graph: Graph) -> Stats:
    """Count facts per source document (a fact counts for each document that gives evidence for it)."""
    values = " ".join(FACT_CLASSES)
    per_document: dict[str, dict[str, int]] = {}
    rows = graph.query(sparql_prologue() + f"""
        SELECT ?document ?class (COUNT(DISTINCT ?thing) AS ?n) WHERE {{
            VALUES ?class {{ {values} }}
            ?thing a ?class .
            {{ ?thing kg:hasEvidence/kg:inDocument ?document }} UNION {{ ?thing kg:inDocument ?document }}
        }} GROUP BY ?document ?class""")
    for document, cls, count in rows:  # type: ignore[misc]
        per_document.setdefault(shorten(document), {})[shorten(cls)] = int(str(count))
    totals = {}
    for cls in (*FACT_CLASSES, *REFERENCE_CLASSES):
        result = graph.query(sparql_prologue() + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")
        totals[cls] = int(str(next(iter(result))[0]))  # type: ignore[index]
    documents = sorted(per_document)
    return Stats(documents=documents, per_document=per_document, totals=totals, triples=len(graph))


def stats_table(stats: Stats) -> list[list[str]]:
    """The stats as rows of text: class, one column per document, total."""
    header = ["class", *[d.removeprefix("id:document-") for d in stats.documents], "total"]
    rows = [header]
    for cls in FACT_CLASSES:
        rows.append([cls, *[str(stats.per_document[d].get(cls, 0)) for d in stats.documents],
                     str(stats.totals[cls])])
    for cls in REFERENCE_CLASSES:
        rows.append([cls, *["" for _ in stats.documents], str(stats.totals[cls])])
    rows.append(["triples", *["" for _ in stats.documents], str(stats.triples)])
    return rows

