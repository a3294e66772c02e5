"""The endpoint's limits and options: defaults, overridden by KRAEFTGRAF_* variables, overridden by options."""

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from ..errors import SettingError


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
    queue: int = 16  # requests that may wait for a worker; beyond that, 503 at once
    per_client: int = 2  # queries one client (address) may run at once, waiting ones included; 0 for no limit
    fast_workers: int = 1  # more workers, kept for queries not known to be slow; 0 for none
    fast_lane_seconds: float = 1.0  # a query that took this long once is slow: it never gets a fast worker again
    recycle_mb: int = 256  # a worker whose memory grew by this much is replaced after its query; 0 never
    # A start with new data (or a new program) builds the full-text index in a process of its own: the endpoint waits
    # this long for it, then serves without it (/api/search answers 503 with Retry-After until it is ready).
    index_wait: float = 10.0
    # A client that sends its request slowly holds a connection: past these it gets 408 and the connection closes.
    header_timeout: float = 10.0  # seconds to send the request line and headers, from connecting or the first byte
    body_timeout: float = 30.0  # seconds to send the request body, once the headers are in
    # The endpoint's public address, e.g. https://kraeftgraf.example.org behind a proxy: the service description
    # names <base_url/sparql> as the endpoint (never the request's Host header). None: the listening address.
    base_url: str | None = None

    def __post_init__(self) -> None:
        for name in ("timeout", "max_query_length", "max_rows", "max_body", "workers", "memory_limit_mb"):
            if getattr(self, name) <= 0:
                raise SettingError(name, str(getattr(self, name)), "a number above 0")
        if self.cache_mb < 0:
            raise SettingError("cache_mb", str(self.cache_mb), "0 (keep no answers) or more megabytes")
        for name in ("queue", "per_client", "fast_workers", "recycle_mb", "index_wait"):
            if getattr(self, name) < 0:
                raise SettingError(name, str(getattr(self, name)), "0 or more")
        for name in ("fast_lane_seconds", "header_timeout", "body_timeout"):
            if getattr(self, name) <= 0:
                raise SettingError(name, str(getattr(self, name)), "a number of seconds above 0")
        if self.base_url is not None:
            object.__setattr__(self, "base_url", _checked_base_url(self.base_url))


LOCAL_BASE_URL = "http://127.0.0.1:8000"  # where `kraeftgraf serve` listens by default
_NOT_IN_URL = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]')


def listening_at(settings: EndpointSettings, url: str) -> EndpointSettings:
    """The settings with `url` as base_url, unless --base-url (or KRAEFTGRAF_BASE_URL) gave one."""
    return settings if settings.base_url is not None else replace(settings, base_url=url)


def _checked_base_url(url: str) -> str:
    """The URL without a trailing slash; SettingError unless it is an absolute http(s) URL without query or fragment."""
    expected = ("an absolute http:// or https:// URL without ?query or #fragment, e.g. "
                "https://kraeftgraf.example.org or http://127.0.0.1:8000/kraeftgraf")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError as exc:
        raise SettingError("--base-url", url, expected) from exc
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
            or "?" in url or "#" in url or _NOT_IN_URL.search(url)):
        raise SettingError("--base-url", url, expected)
    return url.rstrip("/")


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
    if default is None:  # a text setting that is off by default: base_url
        return raw.strip()
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
