"""What the HTTP app serves: a loaded dataset behind a pool of query workers, the saved queries, the ontology."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph

from . import resources
from .endpoint_jobs import WarmUpJob
from .endpoint_settings import EndpointSettings
from .endpoint_workers import Answer, WorkerContext, WorkerPool
from .engine import QueryEngine, RdflibEngine
from .errors import SettingError
from .protocol import DatasetSummary
from .queries import SavedQuery, load_queries
from .store import load_dataset, load_graph


@dataclass
class EndpointService:
    """Everything a request may need; the dataset itself lives in the worker processes."""

    pool: WorkerPool
    settings: EndpointSettings
    summary: DatasetSummary
    queries: Mapping[str, SavedQuery]
    ontology: Graph
    cache: dict[str, Answer] = field(default_factory=dict)  # answers that never change while serving

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()


ENGINES = ("oxigraph", "rdflib")


def embedded_engine(dataset: Dataset, name: str) -> QueryEngine:
    """The engine that answers over the loaded dataset: pyoxigraph (fast, the default) or rdflib (the reference)."""
    if name == "rdflib":
        return RdflibEngine(dataset)
    if name == "oxigraph":
        from .engine_oxigraph import OxigraphEngine

        return OxigraphEngine.from_dataset(dataset)
    raise SettingError("--engine", name, f"one of {', '.join(ENGINES)}")


def start_service(dataset: Dataset, *, settings: EndpointSettings, origin: str,
                  queries: Mapping[str, SavedQuery] | None = None, engine: str = "oxigraph") -> EndpointService:
    """Fork the query workers over the dataset; call it before the server starts any thread."""
    summary = summarize(dataset, origin=f"{origin}; answered by the {engine} engine")
    context = WorkerContext(engine=embedded_engine(dataset, engine), graphs=frozenset(summary.graphs),
                            max_rows=settings.max_rows)
    return _start(context, summary, settings=settings, queries=queries)


def start_remote(url: str, *, graph: str, settings: EndpointSettings) -> EndpointService:
    """Serve a remote SPARQL endpoint (where `kraeftgraf publish` put the data) with this endpoint's limits."""
    from .engine_remote import RemoteEngine

    engine = RemoteEngine(url, graph=graph, timeout=settings.timeout)
    triples = int(str(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]))
    summary = DatasetSummary(graphs={graph: triples}, triples=triples,
                             origin=f"the graph <{graph}> of the remote SPARQL endpoint {url}")
    context = WorkerContext(engine=engine, graphs=frozenset(summary.graphs), max_rows=settings.max_rows, backend=url)
    return _start(context, summary, settings=settings, queries=None)


def _start(context: WorkerContext, summary: DatasetSummary, *, settings: EndpointSettings,
           queries: Mapping[str, SavedQuery] | None) -> EndpointService:
    pool = WorkerPool(context, workers=settings.workers, timeout=settings.timeout,
                      memory_limit_mb=settings.memory_limit_mb)
    pool.start(warm_up=[WarmUpJob()])
    return EndpointService(
        pool=pool, settings=settings, summary=summary,
        queries=queries if queries is not None else load_queries(),
        ontology=load_graph(resources.ontology_files()),
    )


def start_built(paths: Sequence[Path] | None, *, settings: EndpointSettings,
                engine: str = "oxigraph") -> EndpointService:
    """The curated data (the embedded data by default), built and validated, behind started query workers.

    ValidationFailedError when it does not conform to the shapes: invalid data is never served.
    """
    from .build_cache import BuildCache
    from .pipeline import build

    built = build(paths, cache=BuildCache()).require_valid()
    where = "the embedded data" if paths is None else ", ".join(str(p) for p in paths)
    return start_service(built.dataset, settings=settings,
                         origin=f"{where} ({len(built.data_files)} files) with the kraeftgraf ontology and its OWL RL "
                                "inferences, validated against the kraeftgraf shapes", engine=engine)


def start_files(files: Sequence[Path], *, settings: EndpointSettings, engine: str = "oxigraph") -> EndpointService:
    """RDF files served as they are (TriG and N-Quads keep their named graphs), behind started query workers."""
    names = ", ".join(str(f) for f in files)
    return start_service(load_dataset(files), settings=settings,
                         origin=f"{names} as they are, without the project's ontology, inference or shapes "
                                "(nothing was validated)", engine=engine)


def summarize(dataset: Dataset, *, origin: str) -> DatasetSummary:
    """The dataset's named graphs with their sizes (the default graph too when it holds triples)."""
    graphs = {str(graph.identifier): len(graph) for graph in dataset.graphs() if len(graph) > 0}
    return DatasetSummary(graphs=graphs, triples=len(dataset), origin=origin)
