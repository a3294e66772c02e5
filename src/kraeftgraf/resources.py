"""Where the ontology, shapes, curated data and saved queries are, in a checkout or an install."""

import importlib.util
from pathlib import Path

_PACKAGES = {
    "ontology": "kraeftgraf_resources.ontology",
    "shapes": "kraeftgraf_resources.shapes",
    "data": "kraeftgraf_resources.data",
    "queries": "kraeftgraf_resources.queries",
}


def resource_dir(kind: str) -> Path:
    """The folder holding one kind of resource: "ontology", "shapes", "data" or "queries"."""
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
