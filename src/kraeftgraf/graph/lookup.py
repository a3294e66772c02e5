"""Find the resources already described: by label (Danish or English, case and accents ignored) or by IRI.

Curators look a thing up before they mint an IRI for it, so that one real thing keeps one IRI across all files.
"""

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from ..namespaces import PREFIXES
from .load import expand_paths, load_graph
from .locate import Place, TurtleText, display_path
from .quotes import fold
from .terms import shorten

_LABELS = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
_PREFIXED = re.compile(r"([A-Za-z][\w-]*):(\S*)")


@dataclass(frozen=True)
class Label:
    value: str
    language: str

    def __str__(self) -> str:
        return f'"{self.value}"@{self.language}' if self.language else f'"{self.value}"'


@dataclass
class Resource:
    """A resource as the files describe it: its labels, classes and the places that say something about it."""

    iri: str
    name: str  # the IRI shortened: id:..., kg:...
    labels: list[Label] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    defined_in: list[Place] = field(default_factory=list)  # where a file says what it is (rdf:type)
    added_to_in: list[Place] = field(default_factory=list)  # where a file adds facts about it, without a type

    @property
    def places(self) -> list[Place]:
        return [*self.defined_in, *self.added_to_in]


@dataclass(frozen=True)
class Hit:
    """A resource found, and how: "iri", "label" (all the words in a label or the IRI) or "close" (spelt close)."""

    resource: Resource
    match: str


class ResourceIndex:
    """Every IRI that is the subject of a statement in the files, with what they say it is called and is."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._resources: dict[str, Resource] = {}
        for path in expand_paths(paths):
            self._add_file(path)

    def __len__(self) -> int:
        return len(self._resources)

    def lookup(self, text: str) -> list[Hit]:
        """The resources the text names: by IRI or prefixed name first, else by the words of a label or IRI."""
        text = text.strip()
        iri = _expand(text)
        if iri is not None and iri in self._resources:
            return [Hit(self._resources[iri], "iri")]
        words = _skeleton(_PREFIXED.sub(r"\2", text).replace("-", " ") if iri is not None else text).split()
        if not words:
            return []
        ranked = []
        for resource in self._resources.values():
            rank = _rank(resource, words)
            if rank is not None:
                ranked.append((rank, resource.name, resource))
        if ranked:
            return [Hit(resource, "label") for *_, resource in sorted(ranked, key=lambda r: (r[0], r[1]))]
        return self._close(" ".join(words))

    def _close(self, wanted: str) -> list[Hit]:
        """Resources with a label spelt close to the words, for a search that found nothing as written."""
        by_label: dict[str, list[Resource]] = {}
        for resource in self._resources.values():
            for label in resource.labels:
                by_label.setdefault(_skeleton(label.value), []).append(resource)
        hits: dict[str, Hit] = {}
        for name in difflib.get_close_matches(wanted, list(by_label), n=5, cutoff=0.75):
            for resource in by_label[name]:
                hits.setdefault(resource.iri, Hit(resource, "close"))
        return list(hits.values())

    def _add_file(self, path: Path) -> None:
        graph = load_graph([path])
        text = TurtleText(path.read_text(encoding="utf-8"))
        for subject in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
            resource = self._resources.setdefault(str(subject), Resource(iri=str(subject), name=shorten(subject)))
            labels = {Label(str(o), o.language or "") for p in _LABELS for o in graph.objects(subject, p)
                      if isinstance(o, Literal)}
            classes = [shorten(o) for o in graph.objects(subject, RDF.type)]
            resource.labels += [label for label in sorted(labels, key=_label_order) if label not in resource.labels]
            resource.classes += [name for name in sorted(classes) if name not in resource.classes]
            place = Place(display_path(path), text.subject_line(str(subject)))
            (resource.defined_in if classes else resource.added_to_in).append(place)


def _label_order(label: Label) -> tuple[int, str]:
    return ({"da": 0, "en": 1}.get(label.language, 2), label.value)


def _expand(text: str) -> str | None:
    """The full IRI of `<iri>`, `https://...` or a prefixed name with one of the project's prefixes."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://")):
        return text
    match = _PREFIXED.fullmatch(text)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    return None


def _rank(resource: Resource, words: list[str]) -> tuple[int, int] | None:
    """(how, length of the name matched): 0 a label or the IRI's last part is the words, 1 holds them in a row,
    2 holds them all; None: it does not. Words are compared as skeletons, so "senfolger" finds "Senfølger"."""
    wanted = " ".join(words)
    slug = re.split(r"[/#]", resource.iri)[-1]
    names = [_skeleton(label.value) for label in resource.labels] + [_skeleton(slug.replace("-", " "))]
    tests: list[Callable[[str], bool]] = [
        lambda name: name == wanted, lambda name: wanted in name, lambda name: all(word in name for word in words)]
    for rank, fits in enumerate(tests):
        lengths = [len(name) for name in names if fits(name)]
        if lengths:
            return rank, min(lengths)
    return None


def _skeleton(text: str) -> str:
    """Folded words with æ/ø/å reduced to one letter each way they are typed: "kraeft", "kraft", "kræft" alike."""
    folded = re.sub(r"ae|oe|aa", lambda m: m.group(0)[0], fold(text))
    return " ".join(re.findall(r"[^\W_]+", folded))
