"""`kraeftgraf validate` and `kraeftgraf verify-sources`: the checks a curator runs on the data."""

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import resources

if TYPE_CHECKING:
    from ..graph.checks import CheckScope

EXIT_OK, EXIT_NONCONFORMING = 0, 1


def add_commands(commands: "argparse._SubParsersAction[Any]") -> None:
    """Register validate and verify-sources."""
    from .report_formats import FORMATS

    validate = commands.add_parser(
        "validate", help="load, infer and validate the data against the shapes",
        description="Inside a checkout of kraeftgraf, check its ontology/, shapes/ and data/ttl/; elsewhere the "
                    "installed copy. Given files are checked with the other data files as context, and only "
                    "their problems are reported.")
    _add_scope(validate)
    validate.add_argument("--format", choices=FORMATS, default="text",
                          help="text; json; github (workflow commands that annotate the files in a pull request); "
                               "junit (an XML report for CI)")
    validate.add_argument("--lang", choices=["en", "da"], default="en", help="language of the messages")
    validate.set_defaults(command=_validate)

    verify = commands.add_parser("verify-sources", help="check every quote against its source text")
    _add_scope(verify)
    verify.add_argument("--sources", type=Path, default=None,
                        help="folder with the documents' extracted text (default: the texts shipped with the checked "
                             "data, data/sources/)")
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.set_defaults(command=_verify_sources)


def _add_scope(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="data files or folders to check (default: all the data)")
    parser.add_argument("--alone", action="store_true",
                        help="check the given files on their own, without the other data files as context")


def _scope(args: argparse.Namespace) -> "CheckScope":
    from ..graph.checks import scope_of

    folders = resources.folders_for_checks()
    _warn_if_installed_copy_differs(folders)
    return scope_of(list(args.paths), folders, alone=args.alone)


def _warn_if_installed_copy_differs(folders: resources.ResourceFolders) -> None:
    if folders.checkout is None:
        return
    try:
        installed = resources.installed_folders()
    except FileNotFoundError:
        return
    differing = resources.differing_files(folders, installed)
    if not differing:
        return
    named = ", ".join(differing[:3]) + (f" and {len(differing) - 3} more" if len(differing) > 3 else "")
    print(f"kraeftgraf: warning: the installed copy in {installed.data.parent} differs from the checkout "
          f"{folders.checkout} in {named}. The checkout's files are checked; `kraeftgraf serve`, `build` and "
          "`query` use the installed copy until you reinstall (`pip install .`).", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from ..graph.checks import validate_scope
    from .report_formats import write_report

    scope = _scope(args)
    report = validate_scope(scope)
    print(write_report(report, scope, fmt=args.format, lang=args.lang))
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING


def _verify_sources(args: argparse.Namespace) -> int:
    from ..graph.checks import verify_scope

    scope = _scope(args)
    checked = verify_scope(scope, args.sources if args.sources is not None else scope.folders.sources)
    if args.format == "json":
        print(f"kraeftgraf verify-sources: {scope.describe()}", file=sys.stderr)
        print(json.dumps([asdict(f) for f in checked.failures], ensure_ascii=False, indent=2))
    else:
        print(f"kraeftgraf verify-sources: {scope.describe()}")
        for failure in checked.failures:
            print(failure.describe())
        where = f" in {scope.named()}" if scope.given else ""
        print(f"kraeftgraf verify-sources: {checked.quotes - len(checked.failures)} of {checked.quotes} "
              f"quotes{where} found in their source.")
    return EXIT_OK if not checked.failures else EXIT_NONCONFORMING
