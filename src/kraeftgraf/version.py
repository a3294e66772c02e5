"""The package's version, in a module of its own so that every layer may read it (the same as pyproject.toml's)."""

__version__ = "0.1.0"
