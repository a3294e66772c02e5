"""The file and line where a resource is described, or where a statement about it is written."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from .load import graph_name
from .positions import Key, Term, TurtlePositions, read_positions


@dataclass(frozen=True)
class Location:
    """A file, and the line in it (0 when the line is not known)."""

    path: Path
    line: int


class Locator:
    """Finds things in the data files; the files listed first are preferred where several describe a thing."""

    def __init__(self, dataset: Dataset, files: Sequence[Path]) -> None:
        self._files = list(files)
        self._graphs = {path: dataset.graph(graph_name(path)) for path in self._files}
        self._positions: dict[Path, TurtlePositions] = {}
        self._blocks: dict[Path, dict[BNode, int | None]] = {}
        self._by_parent: dict[Path, dict[tuple[Key | None, Node | None], list[int]]] = {}

    def node(self, node: Node, *, stating: tuple[URIRef, Node | None] | None = None) -> Location | None:
        """Where the node is described: the line its subject block starts (for a blank node, its `[`).

        With `stating`, a file that gives the node that property and value comes first.
        """
        files = self.files_describing(node)
        if stating is not None:
            files.sort(key=lambda p: (node, *stating) not in self._graphs[p])
        return Location(files[0], self._subject_line(files[0], node)) if files else None

    def statement(self, subject: Node, predicate: URIRef, obj: Node | None = None) -> Location | None:
        """Where a statement is written: the line of its object (of its predicate when no object is given)."""
        for path in self._files:
            if (subject, predicate, obj) not in self._graphs[path]:
                continue
            line = 0
            key = self._key(path, subject)
            if key is not None:
                positions = self._read(path)
                if isinstance(obj, URIRef):
                    line = next(iter(positions.references.get((key, predicate, obj), [])), 0)
                if not line:
                    line = next(iter(positions.statements.get((key, predicate), [])), 0)
            return Location(path, line or self._subject_line(path, subject))
        return None

    def files_describing(self, node: Node) -> list[Path]:
        """Every file that says something about the node itself."""
        return [p for p in self._files if (node, None, None) in self._graphs[p]]

    def _read(self, path: Path) -> TurtlePositions:
        if path not in self._positions:
            self._positions[path] = read_positions(path) if path.suffix == ".ttl" else TurtlePositions()
        return self._positions[path]

    def _children(self, path: Path) -> dict[tuple[Key | None, Node | None], list[int]]:
        """The blank node blocks of a file by what they hang from: (parent, predicate) -> block numbers."""
        if path not in self._by_parent:
            by_parent: dict[tuple[Key | None, Node | None], list[int]] = {}
            for index, block in enumerate(self._read(path).blocks):
                by_parent.setdefault((block.parent, block.predicate), []).append(index)
            self._by_parent[path] = by_parent
        return self._by_parent[path]

    def _subject_line(self, path: Path, node: Node) -> int:
        key = self._key(path, node)
        if isinstance(key, int):
            return self._read(path).blocks[key].line
        if isinstance(key, URIRef):
            return self._read(path).subjects.get(key, 0)
        return 0

    def _key(self, path: Path, node: Node) -> Key | None:
        if isinstance(node, URIRef):
            return node
        if isinstance(node, BNode):
            return self._block(path, node)
        return None

    def _block(self, path: Path, node: BNode) -> int | None:
        """The `[ ... ]` block written for a blank node: under the same parent, the one saying the most alike."""
        found = self._blocks.setdefault(path, {})
        if node in found:
            return found[node]
        found[node] = None  # a cycle of blank nodes ends here
        graph = self._graphs[path]
        parent, predicate = next(iter(graph.subject_predicates(node)), (None, None))
        parent_key = self._key(path, parent) if parent is not None else None
        said = {(p, term) for p, o in graph.predicate_objects(node)
                if isinstance(p, URIRef) and (term := _term(o)) is not None}
        taken = {index for index in found.values() if index is not None}
        blocks = self._read(path).blocks
        candidates = [i for i in self._children(path).get((parent_key, predicate), []) if i not in taken]
        if candidates:
            found[node] = max(candidates, key=lambda i: len(said & blocks[i].statements))
        return found[node]


def _term(node: Node) -> Term | None:
    if isinstance(node, URIRef):
        return ("iri", str(node))
    if isinstance(node, Literal):
        return ("literal", str(node))
    return None

