// Entry of static/vendor/sparqljs.js: SPARQL.js's parser and generator, for the editor's Format button.
export { Parser, Generator } from "sparqljs";
