"""kraeftgraf: a knowledge graph of Danish cancer-plan documents."""
__version__ = "0.1.0"
