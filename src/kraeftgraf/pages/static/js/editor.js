// The SPARQL editor.
import { $ } from "./dom.js";
import { run } from "./run.js";
import { state } from "./state.js";

export function initEditor() {
  const editor = $("editor");
  const declarations = Object.entries(state.prefixes).map(([name, iri]) => `PREFIX ${name}: <${iri}>`).join("\n");
  editor.value = `${declarations}\n\nSELECT ?recommendation ?label\nWHERE {\n  ?recommendation a kg:Recommendation ;\n`
    + `                  rdfs:label ?label .\n  FILTER(LANG(?label) = "da")\n}\nORDER BY ?recommendation\nLIMIT 50\n`;
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); runSparql(); }
  });
  $("run-sparql").addEventListener("click", runSparql);
}

// The editor's text, for the other parts of the page (open a saved query here, share a link, generate code).
export function getQuery() {
  return $("editor").value;
}

export function setQuery(query) {
  $("editor").value = query;
}

export function runSparql() {
  const body = new URLSearchParams({ query: getQuery() });
  state.current = {
    name: null, title: "SPARQL query", filename: "query", url: "sparql",
    init: { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
  };
  run();
}
