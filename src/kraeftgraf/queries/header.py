"""Read the `#+` metadata header of a saved query: YAML inside SPARQL comments, grlc-compatible where they overlap."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from ..errors import QueryFileError
from ..graph.oxigraph_terms import is_valid_iri
from ..graph.terms import shorten
from ..namespaces import PREFIXES

_HEADER_LINE = re.compile(r"^#\+ ?(.*)$")

# grlc decorators we accept but do not use: the embedded engine decides these.
_IGNORED_GRLC_KEYS = frozenset({"endpoint", "method", "pagination", "endpoint_in_url", "transform"})
_KNOWN_KEYS = frozenset({"summary", "description", "tags", "params", "defaults", "enumerate", "columns"}) \
    | _IGNORED_GRLC_KEYS
_PARAM_KEYS = frozenset({"type", "class", "default", "enumerate", "description", "lang"})
PARAM_TYPES = ("iri", "string", "langstring", "integer", "year")
YEARS = range(1900, 2101)
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):(\S*)$")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`]')


@dataclass(frozen=True)
class Bilingual:
    """A text in Danish and English; a grlc-style plain string stands for both."""

    da: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang` ("da" or "en"), falling back to the other language."""
        return (self.en or self.da) if lang == "en" else (self.da or self.en)


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: its SPARQL variable, type, class (for IRIs), default and common choices."""

    name: str
    type: str  # iri | string | langstring | integer | year
    of_class: URIRef | None
    default: str | None  # as written in the header: a prefixed name, a number, a text
    enumerate: tuple[str, ...]
    description: Bilingual
    lang: str  # the language tag given to langstring values

    @property
    def required(self) -> bool:
        """True when the caller must give a value (there is no default)."""
        return self.default is None

    def accepts(self) -> str:
        """What values this parameter accepts, in words, for help texts and error messages."""
        if self.type == "iri":
            what = f"a {shorten(self.of_class)}" if self.of_class is not None else "a resource in the data"
            return f"the IRI of {what}, as a prefixed name (id:...) or a full IRI"
        return {
            "string": "a text",
            "langstring": f"a text (tagged @{self.lang}; add @en or another tag to change that)",
            "integer": "a whole number",
            "year": f"a year ({YEARS.start}-{YEARS.stop - 1})",
        }[self.type]


def expand_iri(text: str) -> URIRef:
    """A full IRI from a prefixed name (id:theme-late-effects), <iri> or a bare absolute IRI; ValueError if none."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefixed = _PREFIXED.match(text)
    if prefixed and prefixed.group(1) in PREFIXES:
        text = PREFIXES[prefixed.group(1)] + prefixed.group(2)
    elif not re.match(r"^(https?|urn):", text):
        known = ", ".join(f"{p}:" for p in PREFIXES)
        raise ValueError(f"{text!r} is not an IRI (write a full IRI or use a known prefix: {known})")
    if _IRI_FORBIDDEN.search(text) or not is_valid_iri(text):
        raise ValueError(f"{text!r} is not a valid IRI (a character no IRI holds, or a bad %-escape, port or host)")
    return URIRef(text)


@dataclass(frozen=True)
class _Lines:
    """The header's lines with their line numbers in the file, to point an error at the right one."""

    texts: list[str]
    numbers: list[int]

    def of(self, key: str, *, after: int = 0) -> int:
        """The number of the first line (past line `after`) that sets `key`, or the header's first line."""
        pattern = re.compile(rf"^\s*(?:-\s*)?{re.escape(key)}\s*:")
        return next((n for t, n in zip(self.texts, self.numbers, strict=True) if n > after and pattern.match(t)),
                    self.numbers[0])


@dataclass(frozen=True)
class ColumnLabel:
    """What a result column is called in Danish and English, instead of its variable name."""

    variable: str
    label: Bilingual
    line: int  # where the header names it, to point an error about it there


@dataclass(frozen=True)
class Header:
    """Everything the `#+` lines say about a query."""

    summary: Bilingual
    description: Bilingual
    tags: tuple[str, ...]
    params: tuple[Parameter, ...]
    columns: tuple[ColumnLabel, ...] = ()


# libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents, a tenth of the time,
# which `serve` pays for every saved query at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_header(path: Path, text: str) -> Header:
    """The header of one query file; QueryFileError naming the file and line when it does not parse."""
    lines: list[str] = []
    line_numbers: list[int] = []
    for number, text_line in enumerate(text.splitlines(), start=1):
        match = _HEADER_LINE.match(text_line)
        if match:
            lines.append(match.group(1))
            line_numbers.append(number)
    if not lines:
        raise QueryFileError(path, "no `#+ summary:` header; every saved query starts with one", line=1)
    try:
        data = yaml.load("\n".join(lines), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = line_numbers[min(mark.line, len(line_numbers) - 1)] if mark is not None else line_numbers[0]
        problem = getattr(exc, "problem", None) or str(exc)
        raise QueryFileError(path, f"the header is not valid YAML: {problem}", line=line) from exc
    if not isinstance(data, dict):
        raise QueryFileError(path, "the header must be `key: value` lines (summary, description, tags, params)",
                             line=line_numbers[0])
    return _header(path, data, _Lines(lines, line_numbers))


def _header(path: Path, data: Mapping[str, Any], lines: _Lines) -> Header:
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise QueryFileError(path, f"unknown header key {unknown[0]!r}; use {', '.join(sorted(_KNOWN_KEYS))}",
                             line=lines.of(unknown[0]))
    if "summary" not in data:
        raise QueryFileError(path, "the header has no `summary:`", line=lines.numbers[0])
    summary = _bilingual(path, "summary", data["summary"], lines.of("summary"))
    description = _bilingual(path, "description", data.get("description", ""), lines.of("description"))
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryFileError(path, "`tags:` must be a list of words, e.g. [senfølger, region]", line=lines.of("tags"))
    params = _params(path, data.get("params") or {}, lines)
    params = _apply_grlc_lists(path, params, data, lines)
    return Header(summary=summary, description=description, tags=tuple(tags), params=tuple(params.values()),
                  columns=_columns(path, data.get("columns"), lines))


def _columns(path: Path, raw: Any, lines: _Lines) -> tuple[ColumnLabel, ...]:
    """`columns:` maps a result variable to its label: `numberInDocument: {da: Nummer, en: Number}`."""
    if raw is None:
        return ()
    start = lines.of("columns")
    if not isinstance(raw, dict):
        raise QueryFileError(path, "`columns:` must map each result variable to {da: ..., en: ...}", line=start)
    labels = []
    for variable, label in raw.items():
        line = lines.of(str(variable), after=start)
        if not isinstance(variable, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
            raise QueryFileError(path, f"column {variable!r} is not a SPARQL variable name (write it without ?)",
                                 line=line)
        text = _bilingual(path, f"columns.{variable}", label, line)
        if not (text.da and text.en):
            raise QueryFileError(path, f"column {variable!r} needs a label in both languages: {{da: ..., en: ...}}",
                                 line=line)
        labels.append(ColumnLabel(variable=variable, label=text, line=line))
    return tuple(labels)


def _bilingual(path: Path, key: str, value: Any, line: int) -> Bilingual:
    if isinstance(value, str):
        return Bilingual(da=value.strip(), en=value.strip())
    if isinstance(value, dict) and set(value) <= {"da", "en"} and all(isinstance(v, str) for v in value.values()):
        return Bilingual(da=str(value.get("da", "")).strip(), en=str(value.get("en", "")).strip())
    raise QueryFileError(path, f"`{key}:` must be a text or {{da: ..., en: ...}}", line=line)


def _params(path: Path, raw: Any, lines: _Lines) -> dict[str, Parameter]:
    if not isinstance(raw, dict):
        raise QueryFileError(path, "`params:` must map each parameter name to {type: ..., ...}",
                             line=lines.of("params"))
    params: dict[str, Parameter] = {}
    for name, spec in raw.items():
        line = lines.of(str(name))
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryFileError(path, f"parameter name {name!r} is not a SPARQL variable name", line=line)
        if not isinstance(spec, dict):
            raise QueryFileError(path, f"parameter {name!r} must be {{type: ..., ...}}", line=line)
        unknown = sorted(set(spec) - _PARAM_KEYS)
        if unknown:
            raise QueryFileError(path, f"parameter {name!r} has unknown key {unknown[0]!r}; "
                                 f"use {', '.join(sorted(_PARAM_KEYS))}", line=line)
        kind = spec.get("type")
        if kind not in PARAM_TYPES:
            raise QueryFileError(path, f"parameter {name!r} needs `type:` one of {', '.join(PARAM_TYPES)}", line=line)
        of_class = spec.get("class")
        if of_class is not None and (kind != "iri" or not isinstance(of_class, str)):
            raise QueryFileError(path, f"parameter {name!r}: `class:` is for iri parameters and names a class",
                                 line=line)
        try:
            class_iri = expand_iri(of_class) if of_class is not None else None
        except ValueError as exc:
            raise QueryFileError(path, f"parameter {name!r}: class {of_class!r}: {exc}", line=line) from exc
        params[name] = Parameter(
            name=name, type=kind, of_class=class_iri, default=_scalar(path, name, spec.get("default"), line),
            enumerate=_values(path, name, spec.get("enumerate"), line),
            description=_bilingual(path, f"params.{name}.description", spec.get("description", ""), line),
            lang=str(spec.get("lang", "da")),
        )
    return params


def _apply_grlc_lists(path: Path, params: dict[str, Parameter], data: Mapping[str, Any],
                      lines: _Lines) -> dict[str, Parameter]:
    """grlc's `defaults:` and `enumerate:` lists, merged into the declared parameters."""
    for key in ("defaults", "enumerate"):
        line = lines.of(key)
        for name, value in _grlc_entries(path, key, data.get(key), line):
            if name not in params:
                raise QueryFileError(path, f"`{key}:` names parameter {name!r}, which `params:` does not declare",
                                     line=line)
            spec = params[name]
            if key == "defaults":
                params[name] = replace(spec, default=_scalar(path, name, value, line))
            else:
                params[name] = replace(spec, enumerate=_values(path, name, value, line))
    return params


def _grlc_entries(path: Path, key: str, raw: Any, line: int) -> list[tuple[str, Any]]:
    """grlc writes these as a list of one-key maps (`- theme: value`), or a bare name for enumerate."""
    if raw is None:
        return []
    if isinstance(raw, dict):
        return list(raw.items())
    if not isinstance(raw, list):
        raise QueryFileError(path, f"`{key}:` must be a list of `- name: value` entries", line=line)
    entries: list[tuple[str, Any]] = []
    for item in raw:
        if isinstance(item, str):  # grlc: enumerate the values the data has
            entries.append((item, None))
        elif isinstance(item, dict) and len(item) == 1:
            entries.extend(item.items())
        else:
            raise QueryFileError(path, f"`{key}:` entries must be `- name: value`", line=line)
    return entries


def _scalar(path: Path, name: str, value: Any, line: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise QueryFileError(path, f"the default of parameter {name!r} must be a text or a number", line=line)
    return str(value)


def _values(path: Path, name: str, value: Any, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        raise QueryFileError(path, f"`enumerate` of parameter {name!r} must be a list of values", line=line)
    return tuple(str(v) for v in value)
