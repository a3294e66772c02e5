"""The endpoint's limits and options: defaults, overridden by KRAEFTGRAF_* variables, overridden by options."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import SettingError


@dataclass(frozen=True)
class EndpointSettings:
    """How much one request may ask of the endpoint, how many queries run at once, who may call it."""

    timeout: float = 10.0  # seconds a query may run before its worker is stopped
    max_query_length: int = 20_000  # characters of SPARQL
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in one answer
    max_body: int = 262_144  # bytes of request body
    workers: int = 2  # queries that run at the same time, each in its own process
    memory_limit_mb: int = 1024  # memory a worker may take beyond the loaded dataset
    cors_origins: tuple[str, ...] = ("*",)  # origins whose pages may call the endpoint; () for none
    cache_mb: int = 64  # answers kept for repeated requests (the data changes only on rebuild); 0 for none

    def __post_init__(self) -> None:
        for name in ("timeout", "max_query_length", "max_rows", "max_body", "workers", "memory_limit_mb"):
            if getattr(self, name) <= 0:
                raise SettingError(name, str(getattr(self, name)), "a number above 0")
        if self.cache_mb < 0:
            raise SettingError("cache_mb", str(self.cache_mb), "0 (keep no answers) or more megabytes")


ENVIRONMENT_PREFIX = "KRAEFTGRAF_"


def describe_settings() -> list[tuple[str, str, Any]]:
    """(option, environment variable, default) for every setting, for help texts and docs."""
    return [(f"--{f.name.replace('_', '-')}", ENVIRONMENT_PREFIX + f.name.upper(), f.default) for f in fields(
        EndpointSettings)]


def settings_from(environment: Mapping[str, str] | None = None, **options: Any) -> EndpointSettings:
    """The defaults, then KRAEFTGRAF_* variables, then options that are not None."""
    env = os.environ if environment is None else environment
    values: dict[str, Any] = {}
    for field in fields(EndpointSettings):
        raw = env.get(ENVIRONMENT_PREFIX + field.name.upper())
        if raw is not None and raw.strip():
            values[field.name] = _parse(ENVIRONMENT_PREFIX + field.name.upper(), raw, field.default)
    for name, value in options.items():
        if value is not None:
            values[name] = tuple(value) if name == "cors_origins" else value
    return replace(EndpointSettings(), **values)


def _parse(name: str, raw: str, default: Any) -> Any:
    parsers: dict[type, tuple[Callable[[str], Any], str]] = {
        float: (float, "a number of seconds"),
        int: (int, "a whole number"),
        tuple: (lambda text: tuple(o.strip() for o in text.split(",") if o.strip()),
                "origins separated by commas, or * for any"),
    }
    parse, expected = parsers[type(default)]
    try:
        return parse(raw.strip())
    except ValueError as exc:
        raise SettingError(name, raw, expected) from exc
