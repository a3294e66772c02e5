"""The results of a SHACL report as plain records of RDF terms, before they are located and shown."""

import re
from dataclasses import dataclass, field, replace
from typing import Self

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .terms import shorten


@dataclass(frozen=True)
class Finding:
    """One result of the report: the focus node, the property and value at fault, and the messages by language.

    `referrer` is set on a finding about an IRI that nothing describes: the resource and property that refer to
    it, which is where it must be fixed.
    """

    focus: Node
    path: Node | None
    value: Node | None
    severity: URIRef
    messages: dict[str, str]
    shape: Node | None
    component: Node | None
    referrer: tuple[Node, URIRef] | None = None
    hint: dict[str, str] = field(default_factory=dict)

    @property
    def sparql_based(self) -> bool:
        return self.component == SH.SPARQLConstraintComponent

    def with_hint(self, hint: dict[str, str]) -> Self:
        return replace(self, hint=hint)


def read_findings(report: Graph, shapes: Graph) -> list[Finding]:
    """The report's top-level results; the sh:detail results nested in them only repeat them, untranslated."""
    report_node = report.value(None, RDF.type, SH.ValidationReport)
    nodes = list(report.objects(report_node, SH.result)) if report_node is not None else []
    return [_read(report, node, shapes) for node in nodes]


def _read(report: Graph, node: Node, shapes: Graph) -> Finding:
    focus = report.value(node, SH.focusNode)
    value = report.value(node, SH.value)
    path = report.value(node, SH.resultPath)
    severity = report.value(node, SH.resultSeverity)
    return Finding(
        focus=focus if focus is not None else URIRef(""),
        path=path,
        value=value,
        severity=severity if isinstance(severity, URIRef) else SH.Violation,
        messages=_fill_templates(_messages_by_language(report, node, shapes), focus=focus, path=path, value=value),
        shape=report.value(node, SH.sourceShape),
        component=report.value(node, SH.sourceConstraintComponent),
    )


def _messages_by_language(report: Graph, node: Node, shapes: Graph) -> dict[str, str]:
    """The result's messages keyed by language; pyshacl drops the tag on SPARQL messages, so match templates."""
    templates = [m for m in shapes.objects(report.value(node, SH.sourceConstraint), SH.message)
                 if isinstance(m, Literal)]
    messages: dict[str, str] = {}
    for message in report.objects(node, SH.resultMessage):
        if not isinstance(message, Literal):
            continue
        language = message.language or _template_language(str(message), templates) or "en"
        messages.setdefault(language, str(message))
    return messages


def _template_language(message: str, templates: list[Literal]) -> str | None:
    for template in templates:
        pattern = "".join(".*" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[?$]\w+\})", str(template)))
        if template.language and re.fullmatch(pattern, message, flags=re.S):
            return template.language
    return None


def _fill_templates(messages: dict[str, str], *, focus: Node | None, path: Node | None,
                    value: Node | None) -> dict[str, str]:
    """{$this}, {$path} and {$value} in a core constraint's message (pyshacl fills them only in SPARQL ones)."""
    bound = {"this": focus, "path": path, "value": value}

    def fill(match: re.Match[str]) -> str:
        node = bound.get(match.group(1))
        return shorten(node) if node is not None else match.group(0)

    return {language: re.sub(r"\{[?$](this|path|value)\}", fill, text) for language, text in messages.items()}
