"""SPARQL as text: the grammar's tokens, and what a query is (its form, the graphs it names, whether it calls out).

Owns: the lexer and the reading of a query from its tokens. May import: the package's base modules (errors,
namespaces). Imported by every layer above that handles query text (engines, queries, the endpoint).
"""
