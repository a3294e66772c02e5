"""Synthetic data at N times the curated data: the real graph's shape, renamed per copy, varied by a seed.

Copy 0 is the curated data as it is. Copy k (k >= 1) is every curated file again, with every `id:` IRI
the data defines given the suffix `-x{k}` (new regions, hospitals, plans, documents, recommendations,
initiatives, figures, ...), while the reference concepts stay shared: the themes and statuses of the
ontology, units, sectors, the country, indicators, national programmes and national organisations.
Each copy shifts its years, changes some status claims to another status of the scheme and jitters
figures, targets and amounts within their valid ranges, so the output passes the shapes.

The output is Turtle, one file per curated file and copy, written in a fixed order with blank nodes
labelled from their content: the same seed gives the same bytes.

    python -m bench.generate --scale 100 --out bench/out/x100 [--seed 1]
"""

import argparse
import hashlib
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kraeftgraf import resources
from kraeftgraf.graph.closure import transitive_closure
from kraeftgraf.namespaces import ID, KG, PREFIXES

MARKER = ".kraeftgraf-bench"  # marks a folder the generator owns, so that it may clear it
DEFAULT_SEED = 1

# Instances of these classes (and their subclasses) are reference concepts that every copy shares.
SHARED_CLASSES = frozenset({
    KG.Unit, KG.Sector, KG.Country, KG.Indicator, KG.NationalProgramme, KG.NationalAuthority, KG.Association,
})
YEAR_PROPERTIES = frozenset({
    KG.year, KG.startYear, KG.completionYear, KG.expectedYear, KG.targetYear, KG.periodStart, KG.periodEnd,
})
DATE_PROPERTIES = frozenset({KG.statusDate, KG.adoptedOn})
MEASURE_PROPERTIES = frozenset({KG.value, KG.targetValue})
YEAR_RANGE = (1990, 2040)  # what the shapes accept
MAX_YEAR_SHIFT = 4
STATUS_CHANGE_PROBABILITY = 0.25
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_DCTERMS_ISSUED = URIRef("http://purl.org/dc/terms/issued")


class GenerationError(Exception):
    """The generator cannot run as asked; the message says what to change."""


@dataclass(frozen=True)
class Reference:
    """What every copy needs to know about the curated data as a whole."""

    shared: frozenset[URIRef]  # id: IRIs that every copy keeps
    renamed: frozenset[URIRef]  # id: IRIs that each copy gives its own suffix
    statuses: tuple[URIRef, ...]  # the status concepts of the scheme, in a fixed order
    percent_subjects: frozenset[Node]  # subjects whose measures are percentages (0-100)


@dataclass
class Copy:
    """One copy of the data: its number, suffix, year shift and random source."""

    number: int
    year_shift: int
    rng: random.Random
    suffix: str = field(init=False)

    def __post_init__(self) -> None:
        self.suffix = f"-x{self.number}" if self.number else ""


def generate(scale: int, out_dir: Path, *, seed: int = DEFAULT_SEED,
             data_files: Sequence[Path] | None = None) -> list[Path]:
    """Write `scale` copies of the curated data (copy 0 = the data itself) into `out_dir`; the files written."""
    if scale < 1:
        raise GenerationError(f"--scale must be 1 or more, not {scale}.")
    sources = sorted(data_files) if data_files is not None else resources.data_files()
    if not sources:
        raise GenerationError("no curated data files found; give data files or install kraeftgraf with its data.")
    _prepare_folder(out_dir)
    graphs = {path.stem: Graph().parse(path, format="turtle") for path in sources}
    reference = read_reference(graphs.values(), _ontology())
    templates = {stem: _Template.from_graph(graph, reference) for stem, graph in graphs.items()}
    written: list[Path] = []
    for number in range(scale):
        copy = _new_copy(number, seed)
        for stem, template in templates.items():
            path = out_dir / f"{stem}{copy.suffix}.ttl"
            with path.open("w", encoding="utf-8", newline="\n") as out:
                out.writelines(template.render(copy, reference))
            written.append(path)
    return written


def read_reference(graphs: Iterable[Graph], ontology: Graph) -> Reference:
    """Which IRIs are shared and which renamed, the status concepts, the subjects measured in per cent."""
    superclasses = _superclass_closure(ontology)
    defined: set[URIRef] = set()
    shared: set[URIRef] = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    percent: set[Node] = set()
    for graph in graphs:
        for subject in graph.subjects(unique=True):
            if isinstance(subject, URIRef) and str(subject).startswith(str(ID)):
                defined.add(subject)
        for subject, cls in graph.subject_objects(RDF.type):
            if isinstance(subject, URIRef) and ({cls} | superclasses.get(cls, set())) & SHARED_CLASSES:
                shared.add(subject)
        percent.update(graph.subjects(KG.unit, ID["unit-percent"]))
    statuses = tuple(sorted(s for s in ontology.subjects(RDF.type, KG.Status) if isinstance(s, URIRef)))
    return Reference(shared=frozenset(shared), renamed=frozenset(defined - shared), statuses=statuses,
                     percent_subjects=frozenset(percent))


def _ontology() -> Graph:
    graph = Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    return graph


def _superclass_closure(ontology: Graph) -> dict[Node, set[Node]]:
    above: dict[Node, set[Node]] = defaultdict(set)
    for lower, upper in ontology.subject_objects(RDFS.subClassOf):
        above[lower].add(upper)
    return transitive_closure(above)


def _new_copy(number: int, seed: int) -> Copy:
    # A string seed is hashed the same way in every process (unlike hash() of a str).
    rng = random.Random(f"kraeftgraf-bench:{seed}:{number}")
    shift = rng.randint(-MAX_YEAR_SHIFT, MAX_YEAR_SHIFT) if number else 0
    return Copy(number=number, year_shift=shift, rng=rng)


def _prepare_folder(out_dir: Path) -> None:
    """Create the folder, or clear the Turtle a previous run wrote there; never touch a folder we do not own."""
    if out_dir.exists():
        if not out_dir.is_dir():
            raise GenerationError(f"--out {out_dir} is a file; give a folder.")
        entries = [p for p in out_dir.iterdir() if p.name != MARKER]
        if entries and not (out_dir / MARKER).exists():
            raise GenerationError(f"--out {out_dir} holds files the generator did not write; give an empty or "
                                  "new folder (e.g. bench/out/x10).")
        for path in entries:
            if path.suffix == ".ttl":
                path.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("Written by bench/generate.py; its .ttl files are replaced on each run.\n")


# --- rendering ----------------------------------------------------------------------------------------------


@dataclass
class _Statement:
    predicate: URIRef
    objects: list[Node]


@dataclass
class _Template:
    """One curated file, ready to be written once per copy: subjects, predicates and objects in a fixed order."""

    subjects: list[tuple[Node, list[_Statement]]]
    blank_labels: dict[BNode, str]
    shared_subjects: frozenset[Node]

    @classmethod
    def from_graph(cls, graph: Graph, reference: Reference) -> "_Template":
        labels = _blank_labels(graph)
        by_subject: dict[Node, dict[URIRef, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for subject, predicate, obj in graph:
            if isinstance(predicate, URIRef):
                by_subject[subject][predicate].append(obj)

        def order(node: Node) -> str:
            return labels[node] if isinstance(node, BNode) else node.n3()

        subjects = [
            (subject, [_Statement(p, sorted(by_subject[subject][p], key=order)) for p in sorted(by_subject[subject])])
            for subject in sorted(by_subject, key=lambda s: (isinstance(s, BNode), order(s)))
        ]
        shared = frozenset(s for s in by_subject if isinstance(s, URIRef) and s not in reference.renamed)
        return cls(subjects=subjects, blank_labels=labels, shared_subjects=shared)

    def render(self, copy: Copy, reference: Reference) -> Iterator[str]:
        for name, iri in PREFIXES.items():
            yield f"@prefix {name}: <{iri}> .\n"
        for subject, statements in self.subjects:
            shared = subject in self.shared_subjects
            vary = not shared and copy.number > 0
            lines = []
            for statement in statements:
                objects = statement.objects
                if shared and copy.number > 0:
                    # Copy 0 already says this about the shared thing; a copy adds only links to its own
                    # nodes (evidence, plans), as a new document would. Repeating the rest in every copy's
                    # graph would multiply answers on stores whose union graph keeps one triple per graph.
                    objects = [o for o in objects if isinstance(o, BNode) or o in reference.renamed]
                terms = [self._object(subject, statement.predicate, obj, copy, reference, vary) for obj in objects]
                if terms:
                    lines.append(f"{_iri(statement.predicate)} {' , '.join(terms)}")
            if lines:
                yield f"\n{self._term(subject, copy, reference)}\n    " + " ;\n    ".join(lines) + " .\n"

    def _term(self, node: Node, copy: Copy, reference: Reference) -> str:
        if isinstance(node, BNode):
            return self.blank_labels[node]
        if isinstance(node, URIRef):
            return _iri(node, copy.suffix if node in reference.renamed else "")
        return _literal(node) if isinstance(node, Literal) else node.n3()

    def _object(self, subject: Node, predicate: URIRef, obj: Node, copy: Copy, reference: Reference,
                vary: bool) -> str:
        if not vary:
            return self._term(obj, copy, reference)
        if isinstance(obj, Literal):
            return _literal(_varied_literal(subject, predicate, obj, copy, reference))
        if predicate == KG.status and obj in reference.statuses:
            if copy.rng.random() < STATUS_CHANGE_PROBABILITY:
                return _iri(copy.rng.choice(reference.statuses))
        return self._term(obj, copy, reference)


def _varied_literal(subject: Node, predicate: URIRef, value: Literal, copy: Copy, reference: Reference) -> Literal:
    """The literal as copy `copy` has it: years shifted, measures jittered, labels marked with the copy."""
    python = value.toPython()
    if predicate in YEAR_PROPERTIES and isinstance(python, int):
        return Literal(_shift_year(python, copy.year_shift), datatype=value.datatype)
    if predicate in DATE_PROPERTIES and value.datatype == XSD.date:
        year, rest = str(value)[:4], str(value)[4:]
        rest = "-02-28" if rest == "-02-29" else rest  # a shifted 29 February may not exist
        return Literal(f"{_shift_year(int(year), copy.year_shift):04d}{rest}", datatype=XSD.date)
    if predicate == _DCTERMS_ISSUED and value.datatype == XSD.gYear and str(value).isdigit():
        return Literal(f"{_shift_year(int(str(value)), copy.year_shift):04d}", datatype=XSD.gYear)
    if predicate in MEASURE_PROPERTIES and isinstance(python, int | Decimal):
        upper = 100 if subject in reference.percent_subjects else None
        return _jittered(value, python, copy.rng.uniform(0.85, 1.15), upper)
    if predicate == KG.amountDKK and isinstance(python, int | Decimal):
        return _jittered(value, python, copy.rng.uniform(0.7, 1.3), None, positive=True)
    if predicate == RDFS.label and value.language:
        return Literal(f"{value} [x{copy.number}]", lang=value.language)
    return value


def _shift_year(year: int, shift: int) -> int:
    low, high = YEAR_RANGE
    return min(high, max(low, year + shift))


def _jittered(value: Literal, number: int | Decimal, factor: float, upper: int | None,
              positive: bool = False) -> Literal:
    scaled = Decimal(number) * Decimal(str(round(factor, 4)))
    if upper is not None:
        scaled = min(Decimal(upper), scaled)
    if isinstance(number, int) or value.datatype == XSD.integer:
        whole = int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))
        return Literal(max(1, whole) if positive else max(0, whole), datatype=XSD.integer)
    exponent = number.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) and exponent < 0 else 0)
    rounded = scaled.quantize(places, rounding=ROUND_HALF_EVEN)
    if positive and rounded <= 0:
        rounded = places
    return Literal(max(Decimal(0), rounded), datatype=value.datatype)


def _literal(value: Literal) -> str:
    return value.n3(_NAMESPACES.namespace_manager)


def _iri(node: URIRef, suffix: str = "") -> str:
    text = str(node) + suffix
    for name, namespace in _PREFIX_ORDER:
        if text.startswith(namespace):
            local = text[len(namespace):]
            if _SAFE_LOCAL.match(local):
                return f"{name}:{local}"
    return f"<{text}>"


def _blank_labels(graph: Graph) -> dict[BNode, str]:
    """A label for each blank node made from its content and where it hangs, so that reruns agree."""
    content: dict[BNode, str] = {}

    def digest_of(node: BNode, depth: int = 0) -> str:
        if node in content:
            return content[node]
        if depth > 50:  # a cycle of blank nodes: stop and fall back on what is known
            return "cycle"
        parts = sorted(f"{p.n3()} {digest_of(o, depth + 1) if isinstance(o, BNode) else o.n3()}"
                       for p, o in graph.predicate_objects(node))
        content[node] = hashlib.sha1("\n".join(parts).encode()).hexdigest()
        return content[node]

    blanks = {n for n in (*graph.subjects(), *graph.objects()) if isinstance(n, BNode)}
    keys: dict[BNode, str] = {}

    def key_of(node: BNode, depth: int = 0) -> str:
        if node in keys:
            return keys[node]
        parents = sorted(f"{key_of(s, depth + 1) if isinstance(s, BNode) and depth < 50 else s.n3()} {p.n3()}"
                         for s, p in graph.subject_predicates(node))
        keys[node] = hashlib.sha1(("\n".join(parents) + digest_of(node)).encode()).hexdigest()
        return keys[node]

    # Blank nodes with the same key cannot be told apart, so any order among them gives the same output.
    ordered = sorted(blanks, key=key_of)
    return {node: f"_:b{index}" for index, node in enumerate(ordered)}


_NAMESPACES = Graph()
for _name, _namespace in PREFIXES.items():
    _NAMESPACES.bind(_name, _namespace, override=True)
# Longest namespace first, so that a namespace inside another one (none today) still gets its own prefix.
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True, help="how many copies of the curated data (1 = as is)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the Turtle files into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the random variation")
    parser.add_argument("data", nargs="*", type=Path, help="curated files to copy (default: the embedded data/ttl)")
    args = parser.parse_args(argv)
    try:
        written = generate(args.scale, args.out, seed=args.seed, data_files=args.data or None)
    except GenerationError as exc:
        print(f"bench.generate: {exc}", file=sys.stderr)
        return 2
    print(f"bench.generate: wrote {len(written)} files (x{args.scale}, seed {args.seed}) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
