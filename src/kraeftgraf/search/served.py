"""The full-text index an endpoint serves: one file of the endpoint's own, which its query workers map read-only.

Mapped, the index's pages are held once, in the operating system's file cache, and shared by every worker that
searches; no process holds a copy on its heap (at ×100 the index is 270 MB: before, the server held its bytes and
each worker that searched made a private copy of them). The file lives in a folder of its own for as long as the
endpoint runs: a hard link to the cache's entry where the file system allows it, a copy otherwise. So pruning the
cache while the endpoint serves cannot take the file away from a worker that starts later.

The file may come after the endpoint has started (a process of its own builds it, see `endpoint.index_builder`):
it appears at once and whole (renamed or linked into place), and until it does `open` says it is being built.

An endpoint killed without a chance to clean up (SIGKILL, the out-of-memory killer) leaves its folder behind, and
with it a link that keeps a pruned cache entry's bytes on disk. The folder holds a lock file that its endpoint keeps
locked while it runs; the kernel drops the lock when the process ends, however it ends. The next endpoint to start
removes the folders whose lock nobody holds (a worker still mapping the file keeps reading it: Linux removes a
file's name, not its pages).
"""

import fcntl
import os
import shutil
import stat
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from ..errors import SearchIndexBuildingError, SearchIndexFailedError
from .index import SearchIndex

_FILE_NAME = "index.search.sqlite"
_FAILED_NAME = "failed"  # left by a builder that could not build the index
_FOLDER_PREFIX = "kraeftgraf-index-"
_OWNER_LOCK = "owner.lock"  # locked by the endpoint that made the folder, for as long as it runs
# A folder younger than this may belong to an endpoint that has made its lock file but not yet locked it.
ABANDONED_AFTER_SECONDS = 60.0


class ServedIndex:
    """An index file owned by this process, removed by `close` (or when the object is collected, or at exit).

    Forked processes share the object but never remove the file: only the process that made it does.
    """

    def __init__(self, folder: Path, owner_lock: int) -> None:
        self.folder = folder
        self.path = folder / _FILE_NAME
        self._remove = weakref.finalize(self, _remove_folder, folder, os.getpid(), owner_lock)

    @classmethod
    def pending(cls) -> "ServedIndex":
        """A served index whose file is still to come (`place`, `write` or `mark_failed`).

        The folders that endpoints killed before they could clean up left in the temporary directory go first.
        """
        parent = Path(tempfile.gettempdir())
        remove_abandoned(parent)
        folder = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX, dir=parent))
        owner_lock = os.open(folder / _OWNER_LOCK, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(owner_lock, fcntl.LOCK_EX)
        return cls(folder, owner_lock)

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


def remove_abandoned(parent: Path) -> list[Path]:
    """Remove the served-index folders in `parent` that no running endpoint holds; the folders removed."""
    removed = []
    for folder in parent.glob(f"{_FOLDER_PREFIX}*"):
        if _is_abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _is_abandoned(folder: Path) -> bool:
    """True for a folder of ours whose lock file is old enough and locked by no process."""
    try:
        found = folder.lstat()
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
            return False  # not a folder, or another user's: never ours to remove
        lock = os.open(folder / _OWNER_LOCK, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False  # no lock file: made by an older release, or an endpoint is making it now
    try:
        if time.time() - os.fstat(lock).st_mtime < ABANDONED_AFTER_SECONDS:
            return False
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False  # its endpoint still runs (or a process that inherited the lock from it)
    finally:
        os.close(lock)


def _remove_folder(folder: Path, owner: int, owner_lock: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(owner_lock)
