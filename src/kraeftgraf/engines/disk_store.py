"""On-disk Oxigraph stores for `serve --store`: written once, then opened read-only by any number of servers.

A store is a RocksDB folder. Writing goes to a folder beside the target that is renamed into place when
complete, so a failed load never leaves half a store, and a marker file records what the store holds.
"""

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import KraeftgrafError
from ..graph.build_cache import content_version
from .oxigraph import load_files

_MARKER = "kraeftgraf-version"
_ROCKSDB_MARKER = "CURRENT"  # every RocksDB folder has it


def write_store(files: Sequence[Path], location: Path) -> int:
    """Load the RDF files into a new on-disk store at `location` (replacing one there); the number of quads."""
    partial = location.with_name(location.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        store = ox.Store(str(partial))
        load_files(store, files)
        store.optimize()
        quads = len(store)
        del store  # closes the database before the folder moves
        (partial / _MARKER).write_text(content_version(files), encoding="utf-8")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if location.exists():
        shutil.rmtree(location)
    partial.rename(location)
    return quads


def store_version(location: Path) -> str:
    """What the store holds: the digest of its input files when kraeftgraf wrote it, else of its own files.

    KraeftgrafError when the folder is not an Oxigraph store.
    """
    if not (location / _ROCKSDB_MARKER).is_file():
        raise KraeftgrafError(f"{location}: not an Oxigraph store. Write one with `kraeftgraf load --store DIR "
                              "FILE...` or `kraeftgraf build --store DIR`, then serve it.")
    marker = location / _MARKER
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()
    digest = hashlib.sha256()
    for path in sorted(p for p in location.iterdir() if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
