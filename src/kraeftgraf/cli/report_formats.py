"""`kraeftgraf validate`'s report as text, JSON, GitHub Actions workflow commands or a JUnit XML report."""

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict

from ..graph.checks import CheckedReport, CheckScope
from ..graph.validation import ValidationResult

FORMATS = ("text", "json", "github", "junit")


def write_report(report: CheckedReport, scope: CheckScope, *, fmt: str, lang: str) -> str:
    """The whole report in one of FORMATS."""
    if fmt == "json":
        return _json(report, scope)
    if fmt == "github":
        return _github(report, scope, lang)
    if fmt == "junit":
        return _junit(report, scope, lang)
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


# GitHub Actions workflow commands: `::error file=F,line=L,title=T::message`. In the message `%`, CR and LF are
# escaped; in a property's value `:` and `,` too (the escaping of @actions/core's command.ts).
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: CheckedReport, scope: CheckScope, lang: str) -> str:
    lines = [f"::notice title=kraeftgraf validate::{_escape_data(scope.describe())}"]
    for result in report.results:
        command = "error" if result.severity == "Violation" else "warning"
        properties = {"file": result.source_file, "line": str(result.line) if result.line else "",
                      "title": _title(result)}
        spelled = ",".join(f"{k}={_escape_property(v)}" for k, v in properties.items() if v)
        lines.append(f"::{command} {spelled}::{_escape_data(result.message(lang))}")
    lines.append(_escape_data(verdict(report, scope)))
    return "\n".join(lines)


def _title(result: ValidationResult) -> str:
    focus = result.owner if result.owner == result.focus_node else f"{result.owner} > {result.focus_node}"
    return f"{result.severity}: {focus} {result.path}".rstrip()


def _junit(report: CheckedReport, scope: CheckScope, lang: str) -> str:
    """One testcase per checked file, a <failure> per violation in it; warnings go to the case's <system-out>."""
    by_file: dict[str, list[ValidationResult]] = {str(p): [] for p in scope.checked}
    for result in report.results:
        by_file.setdefault(result.source_file or "(no file)", []).append(result)
    failed = sum(any(r.severity == "Violation" for r in results) for results in by_file.values())
    suites = ET.Element("testsuites", name="kraeftgraf validate", tests=str(len(by_file)), failures=str(failed))
    suite = ET.SubElement(suites, "testsuite", name="kraeftgraf validate", tests=str(len(by_file)),
                          failures=str(failed), errors="0", skipped="0")
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="checked", value=scope.describe())
    for name, results in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="kraeftgraf.validate", name=name, file=name)
        for result in (r for r in results if r.severity == "Violation"):
            failure = ET.SubElement(case, "failure", message=result.message(lang), type=_title(result))
            failure.text = result.describe(lang)
        warnings = [r.describe(lang) for r in results if r.severity != "Violation"]
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(warnings)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)

