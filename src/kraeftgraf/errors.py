"""Errors the user can fix; the CLI prints them without a traceback and exits 2."""

import difflib
from collections.abc import Sequence
from pathlib import Path


class KraeftgrafError(Exception):
    """Something the user can fix. The CLI prints it without a traceback and exits 2."""


class DataFileError(KraeftgrafError):
    """A data, ontology or shapes file that cannot be read or parsed."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}\nFix the file there, then run `kraeftgraf validate`.")
        self.path = path


class SourcesDirectoryError(KraeftgrafError):
    """The folder of source texts for quote verification is missing."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: no such folder of source texts. Pass the folder that holds the documents' "
            "extracted text with --sources DIR."
        )
        self.path = path


class ValidationFailedError(KraeftgrafError):
    """The dataset does not conform to the shapes, so it is not built, published or served."""

    def __init__(self, violations: int) -> None:
        super().__init__(
            f"The data does not conform to the shapes ({violations} violations); nothing was written. "
            "Run `kraeftgraf validate` for the report."
        )
        self.violations = violations


class UnknownQueryError(KraeftgrafError):
    """A saved query name that does not exist."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        super().__init__(f"No saved query {name!r}.{hint} List them: `kraeftgraf queries`.")
        self.name = name
