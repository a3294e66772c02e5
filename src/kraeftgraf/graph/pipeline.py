"""load -> infer -> validate -> locate the quotes: the one way a dataset is built."""

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from .. import resources
from ..errors import ValidationFailedError
from ..namespaces import ID
from .build_cache import BuildCache, content_version
from .evidence_locations import LocatedQuotes, locate_quotes
from .inference import inferred_triples
from .load import expand_paths, graph_name, load_dataset, load_graph
from .locations import Locator
from .source_folder import SourceFolder
from .validation import ValidationReport, validate

INFERRED_GRAPH = ID["graph-inferred"]
LOCATIONS_GRAPH = ID["graph-locations"]  # where each quote stands in its source text: computed, never curated


@dataclass
class BuiltDataset:
    """The ontology, the data and what inference added, each in its named graph, with the report."""

    dataset: Dataset
    report: ValidationReport
    data_files: list[Path]
    version: str  # a digest of every input and of the program: equal versions hold equal data
    located: LocatedQuotes | None = None  # the quotes' locations, as computed (None: read from the cache, or not asked)

    def require_valid(self) -> "BuiltDataset":
        """This dataset, or ValidationFailedError when it does not conform to the shapes."""
        if not self.report.conforms:
            report = "\n".join(result.describe() for result in self.report.results)
            raise ValidationFailedError(len(self.report.violations), report)
        return self


@dataclass
class BuildPlan:
    """The files a build reads, and the key a valid build of exactly their bytes is cached under."""

    data_files: list[Path]
    shapes_files: list[Path]
    ontology_files: list[Path]
    inputs: list[Path]  # the data files and the source folder's manifest: what the shapes validate
    folder: SourceFolder | None  # the source texts quotes are located in (None: not located)
    key: str


def plan_build(data_paths: Sequence[Path] | None = None, *, shapes_paths: Sequence[Path] | None = None,
               ontology_paths: Sequence[Path] | None = None, locate: bool = True,
               sources: Path | None = None) -> BuildPlan:
    """What `build` with these arguments reads, and its cache key; reads no RDF (see `build`'s arguments)."""
    data_files = expand_paths(data_paths if data_paths is not None else resources.data_files())
    shapes_files = list(shapes_paths if shapes_paths is not None else resources.shapes_files())
    ontology_files = list(ontology_paths if ontology_paths is not None else resources.ontology_files())
    folder = SourceFolder(sources if sources is not None else resources.sources_dir()) if locate else None
    manifest = [folder.manifest] if folder is not None and folder.manifest is not None else []
    inputs = [*data_files, *manifest]  # the manifest describes the texts: it is data like the rest
    source_inputs = [p for p in folder.inputs() if p not in manifest] if folder is not None else []
    key = content_version([*ontology_files, *shapes_files, *inputs, *source_inputs],
                          note="located" if locate else "")
    return BuildPlan(data_files, shapes_files, ontology_files, inputs, folder, key)


def build(
    data_paths: Sequence[Path] | None = None,
    *,
    shapes_paths: Sequence[Path] | None = None,
    ontology_paths: Sequence[Path] | None = None,
    prefer: Sequence[Path] = (),
    cache: BuildCache | None = None,
    locate: bool = True,
    sources: Path | None = None,
) -> BuiltDataset:
    """Load ontology and data, infer once, validate the result against the shapes, then locate every quote.

    A problem is reported in the file that describes the resource at fault; where several do, the files in
    `prefer` come first. With `locate`, the source folder's manifest (sources.ttl) is loaded with the data, and a
    dataset that conforms gets each quote's place in its source text (`sources`, by default the shipped texts) in
    a graph of its own; a quote that cannot be placed raises QuotesNotLocatedError. With a cache, a build of
    exactly the same input bytes that passed validation before is read back instead of being inferred and
    validated again; a build that fails is never cached.
    """
    plan = plan_build(data_paths, shapes_paths=shapes_paths, ontology_paths=ontology_paths, locate=locate,
                      sources=sources)
    return build_planned(plan, prefer=prefer, cache=cache)


def build_planned(plan: BuildPlan, *, prefer: Sequence[Path] = (), cache: BuildCache | None = None) -> BuiltDataset:
    """`build` of the files a plan names (see `plan_build`), for a caller that has the plan already."""
    cached = cache.load(plan.key) if cache else None
    if cached is not None:
        return BuiltDataset(dataset=cached, report=ValidationReport(conforms=True), data_files=plan.data_files,
                            version=plan.key)
    with _cycle_collection_paused():
        return _build_anew(plan, prefer=prefer, cache=cache)


def _build_anew(plan: BuildPlan, *, prefer: Sequence[Path], cache: BuildCache | None) -> BuiltDataset:
    data_files, ontology_files, inputs, folder, key = plan.data_files, plan.ontology_files, plan.inputs, \
        plan.folder, plan.key
    dataset = load_dataset([*ontology_files, *inputs])
    ontology = _union(dataset, [graph_name(p) for p in ontology_files])
    written = [graph_name(p) for p in [*ontology_files, *inputs]]
    # One copy of the whole graph, not three: what was written (ontology and data), to which the inferences are
    # then added in place. The data as written is needed again only to explain a finding.
    everything = _union(dataset, written)
    inferred = inferred_triples(everything, ontology)
    inferred_graph = dataset.graph(INFERRED_GRAPH)
    dataset.addN((s, p, o, inferred_graph) for s, p, o in inferred)
    everything.addN((s, p, o, everything) for s, p, o in inferred)
    shapes = load_graph(plan.shapes_files)
    preferred = [p for p in expand_paths(prefer) if p in inputs]
    locator = Locator(dataset, [*preferred, *(p for p in inputs if p not in preferred)])
    # The data as written is needed only to explain a finding: a build that conforms never copies it.
    report = validate(everything, shapes=shapes, asserted=lambda: _union(dataset, written), locator=locator)
    located = None
    if folder is not None and report.conforms:  # only data that conforms has one document and one quote per node
        located = locate_quotes(everything, folder, locator=locator)
        places = dataset.graph(LOCATIONS_GRAPH)
        dataset.addN((s, p, o, places) for s, p, o in located.triples())
    if cache and report.conforms:
        cache.store(key, dataset)
    return BuiltDataset(dataset=dataset, report=report, data_files=data_files, version=key, located=located)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while a build runs, and as it was afterwards.

    A build makes millions of objects that live until it ends (terms, triples, index entries), and the collector
    scans them again and again while they grow: 15-25 % of a build's time at ×10, for 7 % less peak memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _union(dataset: Dataset, names: Sequence[URIRef]) -> Graph:
    graph = Graph()
    for name in names:
        for triple in dataset.graph(name).triples((None, None, None)):
            graph.add(triple)
    return graph
