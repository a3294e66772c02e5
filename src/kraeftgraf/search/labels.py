"""Look resources up by the start of the words of their labels: the search-as-you-type behind the page's IRI fields
and the editor's completion of `id:` names.

Unlike the full-text index (stems, whole words, BM25 over every text), this matches what someone is still typing:
every word typed must begin a word of one label, so "pall" finds "Palliation" and "tidlig ops" finds "Tidlig
opsporing". Case, accents and æ/ø/å spellings are ignored, as curators' lookups ignore them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..engines.base import QueryEngine
from ..graph.closure import transitive_closure
from ..graph.quotes import fold

MAX_TEXT = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

# Every label of a resource (an IRI), in both languages; dcterms:bibliographicCitation is how a document is named.
_LABELS = """SELECT DISTINCT ?thing ?label WHERE {
  ?thing rdfs:label|skos:prefLabel|skos:altLabel|<http://purl.org/dc/terms/bibliographicCitation> ?label
  FILTER(isIRI(?thing) && isLITERAL(?label))
}"""
_TYPES = "SELECT DISTINCT ?thing ?type WHERE { ?thing a ?type FILTER(isIRI(?thing) && isIRI(?type)) }"
_SUBCLASSES = """SELECT DISTINCT ?sub ?super WHERE {
  ?sub rdfs:subClassOf ?super FILTER(isIRI(?sub) && isIRI(?super) && ?sub != ?super)
}"""


@dataclass(frozen=True)
class Found:
    """One resource found: its IRI, its label in the language asked for, its most specific class."""

    iri: str
    label: str
    lang: str
    cls: str | None
    class_label: str | None

    def as_json(self) -> dict[str, str | None]:
        return {"iri": self.iri, "label": self.label, "lang": self.lang, "class": self.cls,
                "classLabel": self.class_label}


@dataclass(frozen=True)
class _Label:
    text: str
    lang: str
    words: tuple[str, ...]  # folded
    folded: str


class LabelTable:
    """The labels, classes (with their superclasses) and most specific class of every labelled resource."""

    def __init__(self, labels: Iterable[tuple[str, str, str]], types: Iterable[tuple[str, str]],
                 subclass_links: Iterable[tuple[str, str]]) -> None:
        self._labels: dict[str, list[_Label]] = defaultdict(list)
        for iri, text, lang in labels:
            folded = fold(text)
            self._labels[iri].append(_Label(text, lang, tuple(_words(folded)), folded))
        direct: dict[str, set[str]] = defaultdict(set)
        for sub, sup in subclass_links:
            direct[sub].add(sup)
        above = transitive_closure(direct)
        self._types: dict[str, set[str]] = defaultdict(set)
        for iri, cls in types:
            self._types[iri].add(cls)
        # Instances of a class are also instances of every class above it, whether or not inference wrote so.
        self._classes = {iri: stated | {sup for cls in stated for sup in above.get(cls, ())}
                         for iri, stated in self._types.items()}
        self._above = above

    @classmethod
    def from_engine(cls, engine: QueryEngine) -> "LabelTable":
        labels = [(str(row["thing"]), str(row["label"]), getattr(row["label"], "language", None) or "")
                  for row in engine.query(_LABELS).rows]
        types = [(str(row["thing"]), str(row["type"])) for row in engine.query(_TYPES).rows]
        links = [(str(row["sub"]), str(row["super"])) for row in engine.query(_SUBCLASSES).rows]
        return cls(labels, types, links)

    def lookup(self, text: str, *, of_class: str | None = None, lang: str = "da",
               limit: int = DEFAULT_LIMIT) -> list[Found]:
        """The resources a label of which has every word typed at the start of one of its words, best first.

        A label that starts with the whole text comes before one that only contains its words; then shorter labels
        (the closer match), then alphabetical order. An empty text lists every labelled resource of the class.
        """
        wanted = fold(text.strip())
        words = _words(wanted)
        ranked: list[tuple[tuple[int, int, str], str]] = []
        for iri, labels in self._labels.items():
            if of_class is not None and of_class not in self._classes.get(iri, ()):
                continue
            best = min((_rank(label, wanted, words) for label in labels), default=None)
            if best is not None and best[0] < 2:
                ranked.append((best, iri))
        ranked.sort()
        return [self._found(iri, lang) for _, iri in ranked[:limit]]

    def _found(self, iri: str, lang: str) -> Found:
        label = self._label_in(iri, lang) or _Label(iri, "", (), iri)
        cls = self._most_specific_class(iri)
        class_label = self._label_in(cls, lang) if cls else None
        return Found(iri, label.text, label.lang, cls, class_label.text if class_label else None)

    def _label_in(self, iri: str, lang: str) -> _Label | None:
        labels = self._labels.get(iri, [])
        for wanted in (lang, "da" if lang == "en" else "en", ""):
            matching = sorted((label for label in labels if label.lang == wanted), key=lambda label: label.text)
            if matching:
                return matching[0]
        return min(labels, key=lambda label: label.text, default=None)

    def _most_specific_class(self, iri: str) -> str | None:
        stated = self._types.get(iri, set())
        # Drop a class another stated class is under (inference states the superclasses too), then take one
        # with a label, so that the answer can say what the thing is.
        specific = sorted(cls for cls in stated if not any(cls in self._above.get(other, ()) for other in stated))
        labelled = [cls for cls in specific if cls in self._labels]
        chosen = labelled or specific
        return chosen[0] if chosen else None


def _words(folded: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in folded).split()


def _rank(label: _Label, wanted: str, words: list[str]) -> tuple[int, int, str]:
    """(0 starts with the text, 1 has every word at a word's start, 2 no match; length; text) for sorting."""
    if label.folded.startswith(wanted):
        return (0, len(label.text), label.folded)
    if words and all(any(word.startswith(typed) for word in label.words) for typed in words):
        return (1, len(label.text), label.folded)
    return (2, 0, "")
