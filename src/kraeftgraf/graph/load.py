"""Load RDF files into a Dataset: one named graph per file, named after the file."""

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from ..errors import DataFileError
from ..namespaces import ID

_FORMATS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".rdf": "xml", ".owl": "xml"}
_QUAD_FORMATS = {"trig", "nquads"}


def graph_name(path: Path) -> URIRef:
    """The IRI of the named graph that holds one data file."""
    return ID[f"graph-{path.stem}"]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the RDF files inside any folder given, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in path.iterdir() if p.suffix in _FORMATS)
        else:
            files.append(path)
    return sorted(set(files))


def load_dataset(paths: Iterable[Path]) -> Dataset:
    """Load each file into its own named graph (TriG and N-Quads keep their own graphs)."""
    dataset = Dataset(default_union=True)
    for path in expand_paths(paths):
        parse_into(dataset, path)
    return dataset


def rdf_format_of(path: Path) -> str:
    """rdflib's name for the syntax of a data file, by its suffix; DataFileError for no file or an unknown kind."""
    rdf_format = _FORMATS.get(path.suffix)
    if rdf_format is None:
        known = ", ".join(sorted(_FORMATS))
        raise DataFileError(path, f"unknown RDF file type {path.suffix!r}; use one of {known}")
    if not path.is_file():
        raise DataFileError(path, "no such file")
    return rdf_format


def holds_named_graphs(rdf_format: str) -> bool:
    """True for TriG and N-Quads, whose files name their own graphs."""
    return rdf_format in _QUAD_FORMATS


def parse_into(dataset: Dataset, path: Path) -> None:
    """Parse one file into the dataset, turning parser errors into a DataFileError naming the file."""
    rdf_format = rdf_format_of(path)
    target: Graph | Dataset = dataset if rdf_format in _QUAD_FORMATS else dataset.graph(graph_name(path))
    try:
        target.parse(path, format=rdf_format)
    except SyntaxError as exc:  # rdflib's Turtle/TriG errors subclass SyntaxError
        raise DataFileError(path, _syntax_detail(str(exc))) from exc
    except (ValueError, UnicodeDecodeError) as exc:  # N-Triples/N-Quads and encoding errors
        raise DataFileError(path, f"cannot parse: {exc}") from exc


def _syntax_detail(message: str) -> str:
    """rdflib's message, reduced to the line number and what went wrong."""
    line = re.search(r"at line (\d+)", message)
    reason = re.search(r"Bad syntax \((.*?)\)", message, flags=re.S)
    parts = []
    if line:
        parts.append(f"line {line.group(1)}")
    parts.append(f"invalid RDF syntax: {reason.group(1) if reason else message.strip()}")
    return ": ".join(parts)


def load_graph(paths: Iterable[Path]) -> Graph:
    """Load files into one plain graph (for the ontology and the shapes)."""
    graph = Graph()
    for path in expand_paths(paths):
        rdf_format = _FORMATS.get(path.suffix, "turtle")
        try:
            graph.parse(path, format=rdf_format)
        except SyntaxError as exc:
            raise DataFileError(path, _syntax_detail(str(exc))) from exc
    return graph
