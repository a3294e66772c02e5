// Code for the current query, as the Wikidata Query Service offers it: the same request from curl, Python
// (SPARQLWrapper, or kraeftgraf's own API for a saved query) and R (httr). Pure text: the panel shows it.

import { answersGraph } from "./sparqltext.js";
import { JSON_RESULTS } from "./state.js";

const TURTLE = "text/turtle";

// A single-quoted shell word: a ' inside ends the quote, is escaped, and the quote reopens.
function shellWord(text) {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

// A Python string literal: triple-quoted as the query is written where nothing in it needs escaping.
function pythonString(text) {
  if (!/\\|"""|"$|\r/.test(text)) return `"""${text}"""`;
  return JSON.stringify(text);  // JSON's escapes (\" \\ \n \uXXXX) are Python's too
}

// An R string literal: R keeps line breaks inside quotes; only \ and " need escaping.
function rString(text) {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function curlSnippet(endpoint, query) {
  const accept = answersGraph(query) ? TURTLE : JSON_RESULTS;
  return `curl ${shellWord(endpoint)} \\\n  -H ${shellWord(`Accept: ${accept}`)} \\\n`
    + `  --data-urlencode ${shellWord(`query=${query}`)}\n`;
}

export function sparqlWrapperSnippet(endpoint, query) {
  const graph = answersGraph(query);
  const lines = [
    `from SPARQLWrapper import ${graph ? "TURTLE" : "JSON"}, POST, SPARQLWrapper  # pip install sparqlwrapper`,
    "",
    `endpoint = SPARQLWrapper(${JSON.stringify(endpoint)})`,
    "endpoint.setMethod(POST)",
    `endpoint.setQuery(${pythonString(query)})`,
    `endpoint.setReturnFormat(${graph ? "TURTLE" : "JSON"})`,
  ];
  if (graph) {
    lines.push("print(endpoint.queryAndConvert().decode())");
  } else {
    lines.push("results = endpoint.queryAndConvert()",
      "for row in results[\"results\"][\"bindings\"]:",
      "    print({name: term[\"value\"] for name, term in row.items()})");
  }
  return `${lines.join("\n")}\n`;
}

export function httrSnippet(endpoint, query) {
  const graph = answersGraph(query);
  const lines = [
    `library(httr)  # install.packages(c("httr", "jsonlite"))`,
    "",
    `query <- ${rString(query)}`,
    `response <- POST(${rString(endpoint)}, body = list(query = query), encode = "form",`,
    `                 add_headers(Accept = "${graph ? TURTLE : JSON_RESULTS}"))`,
    "stop_for_status(response)",
  ];
  if (graph) {
    lines.push(`cat(content(response, as = "text", encoding = "UTF-8"))`);
  } else {
    lines.push(`results <- jsonlite::fromJSON(content(response, as = "text", encoding = "UTF-8"))`,
      "rows <- results$results$bindings  # one data frame column per variable, with $value and $type",
      "print(rows)");
  }
  return `${lines.join("\n")}\n`;
}

// A saved query through kraeftgraf's Python API (README, "Python"): its parameters as keyword arguments,
// numbers as numbers. `params` is a list of [name, value, type] as the query's form sent them.
export function kraeftgrafSnippet(name, params) {
  const args = params.map(([param, value, type]) => {
    const number = (type === "integer" || type === "year") && /^-?\d+$/.test(value);
    return `, ${param}=${number ? value : JSON.stringify(value)}`;
  }).join("");
  return [
    "import kraeftgraf  # pip install kraeftgraf (this project's package)",
    "",
    "kg = kraeftgraf.open()  # loads, infers and validates the embedded data once",
    `rows = kg.query(${JSON.stringify(name)}${args})`,
    "for row in rows:",
    "    print(row)",
    "",
  ].join("\n");
}
