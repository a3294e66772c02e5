"""Full-text search over what the documents say: labels, descriptions, texts, quotes, status texts, milestones, notes,
and the documents' shipped source texts, passage by passage.

Owns: Danish stemming of words, reading the search text a person types, the texts of a dataset (with the document
each comes from), the source texts cut into passages with their lines, the SQLite FTS5 index over them (BM25
ranking, phrases, prefixes), highlighted snippets, the index's cache and its result formats. May import: the base
modules, `links`, `sparql`, `graph`, `engines`.
"""
