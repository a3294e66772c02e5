"""What the HTTP app serves: a loaded dataset behind a pool of query workers, the saved queries, the ontology."""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph

from .. import resources
from ..engines.base import QueryEngine, RdflibEngine
from ..errors import SettingError
from ..graph.build_cache import content_version
from ..graph.load import expand_paths, load_dataset, load_graph
from ..queries.saved import SavedQuery, load_queries
from .cache import AnswerCache
from .egress import BackendRelay
from .index_builder import IndexBuilder, serve_index
from .jobs import WarmUpJob
from .protocol import DatasetSummary
from .settings import EndpointSettings
from .workers import Answer, WorkerContext, WorkerPool

if TYPE_CHECKING:
    from ..engines.oxigraph import OxigraphEngine


@dataclass
class EndpointService:
    """Everything a request may need; the dataset itself lives in the worker processes."""

    pool: WorkerPool
    settings: EndpointSettings
    summary: DatasetSummary
    queries: Mapping[str, SavedQuery]
    answers: AnswerCache
    cache: dict[str, Answer] = field(default_factory=dict)  # pages built here that never change while serving
    relay: BackendRelay | None = None  # the way to the remote endpoint, with --backend
    index_builder: IndexBuilder | None = None  # the process still building the full-text index, if one is

    @cached_property
    def ontology(self) -> Graph:
        """The ontology, for its page: read on the first request for it, not at every start (0.06 s of one)."""
        return load_graph(resources.ontology_files())

    def close(self) -> None:
        """Stop the workers, then the index's builder if it still runs, remove the served index file, and close the
        relay to a remote endpoint."""
        self.pool.close()
        _close_index(self.pool.context, self.index_builder)
        if self.relay is not None:
            self.relay.close()


ENGINES = ("oxigraph", "rdflib")


def embedded_engine(dataset: Dataset, name: str) -> QueryEngine:
    """The engine that answers over the loaded dataset: pyoxigraph (fast, the default) or rdflib (the reference)."""
    if name == "rdflib":
        return RdflibEngine(dataset)
    if name == "oxigraph":
        from ..engines.oxigraph import OxigraphEngine

        return OxigraphEngine.from_dataset(dataset)
    raise SettingError("--engine", name, f"one of {', '.join(ENGINES)}")


def start_service(dataset: Dataset, *, settings: EndpointSettings, origin: str,
                  queries: Mapping[str, SavedQuery] | None = None, engine: str = "oxigraph",
                  version: str | None = None) -> EndpointService:
    """Fork the query workers over the dataset; call it before the server starts any thread.

    `version` names the dataset's content for answer caching and ETags (a digest of it by default).
    """
    summary = summarize(dataset, origin=f"{origin}; answered by the {engine} engine")
    answering = embedded_engine(dataset, engine)
    index, builder = serve_index(answering, version, wait=settings.index_wait)
    context = WorkerContext(engine=answering, graphs=frozenset(summary.graphs), max_rows=settings.max_rows,
                            search_index=index)
    version = f"{engine}:{version or dataset_digest(dataset)}"
    return _start(context, summary, settings=settings, queries=queries, version=version, index_builder=builder)


def start_remote(url: str, *, graph: str, settings: EndpointSettings) -> EndpointService:
    """Serve a remote SPARQL endpoint (where `kraeftgraf publish` put the data) with this endpoint's limits."""
    from ..engines.remote import RemoteEngine

    engine = RemoteEngine(url, graph=graph, timeout=settings.timeout)
    triples = int(str(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]))
    summary = DatasetSummary(graphs={graph: triples}, triples=triples,
                             origin=f"the graph <{graph}> of the remote SPARQL endpoint {url}")
    relay = BackendRelay(url)  # the workers' only way out (see `egress`)
    try:
        context = WorkerContext(engine=engine, graphs=frozenset(summary.graphs), max_rows=settings.max_rows,
                                backend=url, relay=relay.path)
        service = _start(context, summary, settings=settings, queries=None, version=None)  # its data may change
    except BaseException:
        relay.close()
        raise
    service.relay = relay
    return service


def _start(context: WorkerContext, summary: DatasetSummary, *, settings: EndpointSettings,
           queries: Mapping[str, SavedQuery] | None, version: str | None,
           index_builder: IndexBuilder | None = None) -> EndpointService:
    pool = WorkerPool(context, workers=settings.workers, timeout=settings.timeout,
                      memory_limit_mb=settings.memory_limit_mb, fast_workers=settings.fast_workers,
                      fast_lane_seconds=settings.fast_lane_seconds, queue=settings.queue,
                      per_client=settings.per_client, recycle_mb=settings.recycle_mb)
    try:
        pool.start(warm_up=[WarmUpJob()])
    except BaseException:
        _close_index(context, index_builder)
        raise
    if index_builder is not None:
        index_builder.watch()  # the zygote has forked: threads are safe from here on
    return EndpointService(
        pool=pool, settings=settings, summary=summary,
        queries=queries if queries is not None else load_queries(),
        answers=AnswerCache(version if settings.cache_mb else None, max_bytes=settings.cache_mb * 1024 * 1024),
        index_builder=index_builder,
    )


def _close_index(context: WorkerContext, builder: IndexBuilder | None) -> None:
    if builder is not None:
        builder.stop()
    if context.search_index is not None:
        context.search_index.close()


def start_built(paths: Sequence[Path] | None, *, settings: EndpointSettings,
                engine: str = "oxigraph") -> EndpointService:
    """The curated data (the embedded data by default), built and validated, behind started query workers.

    ValidationFailedError when it does not conform to the shapes: invalid data is never served.
    """
    from ..graph.build_cache import BuildCache
    from ..graph.pipeline import build_planned, plan_build

    cache = BuildCache()
    plan = plan_build(paths)
    where = "the embedded data" if paths is None else ", ".join(str(p) for p in paths)
    origin = (f"{where} ({len(plan.data_files)} files) with the kraeftgraf ontology and its OWL RL inferences, "
              "validated against the kraeftgraf shapes")
    cached = cache.file_for(plan.key)
    if engine == "oxigraph" and cached is not None:  # a valid build of these very bytes: straight into the store
        from ..engines.oxigraph import OxigraphEngine

        return _start_oxigraph(OxigraphEngine.from_files([cached]), origin=origin, version=plan.key,
                               settings=settings)
    built = build_planned(plan, cache=cache).require_valid()  # the inputs are hashed once, above
    return start_service(built.dataset, settings=settings, origin=origin, engine=engine, version=built.version)


def start_files(files: Sequence[Path], *, settings: EndpointSettings, engine: str = "oxigraph") -> EndpointService:
    """RDF files served as they are (TriG and N-Quads keep their named graphs), behind started query workers."""
    names = ", ".join(str(f) for f in files)
    origin = f"{names} as they are, without the project's ontology, inference or shapes (nothing was validated)"
    if engine != "oxigraph":
        dataset = load_dataset(files)  # first: it names a file that cannot be read
        return start_service(dataset, settings=settings, origin=origin, engine=engine,
                             version=content_version(expand_paths(files)))
    from ..engines.oxigraph import OxigraphEngine

    loaded = OxigraphEngine.from_files(files)  # straight into the store: no rdflib copy of a large file
    return _start_oxigraph(loaded, origin=origin, version=content_version(expand_paths(files)), settings=settings)


def start_store(location: Path, *, settings: EndpointSettings) -> EndpointService:
    """An on-disk Oxigraph store served read-only (each worker opens it), behind started query workers."""
    from ..engines.disk_store import store_version
    from ..engines.oxigraph import OxigraphEngine

    version = store_version(location)  # first: it says when the folder is no store
    return _start_oxigraph(OxigraphEngine.open(location), settings=settings, version=version,
                           origin=f"the on-disk Oxigraph store {location}, read-only, as it was written")


def _start_oxigraph(engine: "OxigraphEngine", *, origin: str, version: str,
                    settings: EndpointSettings) -> EndpointService:
    """`version` is what the store holds (a store written from files holds what they hold: same answers)."""
    sizes = engine.graph_sizes()
    summary = DatasetSummary(graphs=sizes, triples=len(engine.store), origin=f"{origin}; answered by the oxigraph "
                                                                              "engine")
    index, builder = serve_index(engine, version, wait=settings.index_wait)
    context = WorkerContext(engine=engine, graphs=frozenset(sizes), max_rows=settings.max_rows, search_index=index)
    return _start(context, summary, settings=settings, queries=None, version=f"{engine.name}:{version}",
                  index_builder=builder)


def summarize(dataset: Dataset, *, origin: str) -> DatasetSummary:
    """The dataset's named graphs with their sizes (the default graph too when it holds triples)."""
    graphs = {str(graph.identifier): len(graph) for graph in dataset.graphs() if len(graph) > 0}
    return DatasetSummary(graphs=graphs, triples=len(dataset), origin=origin)


def dataset_digest(dataset: Dataset) -> str:
    """A digest of the dataset's quads, in a sorted N-Quads form, for a dataset that comes with no files."""
    lines = sorted(" ".join(term.n3() for term in quad if term is not None) for quad in dataset.quads())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
