"""kraeftgraf: a knowledge graph of Danish cancer-plan documents."""

from .api import KnowledgeGraph, Rows, open
from .errors import KraeftgrafError
from .queries.saved import SavedQuery
from .version import __version__

__all__ = ["KnowledgeGraph", "KraeftgrafError", "Rows", "SavedQuery", "__version__", "open"]
