"""The full-text index an endpoint serves: one file of the endpoint's own, which its query workers map read-only.

Mapped, the index's pages are held once, in the operating system's file cache, and shared by every worker that
searches; no process holds a copy on its heap (at ×100 the index is 270 MB: before, the server held its bytes and
each worker that searched made a private copy of them). The file lives in a folder of its own for as long as the
endpoint runs: a hard link to the cache's entry where the file system allows it, a copy otherwise. So pruning the
cache while the endpoint serves cannot take the file away from a worker that starts later.

The file may come after the endpoint has started (a process of its own builds it, see `endpoint.index_builder`):
it appears at once and whole (renamed or linked into place), and until it does `open` says it is being built.
"""

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path

from ..errors import SearchIndexBuildingError, SearchIndexFailedError
from .index import SearchIndex

_FILE_NAME = "index.search.sqlite"
_FAILED_NAME = "failed"  # left by a builder that could not build the index


class ServedIndex:
    """An index file owned by this process, removed by `close` (or when the object is collected, or at exit).

    Forked processes share the object but never remove the file: only the process that made it does.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / _FILE_NAME
        self._remove = weakref.finalize(self, _remove_folder, folder, os.getpid())

    @classmethod
    def pending(cls) -> "ServedIndex":
        """A served index whose file is still to come (`place`, `write` or `mark_failed`)."""
        return cls(Path(tempfile.mkdtemp(prefix="kraeftgraf-index-")))

    @classmethod
    def of_file(cls, source: Path) -> "ServedIndex":
        """Serve the index file `source` (an entry of the index cache) through a link or copy of its own."""
        return cls._filled(lambda served: served.place(source))

    @classmethod
    def of_index(cls, index: SearchIndex) -> "ServedIndex":
        """Serve an index that is in memory only (data without a version, which the cache cannot key)."""
        return cls._filled(lambda served: served.write(index))

    @classmethod
    def _filled(cls, fill: Callable[["ServedIndex"], None]) -> "ServedIndex":
        served = cls.pending()
        try:
            fill(served)
        except BaseException:  # no empty folder left behind
            served.close()
            raise
        return served

    def place(self, source: Path) -> None:
        """Put the file `source` in place: hard-linked (one step), or copied beside it first and then renamed."""
        try:
            os.link(source, self.path)
        except OSError:  # another file system, or one without hard links
            partial = self.folder / f"{_FILE_NAME}.partial"
            shutil.copyfile(source, partial)
            partial.replace(self.path)

    def write(self, index: SearchIndex) -> None:
        """Put an index that is in memory in place: written beside it first, then renamed."""
        partial = self.folder / f"{_FILE_NAME}.partial"
        partial.write_bytes(index.to_bytes())
        partial.replace(self.path)

    def mark_failed(self) -> None:
        """Say that no file will come: searches are then told the index could not be built."""
        (self.folder / _FAILED_NAME).touch()

    def open(self) -> SearchIndex:
        """The index, read-only and mapped: call it once per process (an SQLite connection must not cross a fork).

        SearchIndexBuildingError while the file is still to come; SearchIndexFailedError when it never will.
        """
        if self.ready:
            return SearchIndex.open_file(self.path)
        if self.failed:
            raise SearchIndexFailedError()
        raise SearchIndexBuildingError()

    @property
    def ready(self) -> bool:
        """True once the file is in place."""
        return self.path.exists()

    @property
    def failed(self) -> bool:
        """True when no file will come (see `mark_failed`)."""
        return (self.folder / _FAILED_NAME).exists()

    def close(self) -> None:
        """Remove the file and its folder (a worker that still has it open keeps reading it until it ends)."""
        self._remove()


def _remove_folder(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
