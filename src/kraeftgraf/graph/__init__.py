"""The knowledge graph as data: load the Turtle files, infer, validate against the shapes, build once and cache.

Owns: loading RDF into rdflib, OWL RL inference, SHACL validation (pyshacl and the SPARQL checks run in
Oxigraph) and its findings (the file and line of each, follow-ons dropped, "did you mean"), the build pipeline
and its cache, what `validate` and `verify-sources` check, source-quote verification, the shipped source texts
and where each quote stands in them (offsets, lines, pages), statistics, IRI shortening,
and the curator's tools: finding quotes in a source text, looking resources up, scaffolding a document's file.
May import: the package's base modules (errors, namespaces, resources) and `sparql`. Nothing above it.
"""
