"""A folder of source texts: each document's extracted text by file name, checked against the folder's manifest."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..errors import SourcesDirectoryError, SourceTextChangedError
from ..namespaces import ID, KG
from .load import load_graph

MANIFEST = "sources.ttl"  # the folder's description of its texts: names, checksums, the documents they come from
SPDX = Namespace("http://spdx.org/rdf/terms#")


def source_text_iri(file_name: str) -> URIRef:
    """The IRI of a source text: id:source-text- and its file name in lower case, without .txt, "_" as "-"."""
    stem = file_name[:-4] if file_name.endswith(".txt") else file_name
    return ID["source-text-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")]


@dataclass(frozen=True)
class SourceFile:
    """One source text as read from the folder, with the IRI it is described by."""

    name: str
    text: str
    iri: URIRef


class SourceFolder:
    """The texts of one folder, each read once; a text whose bytes differ from its manifest checksum is refused."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise SourcesDirectoryError(folder)
        self.folder = folder
        self._read: dict[str, SourceFile | None] = {}
        self._manifest: dict[str, tuple[URIRef, str | None]] | None = None

    @property
    def manifest(self) -> Path | None:
        """The folder's sources.ttl, where it has one."""
        path = self.folder / MANIFEST
        return path if path.is_file() else None

    def inputs(self) -> list[Path]:
        """The files a build that locates quotes in these texts depends on: the texts and the manifest."""
        return sorted(p for p in self.folder.iterdir() if p.is_file() and p.suffix in (".txt", ".ttl"))

    def get(self, name: str) -> SourceFile | None:
        """The text of that file name (a name only, no folder), or None where the folder has none."""
        if name not in self._read:
            self._read[name] = self._load(name)
        return self._read[name]

    def _load(self, name: str) -> SourceFile | None:
        path = self.folder / name
        if not name or "/" in name or "\\" in name or not path.is_file():
            return None
        data = path.read_bytes()
        iri, expected = self._described().get(name, (source_text_iri(name), None))
        actual = hashlib.sha256(data).hexdigest()
        if expected is not None and actual != expected:
            raise SourceTextChangedError(path, actual=actual, expected=expected,
                                         manifest=self.folder / MANIFEST)
        return SourceFile(name=name, text=data.decode("utf-8"), iri=iri)

    def _described(self) -> dict[str, tuple[URIRef, str | None]]:
        """The manifest's texts by file name: their IRI and SHA-256, where it gives one."""
        if self._manifest is None:
            graph = load_graph([self.manifest]) if self.manifest else Graph()
            self._manifest = {}
            for text in graph.subjects(DCTERMS.identifier, None):
                name = graph.value(text, DCTERMS.identifier)
                if isinstance(text, URIRef) and isinstance(name, Literal) and (text, RDF.type, KG.SourceText) in graph:
                    self._manifest[str(name)] = (text, _sha256(graph, text))
        return self._manifest


def _sha256(graph: Graph, text: URIRef) -> str | None:
    for checksum in graph.objects(text, SPDX.checksum):
        if graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256:
            value = graph.value(checksum, SPDX.checksumValue)
            return str(value).lower() if value is not None else None
    return None
