"""Saved queries and results: the `#+` header, parameters, the catalogue, result formats and tables.

Owns: reading `.rq` files, checking and binding parameters, running them on an engine, writing results as
SPARQL JSON/XML/CSV/TSV and RDF, text tables. May import: the base modules, `sparql`, `graph`, `engines`.
"""
