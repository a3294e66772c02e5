"""The Python API: open the knowledge graph once, then ask saved or ad-hoc questions and get rows back.

    import kraeftgraf
    kg = kraeftgraf.open()
    rows = kg.query("plan-items-by-theme", theme="id:theme-palliation")
    rows[0]["itemLabel"]          # plain Python values: IRIs and texts as str, numbers as int/float
    rows.to_dataframe()           # needs pandas (optional)
    kg.search("pårørende").hits   # full-text search: stemmed, ranked, with snippets and documents
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, overload

from rdflib import Graph, Literal
from rdflib.term import Node

from .engines.base import QueryEngine, QueryResult, RdflibEngine
from .errors import MissingDependencyError
from .namespaces import PREFIXES
from .queries.saved import ParamValue, SavedQuery, get_query, load_queries, run_saved_query
from .search.index import DEFAULT_LIMIT, SearchIndex, SearchResults
from .search.query import expand_name

if TYPE_CHECKING:
    import pandas

# A cell as Python sees it: None where the variable is unbound.
Value = str | int | float | bool | date | datetime | None


def plain_python(node: Node | None) -> Value:
    """A term as a plain Python value: IRIs and texts as str, numbers as int or float, dates as date."""
    if node is None:
        return None
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, bool | int | float | date | datetime):
            return value
        return str(node)
    return str(node)


@dataclass
class Rows(Sequence[dict[str, Value]]):
    """A query's answer as a list of dicts (one key per variable), plus the result it came from."""

    result: QueryResult
    _rows: list[dict[str, Value]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rows = [{v: plain_python(row.get(v)) for v in self.result.variables} for row in self.result.rows]

    @property
    def variables(self) -> list[str]:
        """The column names, in the query's order."""
        return list(self.result.variables)

    @property
    def boolean(self) -> bool | None:
        """The answer of an ASK query (None for other forms)."""
        return self.result.boolean

    @property
    def graph(self) -> Graph | None:
        """The graph of a CONSTRUCT or DESCRIBE query (None for other forms)."""
        return self.result.graph

    @overload
    def __getitem__(self, index: int) -> dict[str, Value]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Value]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Value] | list[dict[str, Value]]:
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[dict[str, Value]]:
        return iter(self._rows)

    def column(self, name: str) -> list[Value]:
        """All values of one variable, in row order."""
        if name not in self.result.variables:
            raise KeyError(f"no column {name!r}; the columns are {', '.join(self.result.variables)}")
        return [row[name] for row in self._rows]

    def to_dataframe(self) -> "pandas.DataFrame":
        """The rows as a pandas DataFrame (columns in query order); pandas must be installed."""
        try:
            import pandas
        except ImportError as exc:
            raise MissingDependencyError("pandas", "Rows.to_dataframe()") from exc
        return pandas.DataFrame(self._rows, columns=self.result.variables)


class KnowledgeGraph:
    """The validated, inferred dataset with its saved queries, answering through one query engine."""

    def __init__(self, engine: QueryEngine, queries: dict[str, SavedQuery]) -> None:
        self.engine = engine
        self.queries = queries
        self._index: SearchIndex | None = None

    def saved_queries(self) -> list[SavedQuery]:
        """Every saved query, in name order."""
        return list(self.queries.values())

    def query(self, name: str, /, **params: ParamValue) -> Rows:
        """Run the saved query `name`; keyword arguments are its parameters (prefixed names, numbers, text)."""
        return Rows(run_saved_query(get_query(name, self.queries), self.engine, params))

    def sparql(self, text: str) -> Rows:
        """Run an ad-hoc SPARQL query; the project prefixes (kg:, id:, rdfs:, ...) need not be declared."""
        return Rows(self.engine.query(text))

    def search(self, text: str, /, *, document: str | None = None, cls: str | None = None,
               limit: int = DEFAULT_LIMIT, lang: str = "da", scope: str = "all") -> SearchResults:
        """Full-text search over what the documents say (`.hits`, best first; `.total` texts matched in all;
        `.documents`, the documents whose quotes, status texts or source texts say it, each `.found_in` "facts",
        "text" or "both").

        Words are compared by their Danish stem; "a phrase" in double quotes; pårør* for a word's beginning.
        `document` and `cls` (IRIs or prefixed names: id:document-..., kg:Initiative) narrow the hits. The index
        is built on the first search, from the data as it is then, and the documents' shipped source texts (cut
        into passages: field "sourceText"). `scope` "facts" searches only the curated texts, "text" only the passages.
        """
        if self._index is None:
            from .search.build import index_of

            self._index = index_of(self.engine)
        return self._index.search(
            text, document=expand_name("document", document, PREFIXES) if document else None,
            cls=expand_name("class", cls, PREFIXES) if cls else None, limit=limit, lang=lang, scope=scope)


def open(paths: Sequence[Path] | None = None, *, queries: Path | None = None,
         endpoint: str | None = None, graph: str | None = None) -> KnowledgeGraph:
    """Load, infer and validate the data once (default: the embedded data); refuses data that does not conform.

    With `endpoint`, queries go to that remote SPARQL endpoint instead, where `kraeftgraf publish` put
    the validated data (in the named graph `graph`, by default the dataset IRI).
    """
    from .graph.pipeline import build

    if endpoint is not None:
        from .engines.publish import DEFAULT_GRAPH
        from .engines.remote import RemoteEngine

        return KnowledgeGraph(RemoteEngine(endpoint, graph=graph or DEFAULT_GRAPH), load_queries(queries))

    built = build(paths).require_valid()
    return KnowledgeGraph(RdflibEngine(built.dataset), load_queries(queries))
