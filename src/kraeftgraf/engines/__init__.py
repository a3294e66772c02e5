"""One query-engine interface and its implementations: rdflib, pyoxigraph (memory and disk), a remote endpoint.

Owns: answering SPARQL over a dataset (parameters bound as values), writing answers natively where an engine
can, the on-disk Oxigraph store, publishing to a Graph Store. May import: the base modules, `sparql`, `graph`.
"""
