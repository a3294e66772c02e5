"""Upload the validated, inferred dataset to a SPARQL 1.1 Graph Store Protocol endpoint."""

from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import (
    HTTPDigestAuthHandler,
    HTTPPasswordMgrWithDefaultRealm,
    Request,
    build_opener,
    parse_http_list,
    parse_keqv_list,
)

from rdflib import Dataset, Graph

from ..errors import RemoteEndpointError
from ..namespaces import ID

DEFAULT_GRAPH = str(ID["dataset"])


@dataclass(frozen=True)
class Credentials:
    """A Graph Store account, for stores that let only known users write (Virtuoso's /sparql-graph-crud-auth)."""

    user: str
    password: str


def publish(dataset: Dataset, endpoint: str, *, graph: str = DEFAULT_GRAPH, timeout: float = 60.0,
            credentials: Credentials | None = None) -> int:
    """Replace `graph` at the Graph Store with every triple of the dataset, in one PUT; the triple count.

    With credentials, the store's digest challenge (HTTP 401) is answered with them (RFC 7616): the password
    itself is never sent.
    """
    union = Graph()
    for triple in dataset.triples((None, None, None)):
        union.add(triple)
    body = union.serialize(format="nt", encoding="utf-8")
    separator = "&" if "?" in endpoint else "?"
    url = f"{endpoint}{separator}{urlencode({'graph': graph})}"
    request = Request(url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"})
    try:
        _authorize(request, credentials, timeout)
        with build_opener().open(request, timeout=timeout) as response:  # the operator chose the URL
            status = response.status
    except HTTPError as exc:
        hint = ""
        if exc.code == 401:
            hint = (" (the store wants a user: give --user and the password in KRAEFTGRAF_PUBLISH_PASSWORD)"
                    if credentials is None else f" (the store refused user {credentials.user!r} or its password)")
        elif exc.code == 403 and credentials is not None:
            hint = f" (user {credentials.user!r} may not write: see the README's one-time Virtuoso settings)"
        raise RemoteEndpointError(endpoint, f"the Graph Store answered {exc.code} {exc.reason}{hint}") from exc
    except (URLError, OSError) as exc:
        raise RemoteEndpointError(endpoint, f"cannot reach the Graph Store ({exc})") from exc
    if status not in (200, 201, 204):
        raise RemoteEndpointError(endpoint, f"unexpected answer {status} to the upload")
    return len(union)


def _authorize(request: Request, credentials: Credentials | None, timeout: float) -> None:
    """Meet the store's digest challenge before the upload: HEAD requests fetch it and check the account, and the
    PUT carries the answer. Sent with the whole body instead, a refusal comes back while the body is still on its way,
    and Virtuoso closes the connection (connection reset) before the client can read it or retry."""
    probe = Request(request.full_url, method="HEAD")  # HEAD: never the graph itself
    try:
        with build_opener().open(probe, timeout=timeout):
            return  # the store lets anyone read here; the PUT says whether it lets us write
    except HTTPError as exc:
        if exc.code != 401:
            return  # another answer to a read (404 for a graph not there yet): the PUT says what matters
        challenge = exc.headers.get("WWW-Authenticate", "")
    where = request.full_url.split("?")[0]
    if credentials is None:
        raise RemoteEndpointError(where, "the Graph Store answered 401 Unauthorized (it wants a user: give --user "
                                  "and the password in KRAEFTGRAF_PUBLISH_PASSWORD)")
    if not challenge.lower().startswith("digest "):
        raise RemoteEndpointError(where, "the Graph Store asks for a user, but not with digest authentication")
    passwords = HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, credentials.user, credentials.password)
    digest = HTTPDigestAuthHandler(passwords)
    try:
        with build_opener(digest).open(Request(request.full_url, method="HEAD"), timeout=timeout):
            pass
    except HTTPError as exc:
        if exc.code == 401:
            raise RemoteEndpointError(where, f"the Graph Store answered 401 Unauthorized (it refused user "
                                      f"{credentials.user!r} or its password)") from exc
    fields = parse_keqv_list(list(filter(None, parse_http_list(challenge[len("digest "):]))))
    answer = digest.get_authorization(request, fields)
    if answer is None:
        raise RemoteEndpointError(where, "cannot answer the Graph Store's digest challenge "
                                  f"(algorithm {fields.get('algorithm', 'MD5')})")
    request.add_unredirected_header("Authorization", f"Digest {answer}")
