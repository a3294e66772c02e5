"""The `queries`, `query` and `sparql` commands: list the saved questions, run one, run your own."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pyparsing import ParseBaseException

from ..engines.base import QueryEngine, QueryResult
from ..errors import KraeftgrafError, SparqlSyntaxError

EXIT_OK = 0
EXIT_FINDINGS = 1  # `queries --check` found constructs some stores refuse
TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "plain-json")
GRAPH_FORMATS = ("turtle", "nt", "jsonld", "rdfxml", "trig")
_ELLIPSIS = "…"
# Where a quote stands in its source text: its lines, and their address in the web page's source viewer (relative
# to the endpoint's root; one per quote, joined as the quotes are, where a row joins several).
_PLACE_COLUMNS = ("startLine", "endLine", "sourceLink")
_JOINED = " | "  # how a saved query joins the values of a many-valued column


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register `queries`, `query` and `sparql` on the `kraeftgraf` command line."""
    listing = commands.add_parser("queries", help="list the saved queries with their summaries and parameters")
    listing.add_argument("--lang", choices=["da", "en"], default="en", help="language of the summaries")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.add_argument("--catalogue", action="store_true",
                         help="write the Markdown catalogue with example results (queries/README.md)")
    listing.add_argument("--check", nargs="*", type=Path, default=None, metavar="PATH",
                         help="check saved queries (.rq files or folders; default: the shipped ones) for constructs "
                              "that some triple stores refuse or answer differently; non-zero exit if any")
    _add_data_option(listing)
    listing.set_defaults(command=_list_queries)

    run = commands.add_parser("query", help="run a saved query by name")
    run.add_argument("name", metavar="NAME", help="the query's name (see `kraeftgraf queries`)")
    run.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                     help="a parameter value, e.g. --param theme=id:theme-palliation (repeatable)")
    _add_output_options(run)
    run.set_defaults(command=_run_query)

    sparql = commands.add_parser("sparql", help="run an ad-hoc SPARQL query from a file or - (standard input)")
    sparql.add_argument("file", metavar="FILE|-", help="the query file, or - to read standard input")
    _add_output_options(sparql)
    sparql.set_defaults(command=_run_sparql)


def _add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", action="append", type=Path, default=None, metavar="PATH",
                        help="data file or folder to query (repeatable; default: the embedded data/ttl)")
    parser.add_argument("--endpoint", metavar="URL", default=None,
                        help="ask a remote SPARQL endpoint holding the published data (see `kraeftgraf publish`)")
    parser.add_argument("--graph", metavar="IRI", default=None,
                        help="with --endpoint: the named graph `kraeftgraf publish` wrote (default: the dataset IRI)")


def _engine(args: argparse.Namespace) -> "QueryEngine":
    """The remote endpoint given with --endpoint, else the (embedded or --data) dataset, built and validated."""
    from ..api import open as open_graph

    if args.endpoint and args.data:
        raise KraeftgrafError("Give --data or --endpoint, not both.")
    return open_graph(args.data, endpoint=args.endpoint, graph=args.graph).engine


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", "-f", choices=[*TABLE_FORMATS, *GRAPH_FORMATS], default=None,
                        help="output format (default: table for SELECT and ASK, turtle for CONSTRUCT and DESCRIBE)")
    parser.add_argument("--max-cell", type=int, default=100, metavar="N",
                        help="in tables, cut cells longer than N characters (0: never cut; default 100)")
    _add_data_option(parser)


def _list_queries(args: argparse.Namespace) -> int:
    from ..queries.saved import load_queries

    if args.check is not None:
        return _check_queries(args.check)
    queries = load_queries()
    if args.catalogue:
        from ..queries.catalogue import render_catalogue

        sys.stdout.write(render_catalogue(list(queries.values()), _engine(args)))
        return EXIT_OK
    if args.format == "json":
        import json

        from ..queries.catalogue import describe_query

        print(json.dumps([describe_query(q) for q in queries.values()], ensure_ascii=False, indent=2))
        return EXIT_OK
    for query in queries.values():
        print(f"{query.name}\n    {query.summary.get(args.lang)}")
        for param in query.params:
            default = f" (default {param.default})" if param.default is not None else " (required)"
            print(f"    --param {param.name}=...  {param.accepts()}{default}")
    print(f"\n{len(queries)} saved queries. Run one: kraeftgraf query NAME [--param key=value ...]")
    return EXIT_OK


def _check_queries(paths: Sequence[Path]) -> int:
    """Every non-portable construct as `file:line: problem` with its fix; EXIT_FINDINGS if there is any."""
    from .. import resources
    from ..queries.portability import portability_problems

    files: list[Path] = []
    for path in paths or [resources.resource_dir("queries")]:
        if not path.exists():
            raise KraeftgrafError(f"{path}: no such file or folder to check")
        files += sorted(path.glob("*.rq")) if path.is_dir() else [path]
    problems = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KraeftgrafError(f"{file}: cannot read the query: {exc}") from exc
        for finding in portability_problems(text):
            problems += 1
            print(f"{file}:{finding.line}: {finding.problem}\n    fix: {finding.hint}")
    print(f"{len(files)} {'query' if len(files) == 1 else 'queries'} checked, "
          f"{problems} non-portable {'construct' if problems == 1 else 'constructs'}")
    return EXIT_FINDINGS if problems else EXIT_OK


def _run_query(args: argparse.Namespace) -> int:
    from ..queries.saved import get_query, load_queries, run_saved_query

    query = get_query(args.name, load_queries())  # before the slow build: a typo fails fast
    values = _parse_params(query.name, args.param)
    for name in values:
        query.parameter(name)
    result = run_saved_query(query, _engine(args), values)
    _write(result, args)
    return EXIT_OK


def _run_sparql(args: argparse.Namespace) -> int:
    where = "standard input" if args.file == "-" else args.file
    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KraeftgrafError(f"{args.file}: cannot read the query: {exc}") from exc
    engine = _engine(args)
    try:
        result = engine.query(text)  # the engines predeclare the project's prefixes: lines stay as written
    except KraeftgrafError:
        raise
    except ParseBaseException as exc:
        raise SparqlSyntaxError(where, f"{exc.msg} (line {exc.lineno}, column {exc.col})") from exc
    except Exception as exc:  # rdflib raises plain Exception for unknown prefixes, bad GROUP BY and the like
        detail = str(exc).splitlines()[0] if str(exc) else "the engine gave no reason"
        raise KraeftgrafError(f"{where}: the query cannot run: {detail}\nFix the query and run it again.") from exc
    _write(result, args)
    return EXIT_OK


def _parse_params(query: str, pairs: Sequence[str]) -> dict[str, str]:
    from ..errors import ParameterError

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(query, pair, "write parameters as --param key=value, "
                                 "e.g. --param theme=id:theme-palliation.")
        values[name.strip()] = value
    return values


def _write(result: QueryResult, args: argparse.Namespace) -> None:
    from ..queries.formats import as_markdown, as_plain_json, as_text_rows, serialize
    from ..queries.tables import text_table

    tabular = result.form in ("SELECT", "ASK")
    fmt = args.format or ("table" if tabular else "turtle")
    if tabular != (fmt in TABLE_FORMATS):
        kind = "SELECT and ASK" if tabular else "CONSTRUCT and DESCRIBE"
        choices = TABLE_FORMATS if tabular else GRAPH_FORMATS
        raise KraeftgrafError(f"--format {fmt} does not fit a {result.form} query; {kind} results can be "
                              f"written as {', '.join(choices)}.")
    if fmt == "table":
        rows, empty = _without_empty_columns(as_text_rows(result))
        rows, left_out = _quotes_with_their_lines(rows)
        print(text_table([rows[0], *[_cut_cells(row, args.max_cell) for row in rows[1:]]]))
        if result.form == "SELECT":
            notes = [f"{len(result.rows)} {'row' if len(result.rows) == 1 else 'rows'}"]
            if empty:
                notes.append(f"no values in {', '.join(empty)}")
            if left_out:
                notes.append(f"{', '.join(left_out)} left out: see --format csv")
            print(f"({'; '.join(notes)})")
    elif fmt == "md":
        print(as_markdown(result))
    elif fmt == "plain-json":
        print(as_plain_json(result))
    else:
        sys.stdout.buffer.write(serialize(result, fmt))
        sys.stdout.flush()


def _without_empty_columns(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """The table without the columns no row fills (a terminal has no width to spare), and their names."""
    if len(rows) < 2:
        return rows, []
    keep = [i for i in range(len(rows[0])) if any(row[i] for row in rows[1:])]
    empty = [name for i, name in enumerate(rows[0]) if i not in keep]
    return [[row[i] for i in keep] for row in rows], empty


def _quotes_with_their_lines(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Each quote led by the lines it stands on ("L42-L44: ..."), and the place columns left out, with their names.

    A terminal cannot follow the viewer's address, and three more columns would leave the answer no width; the
    lines beside their quote say the same place in one. Without a quote column only the address is left out.
    """
    header = rows[0]
    if "sourceLink" not in header:
        return rows, []
    if "quote" not in header:
        return _without_columns(rows, ("sourceLink",))
    quote, link = header.index("quote"), header.index("sourceLink")
    led = [header]
    for row in rows[1:]:
        quotes, places = row[quote].split(_JOINED), row[link].split(_JOINED)
        if row[link] and len(places) == len(quotes):
            row = list(row)
            row[quote] = _JOINED.join(f"{place.partition('#')[2]}: {text}" if place else text
                                      for text, place in zip(quotes, places, strict=True))
        led.append(row)
    return _without_columns(led, _PLACE_COLUMNS)


def _without_columns(rows: list[list[str]], names: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """The table without the columns called `names`, and the names of those it had."""
    keep = [i for i, name in enumerate(rows[0]) if name not in names]
    left_out = [name for name in rows[0] if name in names]
    return [[row[i] for i in keep] for row in rows], left_out


def _cut_cells(row: Sequence[str], limit: int) -> list[str]:
    if limit <= 0:
        return list(row)
    return [cell if len(cell) <= limit else cell[: max(limit - 1, 1)].rstrip() + _ELLIPSIS for cell in row]
