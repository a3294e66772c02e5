"""Where the ontology, shapes, curated data, source texts and saved queries are, in a checkout or an install."""

import importlib.util
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

_PACKAGES = {
    "ontology": "kraeftgraf_resources.ontology",
    "shapes": "kraeftgraf_resources.shapes",
    "data": "kraeftgraf_resources.data",
    "sources": "kraeftgraf_resources.sources",
    "queries": "kraeftgraf_resources.queries",
}


def resource_dir(kind: str) -> Path:
    """The folder holding one kind of resource: "ontology", "shapes", "data", "sources" or "queries"."""
    spec = importlib.util.find_spec(_PACKAGES[kind])
    # Editable installs add a path-hook entry beside the real folder: take the first real one.
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location)
        if path.is_dir():
            return path
    raise FileNotFoundError(f"kraeftgraf is installed without its {kind} folder; reinstall it.")


def ontology_files() -> list[Path]:
    """The ontology and its concept schemes."""
    return sorted(resource_dir("ontology").glob("*.ttl"))


def shapes_files() -> list[Path]:
    """The SHACL shapes."""
    return sorted(resource_dir("shapes").glob("*.ttl"))


def data_files() -> list[Path]:
    """The curated Turtle files: reference data and one file per source document."""
    return sorted(resource_dir("data").glob("*.ttl"))


def sources_dir() -> Path:
    """The folder of the shipped source texts (each document's extracted text) and their manifest, sources.ttl."""
    return resource_dir("sources")


@dataclass(frozen=True)
class ResourceFolders:
    """The ontology, shapes and data one run reads: those of a checkout of the project, or the installed ones."""

    ontology: Path
    shapes: Path
    data: Path
    sources: Path  # the source texts the quotes are checked against, with their manifest
    checkout: Path | None = None  # the project folder, when the folders are a checkout's

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology.glob("*.ttl"))

    def shapes_files(self) -> list[Path]:
        return sorted(self.shapes.glob("*.ttl"))

    def data_files(self) -> list[Path]:
        return sorted(self.data.glob("*.ttl"))

    def describe(self) -> str:
        """"the checkout /work/kraeftgraf" or "the installed copy in .../kraeftgraf_resources"."""
        if self.checkout is not None:
            return f"the checkout {self.checkout}"
        return f"the installed copy in {self.data.parent}"

    def files(self) -> dict[str, Path]:
        """Every file, by its name in a checkout: ontology/..., shapes/..., data/ttl/..., data/sources/...."""
        named = {f"ontology/{p.name}": p for p in self.ontology_files()}
        named |= {f"shapes/{p.name}": p for p in self.shapes_files()}
        named |= {f"data/sources/{p.name}": p for p in sorted(self.sources.glob("*")) if p.suffix in (".txt", ".ttl")}
        return named | {f"data/ttl/{p.name}": p for p in self.data_files()}


def installed_folders() -> ResourceFolders:
    """The folders installed with the package (in an editable install, the checkout's own)."""
    return ResourceFolders(ontology=resource_dir("ontology"), shapes=resource_dir("shapes"), data=resource_dir("data"),
                           sources=resource_dir("sources"))


def find_checkout(start: Path) -> Path | None:
    """The folder at or above `start` that holds this project's pyproject.toml and its data/ttl, if any."""
    for folder in [start, *start.parents]:
        if (folder / "data" / "ttl").is_dir() and _is_this_project(folder / "pyproject.toml"):
            return folder
    return None


def checkout_folders(checkout: Path, *, relative: bool = False) -> ResourceFolders:
    """A checkout's own ontology, shapes and data folders; with `relative`, as seen from the current folder.

    Seen from the checkout's top, the files are named as a pull request names them (data/ttl/x.ttl), which is
    what CI annotations need.
    """
    base = Path(os.path.relpath(checkout)) if relative else checkout
    return ResourceFolders(ontology=base / "ontology", shapes=base / "shapes", data=base / "data" / "ttl",
                           sources=base / "data" / "sources", checkout=checkout)


def folders_for_checks(start: Path | None = None) -> ResourceFolders:
    """What `validate` and `verify-sources` check: inside a checkout, its files; elsewhere, the installed ones.

    A checkout's files are the ones being edited; an installed copy (`pip install .`) is a snapshot of them taken
    at install time, which would let a broken file in the working tree pass unseen.
    """
    start = (start or Path.cwd()).resolve()
    checkout = find_checkout(start)
    return checkout_folders(checkout, relative=True) if checkout is not None else installed_folders()


def differing_files(checked: ResourceFolders, installed: ResourceFolders) -> list[str]:
    """The files (named as in a checkout) that one of the two lacks or holds with other bytes."""
    if (checked.ontology.resolve(), checked.shapes.resolve(), checked.data.resolve(), checked.sources.resolve()) == (
            installed.ontology.resolve(), installed.shapes.resolve(), installed.data.resolve(),
            installed.sources.resolve()):
        return []
    mine, theirs = checked.files(), installed.files()
    return sorted(name for name in mine.keys() | theirs.keys()
                  if name not in mine or name not in theirs or mine[name].read_bytes() != theirs[name].read_bytes())


def _is_this_project(pyproject: Path) -> bool:
    try:
        with pyproject.open("rb") as file:
            return bool(tomllib.load(file).get("project", {}).get("name") == "kraeftgraf")
    except (OSError, tomllib.TOMLDecodeError):
        return False
