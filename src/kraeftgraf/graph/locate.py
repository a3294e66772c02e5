"""Where in a Turtle file a resource is described or a quote is written: the line a curator opens."""

import re
from dataclasses import dataclass
from pathlib import Path

from ..namespaces import KG

_PREFIX = re.compile(r"^[ \t]*(?:@prefix|PREFIX)[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>", re.M | re.I)
_STRING = (r'"""(?:[^"\\]|\\.|"(?!""))*"""'
           r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
           r'|"(?:[^"\\\n]|\\.)*"'
           r"|'(?:[^'\\\n]|\\.)*'")
_FIRST_WORD = re.compile(r"[ \t]*(<[^>\s]*>|[^\s;,]+?)(?=[\s;,]|\.?$)")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_CHARACTER_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class Place:
    """A file and the 1-based line in it (None when the line could not be told)."""

    file: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


def display_path(path: Path) -> str:
    """The path as a person in the current folder would type it: relative where it lies below."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes a Turtle text declares, name to namespace IRI (the empty prefix as "")."""
    return {match.group(1) or "": match.group(2) for match in _PREFIX.finditer(text)}


class TurtleText:
    """A Turtle file's text, read once for the lines where its statements and quotes stand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.prefixes = declared_prefixes(text)
        self._first_words: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            match = _FIRST_WORD.match(line)
            if match:
                self._first_words.setdefault(match.group(1), number)

    def subject_line(self, iri: str) -> int | None:
        """The first line that starts with the IRI, by a prefixed name or in full: where it is described."""
        forms = [f"<{iri}>"]
        forms += [f"{name}:{iri[len(namespace):]}" for name, namespace in self.prefixes.items()
                  if namespace and iri.startswith(namespace)]
        lines = [self._first_words[form] for form in forms if form in self._first_words]
        return min(lines) if lines else None

    def quote_lines(self) -> list[tuple[int, str]]:
        """Each kg:quote written in the text: the line of the property, and the quote as a string."""
        names = [f"<{KG.quote}>"]
        names += [f"{name}:quote" for name, namespace in self.prefixes.items() if namespace == str(KG)]
        pattern = re.compile("(?:" + "|".join(map(re.escape, names)) + r")\s+(" + _STRING + ")")
        found = []
        for match in pattern.finditer(self.text):
            literal = match.group(1)
            quotes = 3 if literal[:3] in ('"""', "'''") else 1
            found.append((_line(self.text, match.start()), _unescape(literal[quotes:-quotes])))
        return found


def _unescape(body: str) -> str:
    def replace(match: "re.Match[str]") -> str:
        code = match.group(1) or match.group(2)
        if code:
            return chr(int(code, 16))
        return _CHARACTER_ESCAPES.get(match.group(3), match.group(0))

    return _ESCAPE.sub(replace, body)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
