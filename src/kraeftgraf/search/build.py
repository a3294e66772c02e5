"""The index of a dataset and of its documents' shipped texts, built once per dataset version and kept as a file
beside the build cache, so serving starts fast. Built where the texts can be read (before the endpoint's workers
fork): the workers open the finished file (`served.ServedIndex`) and never read a source text."""

import hashlib
import sqlite3
from pathlib import Path

from rdflib import Dataset

from .. import resources
from ..engines.base import QueryEngine, RdflibEngine
from ..graph.build_cache import content_version, default_cache_dir, mark_used, program_digest, prune, store_atomically
from ..graph.source_folder import SourceFolder
from .index import SearchIndex, build_index
from .passages import document_texts, passage_texts
from .texts import read_corpus
from .words import STEMMER


class IndexCache:
    """Index files by dataset version, program, stemmer and shipped source texts; a missing entry, or one that is
    no index, is built again.

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

    def load(self, version: str) -> Path | None:
        """The entry's file when there is one that opens as an index (it is marked used, so pruning keeps it)."""
        path = self.path(version)
        if not mark_used(path):
            return None
        try:
            SearchIndex.open_file(path).connection.close()
        except (sqlite3.DatabaseError, OSError):
            return None
        return path

    def build(self, version: str, engine: QueryEngine) -> Path:
        """Build the engine's index straight into a new entry, never holding it whole: into a temporary file,
        then renamed, so a crash never leaves half an index and no reader ever sees a file change under it."""
        path = self.path(version)
        store_atomically(path, lambda partial: index_of(engine, into=partial).connection.close())
        prune(self.folder, ".search.sqlite")
        return path


def index_file(engine: QueryEngine, *, version: str, cache: IndexCache) -> Path:
    """The index file of the engine's dataset: the cache's when it holds this version, else built and stored."""
    return cache.load(version) or cache.build(version, engine)


def index_of(engine: QueryEngine, *, into: Path | None = None) -> SearchIndex:
    """A fresh index of the engine's dataset and of its documents' shipped texts (each kg:sourceFile, cut into
    passages), in memory or written into a new file; rdflib's dataset is read through a copy in Oxigraph (30×
    faster)."""
    if isinstance(engine, RdflibEngine):
        return index_of_dataset(engine.dataset, into=into)
    return build_index(read_corpus(engine), passage_texts(document_texts(engine)), into=into)


def index_of_dataset(dataset: Dataset, *, into: Path | None = None) -> SearchIndex:
    """A fresh index of an rdflib dataset and its documents' shipped texts, read through a copy in Oxigraph."""
    from ..engines.oxigraph import OxigraphEngine

    return index_of(OxigraphEngine.from_dataset(dataset), into=into)
