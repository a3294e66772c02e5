"""What counts as a failure in an answer: a 5xx the README does not document, a body that names a Python
exception or a file path, no answer in time."""

import re
from urllib.parse import unquote_to_bytes

from .client import RawRequest, Reply

EXCEPTION_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(Error|Exception)\b")
FILE_PATH = re.compile(r'/home/|/work/|/usr/|site-packages|\.py"')
TRACEBACK = re.compile(r"Traceback \(most recent call last\)")
# The documented 503s: stopped at the time limit, every worker busy too long, the queue full, the pool broken.
DOCUMENTED_503 = re.compile(r"\(--timeout\)|\(--queue\)|query workers stayed busy|restart it")
# Documents that name exception types on purpose: FastAPI's OpenAPI schema calls its 422 body HTTPValidationError.
NAMED_ON_PURPOSE = {"/openapi.json": {"HTTPValidationError", "ValidationError"}}


def leaks(request: RawRequest, reply: Reply) -> list[str]:
    """Exception names, tracebacks and file paths in the body that the request did not put there itself."""
    text = reply.text()
    raw = request.target + b" " + request.body
    sent = raw.decode("latin-1") + unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", errors="replace")
    path = request.target.split(b"?", 1)[0].decode("latin-1")
    allowed = NAMED_ON_PURPOSE.get(path, set())
    found = [m.group(0) for m in EXCEPTION_NAME.finditer(text) if m.group(0) not in allowed]
    found += [m.group(0) for m in FILE_PATH.finditer(text)]
    found += [m.group(0) for m in TRACEBACK.finditer(text)]
    return sorted({word for word in found if word not in sent})


def failures(request: RawRequest, reply: Reply, *, deadline_s: float) -> list[str]:
    """The kinds of failure this answer shows; [] when it is a good answer (whatever its status)."""
    if reply.outcome == "hang":
        return ["hang"]
    if reply.outcome == "closed":
        return ["closed-without-answer"]
    found = []
    if reply.seconds > deadline_s:
        found.append("late")
    status = reply.status or 0
    if status >= 500 and not documented_5xx(reply):
        found.append("unexpected-5xx")
    if status == 503 and "retry-after" not in reply.headers:
        found.append("503-without-retry-after")
    if leaks(request, reply):
        found.append("leak")
    return found


def documented_5xx(reply: Reply) -> bool:
    """A 503 for a limit (time, busy workers, queue) or a broken pool, or a 502 (a failing backend)."""
    return reply.status == 502 or (reply.status == 503 and bool(DOCUMENTED_503.search(reply.text())))


def notes(reply: Reply) -> list[str]:
    """Answers that are no failure but worth counting: the engine failing inside, a worker dying under a query."""
    text = reply.text()
    found = []
    if reply.status == 422 and "internal error" in text:
        found.append("engine-internal-error")
    if reply.status == 422 and "worker running the query stopped" in text:
        found.append("worker-stopped")
    return found
