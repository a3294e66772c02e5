"""kraeftgraf: a knowledge graph of Danish cancer-plan documents."""

__version__ = "0.1.0"

# Imported after __version__: some of the modules these load read it.
from .api import KnowledgeGraph, Rows, open  # noqa: E402
from .errors import KraeftgrafError  # noqa: E402
from .queries import SavedQuery  # noqa: E402

__all__ = ["KnowledgeGraph", "KraeftgrafError", "Rows", "SavedQuery", "__version__", "open"]
