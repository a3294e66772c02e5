"""HTML for people: the frame every page shares, entity pages, the ontology page, the source viewer, and the web
page's static files.

May import: the base modules, `sparql`, `graph`, `engines`, `queries`. Never the endpoint: pages are rendered
by whoever calls them.
"""
