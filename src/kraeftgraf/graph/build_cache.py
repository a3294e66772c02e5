"""A cache of valid builds, keyed by the exact bytes of every input and of the program, so serving starts in a moment.

The program is part of the key because a build is only as valid as the code that inferred and validated it:
a changed module under the same version number must build (and validate) again.
"""

import hashlib
import importlib.metadata
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Dataset

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_cache_dir() -> Path:
    """$KRAEFTGRAF_CACHE_DIR, else $XDG_CACHE_HOME/kraeftgraf, else ~/.cache/kraeftgraf."""
    if "KRAEFTGRAF_CACHE_DIR" in os.environ:
        return Path(os.environ["KRAEFTGRAF_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kraeftgraf"


# The libraries whose versions decide what a build holds and whether it validates: the parser, inference and
# SHACL engines, and the store the dataset-wide SPARQL checks run in.
_DECIDING_LIBRARIES = ("rdflib", "pyshacl", "owlrl", "pyoxigraph")


def program_digest(package: Path = PACKAGE_DIR) -> str:
    """A digest of the package's Python source files and of the deciding libraries' versions.

    It changes with any line of the program and with an upgrade or downgrade of rdflib, pyshacl, owlrl or
    pyoxigraph: a build is only as valid as the code that inferred and validated it.
    """
    digest = hashlib.sha256()
    for library in _DECIDING_LIBRARIES:
        digest.update(f"{library} {_version_of(library)}\n".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _version_of(library: str) -> str:
    try:
        return importlib.metadata.version(library)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def content_version(inputs: Sequence[Path], *, note: str = "") -> str:
    """A digest of the input files' names and bytes and of the program's source: equal only for equal data.

    `note` tells apart builds of the same files that hold different things (one that located the quotes in
    their source texts, one that did not).
    """
    digest = hashlib.sha256(f"kraeftgraf {program_digest()} {note}\n".encode())
    for path in inputs:
        digest.update(f"{path.name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class BuildCache:
    """Stores the inferred dataset of a build that passed validation; any changed input byte misses."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_cache_dir()

    def file_for(self, key: str) -> Path | None:
        """The N-Quads file of the valid build cached under `key`, if there is one (marked as just used)."""
        path = self.folder / f"{key}.nq"
        return path if mark_used(path) else None

    def load(self, key: str) -> Dataset | None:
        path = self.file_for(key)
        if path is None:
            return None
        dataset = Dataset(default_union=True)
        dataset.parse(path, format="nquads")
        return dataset

    def store(self, key: str, dataset: Dataset) -> None:
        """Write atomically (temporary file, then rename), so a crash never leaves half an entry."""
        store_atomically(self.folder / f"{key}.nq", lambda partial: dataset.serialize(destination=partial,
                                                                                     format="nquads"))
        prune(self.folder, ".nq")


KEEP_ENTRIES = 12  # of each kind: every change of the program or the data makes a new one, and none is reused


def store_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Have `write` fill a temporary file of this process's own beside `path`, then rename it to `path`: a crash
    never leaves half an entry, two processes storing the same entry never write into one file, and a reader never
    sees a file change under it (it keeps the one it opened)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def mark_used(path: Path) -> bool:
    """Set the entry's time to now, so that pruning keeps it; False when there is no such entry."""
    try:
        os.utime(path)
    except OSError:
        return False
    return path.is_file()


def prune(folder: Path, suffix: str, keep: int = KEEP_ENTRIES) -> None:
    """Delete all but the `keep` most recently used entries ending in `suffix`: without it the cache only grows
    (a developer's reached 400 MB in a day). An entry another process deletes meanwhile is simply gone."""
    entries = []
    for path in folder.glob(f"*{suffix}"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _used, path in sorted(entries, reverse=True)[keep:]:
        path.unlink(missing_ok=True)
