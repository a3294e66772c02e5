"""The full-text index an endpoint serves: one file of the endpoint's own, which its query workers map read-only.

Mapped, the index's pages are held once, in the operating system's file cache, and shared by every worker that
searches; no process holds a copy on its heap (at ×100 the index is 270 MB: before, the server held its bytes and
each worker that searched made a private copy of them). The file lives in a folder of its own for as long as the
endpoint runs: a hard link to the cache's entry where the file system allows it, a copy otherwise. So pruning the
cache while the endpoint serves cannot take the file away from a worker that starts later.
"""

import os
import shutil
import tempfile
import weakref
from pathlib import Path

from .index import SearchIndex

_FILE_NAME = "index.search.sqlite"


class ServedIndex:
    """An index file owned by this process, removed by `close` (or when the object is collected, or at exit).

    Forked processes share the object but never remove the file: only the process that made it does.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / _FILE_NAME
        self._remove = weakref.finalize(self, _remove_folder, folder, os.getpid())

    @classmethod
    def of_file(cls, source: Path) -> "ServedIndex":
        """Serve the index file `source` (an entry of the index cache) through a link or copy of its own."""
        served = cls(_private_folder())
        try:
            try:
                os.link(source, served.path)
            except OSError:  # another file system, or one without hard links
                shutil.copyfile(source, served.path)
        except BaseException:
            served.close()
            raise
        return served

    @classmethod
    def of_index(cls, index: SearchIndex) -> "ServedIndex":
        """Serve an index that is in memory only (data without a version, which the cache cannot key)."""
        served = cls(_private_folder())
        try:
            served.path.write_bytes(index.to_bytes())
        except BaseException:
            served.close()
            raise
        return served

    def open(self) -> SearchIndex:
        """The index, read-only and mapped: call it once per process (an SQLite connection must not cross a fork)."""
        return SearchIndex.open_file(self.path)

    def close(self) -> None:
        """Remove the file and its folder (a worker that still has it open keeps reading it until it ends)."""
        self._remove()


def _private_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="kraeftgraf-index-"))


def _remove_folder(folder: Path, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
