"""`kraeftgraf validate`'s report as text or JSON."""

import json
from dataclasses import asdict

from ..graph.checks import CheckedReport, CheckScope

FORMATS = ("text", "json")


def write_report(report: CheckedReport, scope: CheckScope, *, fmt: str, lang: str) -> str:
    """The whole report in one of FORMATS."""
    if fmt == "json":
        return _json(report, scope)
    return _text(report, scope, lang)


def verdict(report: CheckedReport, scope: CheckScope) -> str:
    """The closing line: conforms or not, and what the context files hold that is not shown."""
    subject = scope.named() if scope.given else "the data"
    several = scope.given and len(scope.checked) > 1
    if report.conforms:
        line = f"kraeftgraf validate: {subject} {'conform' if several else 'conforms'}"
    else:
        line = (f"kraeftgraf validate: {subject} {'do' if several else 'does'} NOT conform "
                f"({_count(len(report.violations), 'violation')})")
    if report.warnings:
        line += f", with {_count(len(report.warnings), 'warning')}"
    hidden = report.hidden_violations + report.hidden_warnings
    if hidden:
        line += (f"; the context files have {_count(hidden, 'problem')} of their own, not shown (`kraeftgraf "
                 "validate` shows them)")
    return line + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _text(report: CheckedReport, scope: CheckScope, lang: str) -> str:
    lines = [f"kraeftgraf validate: {scope.describe()}"]
    lines += [result.describe(lang) for result in report.results]
    lines.append(verdict(report, scope))
    return "\n".join(lines)


def _json(report: CheckedReport, scope: CheckScope) -> str:
    payload = {
        "conforms": report.conforms,
        "checked": {"description": scope.describe(), "files": [str(p) for p in scope.checked],
                    "context": [str(p) for p in scope.context],
                    "ontology": str(scope.folders.ontology), "shapes": str(scope.folders.shapes)},
        "results": [asdict(r) for r in report.results],
        "hidden_in_context": {"violations": report.hidden_violations, "warnings": report.hidden_warnings},
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
