"""The package's layers hold: a module imports only from its own layer or the ones below it, never above.

Read from the source with `ast`, so that the rule is checked on every import, including those inside functions
and under TYPE_CHECKING, which run only sometimes.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "kraeftgraf"

# Lowest first. The root package (`kraeftgraf` itself) imports `api` to offer `kraeftgraf.open`, so importing it
# counts as importing `api`.
LAYERS: dict[str, int] = {
    "errors": 0, "namespaces": 0, "resources": 0, "version": 0,
    "links": 1,
    "sparql": 1,
    "graph": 2,
    "engines": 3,
    "queries": 4, "search": 4,
    "pages": 5,
    "endpoint": 6,
    "api": 7, "": 7,
    "cli": 8, "__main__": 9,
}


def unit_of(module: str) -> str:
    """The layer unit a dotted module under kraeftgraf belongs to: its subpackage or top-level module."""
    parts = module.split(".")
    assert parts[0] == "kraeftgraf", module
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted module) for every import of the kraeftgraf package in the source."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "kraeftgraf"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            else:
                target = node.module or ""
            if target == "kraeftgraf":  # `from kraeftgraf import resources`: each name is a module or the root's
                found += [(node.lineno, _submodule_or_root(alias.name)) for alias in node.names]
            elif target.split(".")[0] == "kraeftgraf":
                # `from kraeftgraf.x import y` may name a submodule y: the unit is decided by x all the same
                found.append((node.lineno, target))
    return sorted(found)


def _submodule_or_root(name: str) -> str:
    exists = (PACKAGE / f"{name}.py").exists() or (PACKAGE / name / "__init__.py").exists()
    return f"kraeftgraf.{name}" if exists else "kraeftgraf"


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The imports in the source that reach above the module's own layer."""
    own = unit_of(module)
    return [f"{module}:{line} imports {target} ({unit_of(target) or 'the root package'}, layer "
            f"{LAYERS[unit_of(target)]}) above its own layer {LAYERS[own]} ({own or 'root'})"
            for line, target in imported_modules(source, module, is_package=is_package)
            if LAYERS[unit_of(target)] > LAYERS[own]
            or (LAYERS[unit_of(target)] == LAYERS[own] and unit_of(target) != own and own in ("errors", "namespaces",
                                                                                              "resources", "version"))]


def package_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = {unit_of(module_name(path)) for path in package_modules()} - set(LAYERS)
    assert not unknown, f"add these to LAYERS in {__file__}: {sorted(unknown)}"


@pytest.mark.parametrize("path", package_modules(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_imports_from_a_layer_above_its_own(path: Path) -> None:
    if path == PACKAGE / "__init__.py":
        return  # the root offers the public API, gathered from above
    source = path.read_text(encoding="utf-8")
    assert violations(source, module_name(path), is_package=path.name == "__init__.py") == []


def test_the_check_sees_an_upward_import_wherever_it_stands() -> None:
    source = ("from ..errors import KraeftgrafError\n"
              "def build() -> None:\n"
              "    from ..endpoint.app import create_app\n"
              "from kraeftgraf.queries.saved import load_queries\n"
              "from .. import __version__\n")
    found = violations(source, "kraeftgraf.graph.pipeline")
    assert [line.split(" imports ")[1].split(" ")[0] for line in found] == [
        "kraeftgraf.endpoint.app", "kraeftgraf.queries.saved", "kraeftgraf"]


def test_every_subpackage_says_what_it_owns_and_may_import() -> None:
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and "import" in docstring, f"{folder.name}/__init__.py needs a docstring on its imports"
