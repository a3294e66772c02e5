"""Headers that tell a browser how to treat every answer: as the type it says, without a referrer, under a policy."""

import base64
import hashlib
from collections.abc import Mapping
from html.parser import HTMLParser
from types import MappingProxyType

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# nosniff: a browser takes a CSV answer or a plain-text error for what Content-Type says, never a script or a page.
# no-referrer: nothing here reads Referer, and the URLs of these pages carry what a researcher asks (SPARQL text,
# IRIs, the saved question in the fragment); links to source documents on other sites need not pass that on.
BASIC_HEADERS: Mapping[str, str] = MappingProxyType({"X-Content-Type-Options": "nosniff",
                                                     "Referrer-Policy": "no-referrer"})

# The pages for people (/, /resource/..., /ontology, error pages) load their script and style sheet from /static
# and fetch only from this server: no inline script, no inline style, no page may frame them.
_PAGE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}
PAGE_POLICY = "; ".join(f"{name} {value}" for name, value in _PAGE_DIRECTIVES.items())


def docs_policy(page: bytes, *, runs_redoc: bool = False) -> str:
    """The page policy widened for an API documentation page we render: its own inline scripts, by hash.

    Swagger UI and ReDoc draw icons from data: URLs. ReDoc also writes its styles into the page at run time
    (styled-components) and searches in a worker it starts from a blob: URL that its own script made; a style
    cannot run code, and the worker's code comes from the script allowed here, so scripts still run by hash only.
    """
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
              for script in _inline_scripts(page.decode())]
    directives = {**_PAGE_DIRECTIVES, "script-src": " ".join(["'self'", *hashes]), "img-src": "'self' data:"}
    if runs_redoc:
        directives |= {"style-src": "'self' 'unsafe-inline'", "worker-src": "'self' blob:"}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class _InlineScripts(HTMLParser):
    """The text of every <script> without a src, as the browser hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # script text has no character references: keep it byte for byte
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and "src" not in dict(attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def _inline_scripts(page: str) -> list[str]:
    parser = _InlineScripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


class SecurityHeaders:
    """Add the basic headers to every response, and the page policy to HTML that does not bring its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                for name, value in BASIC_HEADERS.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, with_headers)
