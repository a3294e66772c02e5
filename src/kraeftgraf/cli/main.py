"""The `kraeftgraf` command: build, load, stats, publish; validate, verify-sources, queries, serve register below."""

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import KraeftgrafError, ValidationFailedError
from ..version import __version__
from . import checks as cli_checks
from . import curation as cli_curation
from . import queries as cli_queries
from . import search as cli_search
from . import serve as cli_serve

if TYPE_CHECKING:
    from rdflib import Dataset

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2
DEFAULT_OUTPUT = Path("dist/kraeftgraf.trig")  # what `build` writes when asked for neither --output nor --store
PUBLISH_PASSWORD = "KRAEFTGRAF_PUBLISH_PASSWORD"  # where `publish --user` reads the password from

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; 0 all good, 1 data does not conform, 2 could not run."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        command: Command = args.command
        return command(args)
    except ValidationFailedError as exc:  # build, serve, publish: the same report as `validate`, and its exit code
        print(f"kraeftgraf: {exc}", file=sys.stderr)
        return EXIT_NONCONFORMING
    except KraeftgrafError as exc:
        print(f"kraeftgraf: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kraeftgraf", description="A knowledge graph of Danish cancer-plan documents.")
    parser.add_argument("--version", action="version", version=f"kraeftgraf {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    cli_checks.add_commands(commands)

    build = commands.add_parser("build", help="write the validated, inferred dataset to a TriG file or a store")
    _add_data_paths(build)
    build.add_argument("--output", type=Path, metavar="FILE",
                       help=f"the TriG file to write (default: {DEFAULT_OUTPUT}, but none when only --store is given)")
    build.add_argument("--store", type=Path, metavar="DIR",
                       help="write it into an on-disk Oxigraph store for `kraeftgraf serve --store DIR` (and into "
                            "the --output file only when that is given too)")
    build.set_defaults(command=_build)

    load = commands.add_parser("load", help="load RDF files as they are into an on-disk store for `serve --store`")
    load.add_argument("files", nargs="+", type=Path, metavar="FILE",
                      help="Turtle, N-Triples, TriG or N-Quads files (e.g. what `kraeftgraf build` wrote)")
    load.add_argument("--store", type=Path, metavar="DIR", required=True,
                      help="the folder to write the store to (a store already there is replaced)")
    load.set_defaults(command=_load)

    stats = commands.add_parser("stats", help="count facts per class and per source document")
    _add_data_paths(stats)
    stats.add_argument("--format", choices=["text", "json"], default="text")
    stats.set_defaults(command=_stats)

    publish = commands.add_parser("publish", help="upload the validated dataset to a SPARQL Graph Store")
    _add_data_paths(publish)
    publish.add_argument("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store")
    publish.add_argument("--graph", default=None, help="IRI of the named graph to replace (default: the dataset IRI)")
    publish.add_argument("--user", default=None, metavar="NAME",
                         help=f"the Graph Store account (digest authentication, e.g. Virtuoso's "
                              f"/sparql-graph-crud-auth); its password is read from ${PUBLISH_PASSWORD}")
    publish.set_defaults(command=_publish)
    cli_queries.add_commands(commands)
    cli_search.add_commands(commands)
    cli_serve.add_commands(commands)
    cli_curation.add_commands(commands)
    return parser


def _add_data_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="data files or folders (default: the embedded data/ttl)")


def _data_paths(args: argparse.Namespace) -> list[Path] | None:
    return list(args.paths) or None


def _build(args: argparse.Namespace) -> int:
    from ..graph.pipeline import build

    built = build(_data_paths(args)).require_valid()
    output: Path | None = args.output
    if output is None and args.store is None:
        output = DEFAULT_OUTPUT
    if output is not None:
        _write_trig(built.dataset, output)
        quads = sum(1 for _ in built.dataset.quads((None, None, None, None)))  # len() counts the union's triples
        print(f"kraeftgraf build: wrote {quads} quads to {output}")
    if built.located is not None:
        located = built.located
        print(f"kraeftgraf build: located {len(located.locations)} quotes in their source texts ({located.pages} "
              f"on a page the text marks); {located.ambiguous} stand in more than one place, "
              f"{located.ambiguous_unanchored} of them with no other quote of their resource to choose by (the "
              "first place is taken)")
    if args.store is not None:
        _build_store(built.dataset, args.store, written=output)
    return EXIT_OK


def _build_store(dataset: "Dataset", location: Path, *, written: Path | None) -> None:
    """The store, loaded from the TriG file just written or, with none asked for, from one beside the store."""
    if written is not None:
        _write_store([written], location, "build")
        return
    location.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{location.name}.", dir=location.parent) as folder:
        trig = Path(folder) / DEFAULT_OUTPUT.name  # the same name, so the same store version as with --output
        dataset.serialize(destination=trig, format="trig")
        _write_store([trig], location, "build")


def _write_trig(dataset: "Dataset", output: Path) -> None:
    """Write beside the target, then rename: a failed write never leaves half a file, nor a partial one."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        dataset.serialize(destination=partial, format="trig")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)


def _load(args: argparse.Namespace) -> int:
    _write_store(args.files, args.store, "load")
    return EXIT_OK


def _write_store(files: list[Path], location: Path, command: str) -> None:
    from ..engines.disk_store import write_store

    quads = write_store(files, location)
    print(f"kraeftgraf {command}: wrote {quads} quads to the store {location}; serve it with "
          f"`kraeftgraf serve --store {location}`")


def _stats(args: argparse.Namespace) -> int:
    from ..graph.pipeline import build
    from ..graph.stats import compute_stats, stats_table
    from ..queries.tables import text_table

    built = build(_data_paths(args))
    stats = compute_stats(built.dataset)
    if args.format == "json":
        print(json.dumps(asdict(stats), ensure_ascii=False, indent=2))
    else:
        print(text_table(stats_table(stats)))
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    from ..engines.publish import DEFAULT_GRAPH, Credentials, publish
    from ..graph.pipeline import build

    credentials = None
    if args.user is not None:  # the password never on the command line, where `ps` and shell history show it
        password = os.environ.get(PUBLISH_PASSWORD)
        if not password:
            raise KraeftgrafError(f"--user {args.user} needs its password in the environment variable "
                                  f"{PUBLISH_PASSWORD} (it is never given on the command line); set it and "
                                  "run the command again.")
        credentials = Credentials(args.user, password)
    built = build(_data_paths(args)).require_valid()
    graph = args.graph or DEFAULT_GRAPH
    count = publish(built.dataset, args.endpoint, graph=graph, credentials=credentials)
    print(f"kraeftgraf publish: replaced <{graph}> at {args.endpoint} with {count} triples")
    return EXIT_OK
