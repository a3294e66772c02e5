"""Reading the query-string parameters of the JSON APIs (/api/search, /api/lookup): each named once, known, and
checked, with a message that names the parameter and says what fits."""

import re
from collections.abc import Sequence

from ..errors import ProtocolError

_SHOWN = 60  # characters of a bad value repeated in an error message


def single_parameters(items: Sequence[tuple[str, str]], known: Sequence[str], path: str) -> dict[str, str]:
    """The parameters by name; ProtocolError for one the path does not take or one given twice."""
    given: dict[str, str] = {}
    for name, value in items:
        if name not in known:
            raise ProtocolError(f"{name}= is no parameter of {path}; use {', '.join(known)}.")
        if name in given:
            raise ProtocolError(f"{name}= is given more than once; give it once.")
        given[name] = value
    return given


def whole_number(name: str, value: str | None, *, default: int, maximum: int, counting: str) -> int:
    """A whole number from 1 to `maximum` (the default when absent or empty); ProtocolError otherwise."""
    if value is None or value == "":
        return default
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses
    if not re.fullmatch(r"[0-9]{1,6}", value) or not 1 <= int(value) <= maximum:
        raise ProtocolError(f"{name}={shown(value)}: give a whole number of {counting} from 1 to {maximum}.")
    return int(value)


def shown(value: str) -> str:
    """A value as an error message repeats it: quoted, and cut if long."""
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "…")


def label_language(value: str) -> str:
    """lang=: da or en, the language of the labels an answer shows; ProtocolError otherwise."""
    if value not in ("da", "en"):
        raise ProtocolError(f"lang={shown(value)}: use da or en (the language of the labels shown).")
    return value
