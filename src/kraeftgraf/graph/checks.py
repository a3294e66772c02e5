"""What `validate` and `verify-sources` check: all the data, or given files with the rest of the data as context.

A data file on its own refers to regions, documents and plans described in the reference files and to things
other documents' files describe, so checked alone it is full of false problems ("referred to but never
described") and its quotes have no source document. Given files are therefore loaded with the other data files
of the checked folder as context, and only the problems in the given files are reported.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..namespaces import KG
from ..resources import ResourceFolders
from .load import expand_paths, load_dataset
from .locations import Locator
from .pipeline import build
from .sources import QuoteFailure, verify_quotes
from .validation import ValidationResult


@dataclass(frozen=True)
class CheckScope:
    """The files whose problems are reported, the files loaded only as context, and where both come from."""

    folders: ResourceFolders
    checked: list[Path]
    context: list[Path] = field(default_factory=list)
    given: bool = False  # files were named on the command line (not the whole data folder)

    def describe(self) -> str:
        """One line saying what is checked, against which ontology and shapes, with what as context."""
        origin = self.folders.describe()
        if not self.given:
            return (f"checking {origin}: the {len(self.checked)} data files of {self.folders.data}, with its "
                    "ontology and shapes")
        files = self.named()
        if self.context:
            return (f"checking {files}, with the other {len(self.context)} data files of {origin} as context "
                    "(problems in those are not reported)")
        return f"checking {files} alone, with the ontology and shapes of {origin}"

    def named(self) -> str:
        """The checked files, by name when there are a few."""
        return ", ".join(map(str, self.checked)) if len(self.checked) <= 3 else f"the {len(self.checked)} files"

    def reports_on(self, source_file: str) -> bool:
        """Whether a problem in this file is reported (one not placed in any file always is)."""
        return not source_file or source_file in {str(p) for p in self.checked}


def scope_of(paths: Sequence[Path], folders: ResourceFolders, *, alone: bool = False) -> CheckScope:
    """The data folder's files when no path is given; else the given files, with the folder's others as context.

    A given file takes the place of the folder's file of the same name (a copy being edited elsewhere).
    """
    if not paths:
        return CheckScope(folders=folders, checked=folders.data_files())
    checked = expand_paths(paths)
    names = {p.name for p in checked}
    context = [] if alone else [p for p in folders.data_files() if p.name not in names]
    return CheckScope(folders=folders, checked=checked, context=context, given=True)


@dataclass(frozen=True)
class CheckedReport:
    """The problems in the checked files, and how many the context files have (not shown)."""

    results: list[ValidationResult]
    hidden_violations: int
    hidden_warnings: int

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def validate_scope(scope: CheckScope) -> CheckedReport:
    """Load, infer and validate the checked files with their context; keep the problems in the checked files."""
    folders = scope.folders
    # The shapes only: where quotes stand in their texts is what verify-sources checks (and `build` computes).
    built = build([*scope.context, *scope.checked], ontology_paths=folders.ontology_files(),
                  shapes_paths=folders.shapes_files(), prefer=scope.checked, locate=False)
    shown = [r for r in built.report.results if scope.reports_on(r.source_file)]
    hidden = [r for r in built.report.results if not scope.reports_on(r.source_file)]
    return CheckedReport(results=shown, hidden_violations=sum(r.severity == "Violation" for r in hidden),
                         hidden_warnings=sum(r.severity == "Warning" for r in hidden))


@dataclass(frozen=True)
class QuoteReport:
    """The quotes of the checked files that are not in their source text, and how many quotes were checked."""

    failures: list[QuoteFailure]
    quotes: int


def verify_scope(scope: CheckScope, sources: Path) -> QuoteReport:
    """Check the quotes written in the checked files; the context supplies their documents' source files."""
    files = [*scope.checked, *scope.context]
    dataset = load_dataset(files)
    locator = Locator(dataset, files)
    failures = [f for f in verify_quotes(dataset, sources, locator=locator) if scope.reports_on(f.data_file)]
    checked = {str(p) for p in scope.checked}
    quotes = sum(any(str(p) in checked for p in locator.files_describing(evidence))
                 for evidence in dataset.subjects(KG.quote, None))
    return QuoteReport(failures=failures, quotes=quotes)
