"""Did you mean ...? The closest known IRI to a misspelt one, among those of the same kind."""

import difflib
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ..namespaces import KG
from .findings import Finding
from .follow_ons import VALUE_CHECKS, is_described
from .terms import shorten

_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


class Suggester:
    """Finds, for a finding about an unknown IRI, the known IRI it most likely meant."""

    def __init__(self, *, data: Graph, asserted: Graph) -> None:
        self._data = data  # inferred: a misspelt IRI has the types the ranges of the properties referring to it give
        self._asserted = asserted
        self._meant: dict[URIRef, URIRef | None] = {}

    def hint(self, finding: Finding) -> dict[str, str]:
        """"Did you mean ...?" in Danish and English, or nothing when no known IRI is close."""
        unknown = self._unknown_term(finding)
        meant = self._closest(unknown) if unknown is not None else None
        if meant is None:
            return {}
        return {"en": f"Did you mean {shorten(meant)}?", "da": f"Mente du {shorten(meant)}?"}

    def _unknown_term(self, finding: Finding) -> URIRef | None:
        if isinstance(finding.path, URIRef) and finding.path.startswith(KG) and not self._is_property(finding.path):
            return finding.path
        value = finding.value
        if not isinstance(value, URIRef):
            return None
        if not is_described(value, self._asserted) or finding.component in VALUE_CHECKS:
            return value
        return None

    def _is_property(self, term: URIRef) -> bool:
        return any((term, RDF.type, kind) in self._asserted for kind in _PROPERTY_KINDS)

    def _closest(self, unknown: URIRef) -> URIRef | None:
        if unknown not in self._meant:
            self._meant[unknown] = self._closest_of(unknown)
        return self._meant[unknown]

    def _closest_of(self, unknown: URIRef) -> URIRef | None:
        candidates = {shorten(c): c for c in self._candidates(unknown) if c != unknown}
        close = difflib.get_close_matches(shorten(unknown), list(candidates), n=1, cutoff=0.75)
        return candidates[close[0]] if close else None

    def _candidates(self, unknown: URIRef) -> Iterable[URIRef]:
        if unknown.startswith(KG):
            kinds: tuple[Node, ...] = (*_PROPERTY_KINDS, OWL.Class)
            return {t for kind in kinds for t in self._asserted.subjects(RDF.type, kind) if isinstance(t, URIRef)}
        named = {s for p in (RDFS.label, SKOS.prefLabel) for s in self._asserted.subjects(p, None)
                 if isinstance(s, URIRef)}
        kinds = tuple(self._data.objects(unknown, RDF.type))
        same_kind = {s for s in named if any((s, RDF.type, kind) in self._data for kind in kinds)}
        return same_kind or named
