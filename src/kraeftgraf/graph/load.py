"""Load RDF files into a Dataset: one named graph per file, named after the file."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
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
        raise DataFileError(path, _syntax_detail(exc)) from exc
    except (ValueError, UnicodeDecodeError) as exc:  # N-Triples/N-Quads and encoding errors
        raise DataFileError(path, f"cannot parse: {exc}") from exc


@dataclass(frozen=True)
class _Position:
    line: int
    column: int
    text: str  # the rest of the line from there, shortened


def _syntax_detail(exc: SyntaxError) -> str:
    """rdflib's message, reduced to where in the file it happened and what went wrong."""
    message = str(exc)
    reason = getattr(exc, "_why", None)
    if not isinstance(reason, str):
        found = re.search(r"Bad syntax \((.*?)\) at \^", message, flags=re.S)
        reason = found.group(1) if found else message.strip()
    position = _position(exc)
    if position is None:
        line = re.search(r"at line (\d+)", message)
        return f"line {line.group(1)}: invalid RDF syntax: {reason}" if line else f"invalid RDF syntax: {reason}"
    at = f" at {position.text!r}" if position.text else ""
    return f"line {position.line}, column {position.column}: invalid RDF syntax{at}: {reason}"


def _position(exc: SyntaxError) -> _Position | None:
    """Where the error is in the text as written, from the character offset rdflib keeps.

    rdflib's own line count is wrong: its parser counts a newline each time it skips one, and it skips
    the whitespace before a literal object twice (it tries a resource first, then backs up), so each line
    break or comment before such a literal moves the line it reports one further down the file.
    """
    text, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if not isinstance(text, bytes) or not isinstance(offset, int):
        return None
    decoded = text.decode("utf-8", errors="replace")  # the offset counts characters, not these bytes
    if not 0 <= offset <= len(decoded):  # -1: the file ended in the middle of a statement
        offset = len(decoded.rstrip())
    line_start = decoded.rfind("\n", 0, offset) + 1
    rest = decoded[offset:].split("\n", 1)[0].strip()
    return _Position(line=decoded.count("\n", 0, offset) + 1, column=offset - line_start + 1,
                     text=rest if len(rest) <= 40 else rest[:39] + "…")


def load_graph(paths: Iterable[Path]) -> Graph:
    """Load files into one plain graph (for the ontology and the shapes)."""
    graph = Graph()
    for path in expand_paths(paths):
        rdf_format = _FORMATS.get(path.suffix, "turtle")
        try:
            graph.parse(path, format=rdf_format)
        except SyntaxError as exc:
            raise DataFileError(path, _syntax_detail(exc)) from exc
    return graph
