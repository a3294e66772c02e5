"""The HTTP endpoint: SPARQL 1.1 Protocol, the saved-query API and pages, read-only and safe to expose.

Owns: the FastAPI app, protocol parsing and content negotiation, the query check (`safety`), the sealed
worker processes (`sandbox`, `workers`, `jobs`, `egress`), the answer cache, settings and HTTP problems.
May import: every layer below it (`sparql`, `graph`, `engines`, `queries`, `pages`); only `cli` imports it.
"""
