"""The index of a dataset and of its documents' shipped texts, built once per dataset version and kept beside the
build cache, so serving starts fast. Built where the texts can be read (before the endpoint's workers fork): the
workers open it from bytes and never read a file."""

import hashlib
from pathlib import Path

from rdflib import Dataset

from .. import resources
from ..engines.base import QueryEngine, RdflibEngine
from ..graph.build_cache import content_version, default_cache_dir, mark_used, program_digest, prune
from ..graph.source_folder import SourceFolder
from .index import SearchIndex, build_index
from .passages import document_texts, passage_texts
from .texts import read_corpus
from .words import STEMMER


class IndexCache:
    """Index bytes by dataset version, program, stemmer and shipped source texts; a missing or unreadable entry is
    built again.

    The program's digest is part of the key whatever the version says (a store's version does not include it):
    an index is only as right as the code that read the texts. So are the shipped texts' bytes (a store written
    before a text changed holds the same data, but the passages differ).
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_cache_dir()

    def path(self, version: str) -> Path:
        texts = content_version(SourceFolder(resources.sources_dir()).inputs())
        key = hashlib.sha256(f"{version}\n{program_digest()}\n{STEMMER}\n{texts}".encode()).hexdigest()
        return self.folder / f"{key}.search.sqlite"

    def load(self, version: str) -> bytes | None:
        path = self.path(version)
        if not mark_used(path):
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def store(self, version: str, data: bytes) -> None:
        """Write atomically (temporary file, then rename), so a crash never leaves half an index."""
        path = self.path(version)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)
        prune(self.folder, ".search.sqlite")


def index_bytes(engine: QueryEngine, *, version: str | None = None, cache: IndexCache | None = None) -> bytes:
    """The serialized index of the engine's dataset: from the cache when it holds this version, else built."""
    if cache is not None and version is not None:
        kept = cache.load(version)
        if kept is not None:
            return kept
    data = index_of(engine).to_bytes()
    if cache is not None and version is not None:
        cache.store(version, data)
    return data


def index_of(engine: QueryEngine) -> SearchIndex:
    """A fresh index of the engine's dataset and of its documents' shipped texts (each kg:sourceFile, cut into
    passages); rdflib's dataset is read through a copy in Oxigraph (30× faster)."""
    if isinstance(engine, RdflibEngine):
        return index_of_dataset(engine.dataset)
    return build_index(read_corpus(engine), passage_texts(document_texts(engine)))


def index_of_dataset(dataset: Dataset) -> SearchIndex:
    """A fresh index of an rdflib dataset and its documents' shipped texts, read through a copy in Oxigraph."""
    from ..engines.oxigraph import OxigraphEngine

    return index_of(OxigraphEngine.from_dataset(dataset))
