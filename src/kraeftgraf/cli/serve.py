"""The `serve` command: the validated dataset (or any RDF files) over HTTP, with the limits set by options."""

import argparse
import signal
import socket
import sys
from pathlib import Path

from ..endpoint.settings import ENVIRONMENT_PREFIX, EndpointSettings, listening_at, settings_from
from ..errors import KraeftgrafError

EXIT_OK = 0
_HEADER_ROOM = 16_384  # bytes of request line and headers allowed beside a query in the URL
# Each endpoint setting as an option: (field of EndpointSettings, metavar, what it does); the default is added.
_SETTING_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("timeout", "SECONDS", "time limit per query"),
    ("max_query_length", "CHARS", "longest query accepted"),
    ("max_rows", "N", "most rows or triples in one answer"),
    ("max_body", "BYTES", "largest request body"),
    ("workers", "N", "queries answered at the same time, one process each"),
    ("memory_limit_mb", "MB", "memory a query may use beyond the dataset"),
    ("cors_origins", "ORIGINS", "origins whose web pages may query, separated by commas; * for any, '' for none"),
    ("cache_mb", "MB", "memory for answers kept for repeated requests, with ETags; 0 keeps none (never with "
                       "--backend, whose data may change)"),
    ("base_url", "URL", "the endpoint's public address, e.g. https://kraeftgraf.example.org behind a proxy; the "
                        "service description names URL/sparql as the endpoint (default: http://HOST:PORT, "
                        "the address it listens on)"),
    ("queue", "N", "requests that may wait for a busy worker; more get 503 at once"),
    ("per_client", "N", "queries one client address may run at once, waiting ones included; more get 429; 0 "
                        "for no limit, e.g. behind a proxy"),
    ("fast_workers", "N", "more workers, kept for queries not known to be slow, so that short queries never "
                          "wait behind long ones; 0 for none"),
    ("fast_lane_seconds", "SECONDS", "a query that once took this long is slow and never gets a fast worker; one "
                                     "that takes longer there moves to a general worker"),
    ("recycle_mb", "MB", "a worker whose memory grew by this much is replaced after its query; 0 never"),
    ("index_wait", "SECONDS", "how long a start with new data waits for its full-text index, which a process of "
                              "its own builds; then it serves, and /api/search answers 503 with Retry-After until "
                              "the index is ready; 0 serves at once"),
    ("header_timeout", "SECONDS", "time a client has to send the request line and headers, from connecting (or, "
                                  "on a kept-alive connection, from the first byte); then 408 and the connection "
                                  "closes"),
    ("body_timeout", "SECONDS", "time a client has to send the request body once the headers are in; then 408 and "
                                "the connection closes"),
)


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `serve` on the `kraeftgraf` command line."""
    defaults = EndpointSettings()
    serve = commands.add_parser(
        "serve", help="serve the data over HTTP: SPARQL endpoint, saved-query API, web page",
        description="Build and validate the data, then serve it read-only: SPARQL 1.1 Protocol at /sparql, "
                    "saved queries at /api/queries, a web page at /. Every limit can also be set with a "
                    f"{ENVIRONMENT_PREFIX}* variable (e.g. {ENVIRONMENT_PREFIX}TIMEOUT=5); options win.")
    serve.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="curated data files or folders to build and validate (default: the embedded data/ttl)")
    serve.add_argument("--data", nargs="+", type=Path, metavar="FILE",
                       help="serve these RDF files as they are (Turtle, N-Triples, TriG, N-Quads; named graphs "
                            "kept), without the project's ontology, inference or shapes")
    serve.add_argument("--store", type=Path, metavar="DIR",
                       help="serve an on-disk Oxigraph store written by `kraeftgraf build --store` or `kraeftgraf "
                            "load`, read-only: each worker reads it from disk, so memory stays small at any size")
    serve.add_argument("--engine", choices=["oxigraph", "rdflib"], default="oxigraph",
                       help="embedded engine: pyoxigraph (fast) or rdflib (the reference) (default: %(default)s)")
    serve.add_argument("--backend", metavar="URL",
                       help="answer from a remote SPARQL endpoint holding the published data (see `kraeftgraf "
                            "publish`) instead of loading it; this endpoint's limits still apply")
    serve.add_argument("--backend-graph", metavar="IRI", default=None,
                       help="the named graph `kraeftgraf publish` wrote at the backend (default: the dataset IRI)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    for name, metavar, text in _SETTING_OPTIONS:
        default = getattr(defaults, name)
        shown = ",".join(default) if isinstance(default, tuple) else f"{default:g}" if isinstance(default, float) \
            else default
        serve.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar=metavar,
                           type=str if isinstance(default, tuple) or default is None else type(default),
                           help=text if default is None else f"{text} (default: {shown})")
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"], default="info")
    serve.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True,
                       help="a line per request on standard error (default: on; off saves about a tenth of a "
                            "millisecond per request, for a proxy in front that logs them already)")
    serve.set_defaults(command=_serve)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..endpoint.app import create_app
    from ..endpoint.service import start_built, start_files, start_remote, start_store
    from ..endpoint.slow_clients import guarded_head_protocol
    from ..engines.publish import DEFAULT_GRAPH

    options = {name: getattr(args, name) for name, _, _ in _SETTING_OPTIONS}
    if options["cors_origins"] is not None:
        options["cors_origins"] = [o.strip() for o in options["cors_origins"].split(",") if o.strip()]
    settings = settings_from(**options)
    if sum(map(bool, (args.data, args.paths, args.backend, args.store))) > 1:
        raise KraeftgrafError("Give curated data as PATH arguments, other RDF files with --data, an on-disk store "
                              "with --store, or a remote endpoint with --backend: one of them.")
    if args.store and args.engine != "oxigraph":
        raise KraeftgrafError("--store is an Oxigraph store: leave out --engine rdflib, or serve the files with "
                              "--data instead.")
    if args.backend:
        service = start_remote(args.backend, graph=args.backend_graph or DEFAULT_GRAPH, settings=settings)
    elif args.store:
        service = start_store(args.store, settings=settings)
    elif args.data:
        service = start_files(args.data, settings=settings, engine=args.engine)
    else:
        service = start_built(args.paths or None, settings=settings, engine=args.engine)
    _say(f"loaded {service.summary.origin}: {service.summary.triples} triples")
    _say(service.pool.seal.describe())
    terminated = False
    if service.index_builder is not None:
        _say(f"the full-text index was not ready within --index-wait {settings.index_wait:g} s; a process of its own "
             "goes on building it, and /api/search answers 503 with Retry-After until it is ready")
    try:
        listener = _listen(args.host, args.port)
        address = f"http://{_show_host(args.host)}:{listener.getsockname()[1]}"
        service.settings = listening_at(service.settings, address)  # after the workers' fork: read in the server
        _say(f"serving {address}/ ({settings.workers} workers, {settings.timeout:g} s per query; see GET /sparql for "
             "every limit)")
        config = uvicorn.Config(create_app(service), log_level=args.log_level, access_log=args.access_log,
                                http=guarded_head_protocol(settings.header_timeout, settings.max_body + _HEADER_ROOM))
        server = uvicorn.Server(config)
        service.pool.on_broken = lambda: setattr(server, "should_exit", True)  # a supervisor restarts us
        signal.signal(signal.SIGTERM, _leave_after_shutdown)
        server.run(sockets=[listener])
    except _Terminated:
        terminated = True
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM while closing ends the process at once
        service.close()
    if terminated:  # end by the signal, as uvicorn would have, for whoever sent it
        signal.raise_signal(signal.SIGTERM)
    if service.pool.broken:
        raise KraeftgrafError("Stopped: the process that starts query workers died, so the server could no longer "
                              "keep its workers. Start it again.")
    return EXIT_OK


class _Terminated(BaseException):
    """SIGTERM came, and uvicorn has shut down."""


def _leave_after_shutdown(signum: int, frame: object) -> None:
    """SIGTERM once uvicorn has shut down gracefully: its newer releases raise the signal again under the handler
    they found (this one), which unwinds to where the service is closed (workers, index builder, the served index
    file, the relay) before the process ends by the signal. Without it the process ended at once and closed
    nothing. Older releases return from `run` instead, and `serve` closes the service and exits with 0."""
    raise _Terminated()


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, opened after the workers are forked so that they never hold the port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise KraeftgrafError(f"--host {host}: not an address to listen on ({exc.strerror}).") from exc
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise KraeftgrafError(f"Cannot listen on {host}:{port}: {exc.strerror}. Choose another --port.") from exc
    listener.listen(128)
    return listener


def _show_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _say(message: str) -> None:
    print(f"kraeftgraf serve: {message}", file=sys.stderr, flush=True)
