"""A cache of valid builds, keyed by the exact bytes of every input, so serving starts in a moment."""

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset

from . import __version__


def default_cache_dir() -> Path:
    """$KRAEFTGRAF_CACHE_DIR, else $XDG_CACHE_HOME/kraeftgraf, else ~/.cache/kraeftgraf."""
    if "KRAEFTGRAF_CACHE_DIR" in os.environ:
        return Path(os.environ["KRAEFTGRAF_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kraeftgraf"


def content_version(inputs: Sequence[Path]) -> str:
    """A digest of the input files' names and bytes and of this program's version: equal only for equal data."""
    digest = hashlib.sha256(f"kraeftgraf {__version__}\n".encode())
    for path in inputs:
        digest.update(f"{path.name}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class BuildCache:
    """Stores the inferred dataset of a build that passed validation; any changed input byte misses."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_cache_dir()

    def load(self, key: str) -> Dataset | None:
        path = self.folder / f"{key}.nq"
        if not path.is_file():
            return None
        dataset = Dataset(default_union=True)
        dataset.parse(path, format="nquads")
        return dataset

    def store(self, key: str, dataset: Dataset) -> None:
        """Write atomically (temporary file, then rename), so a crash never leaves half an entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{key}.nq.partial"
        dataset.serialize(destination=partial, format="nquads")
        partial.replace(self.folder / f"{key}.nq")
