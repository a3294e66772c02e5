// Downloading the shown result: the server's own formats (fetched again with that Accept header), and a CSV that
// Danish Excel opens as it should (written here from the result: UTF-8 with a BOM, ";" between cells, decimal comma).
// Each file is named after the query and its parameter values, so two downloads of one query never clash.
import { $, element } from "./dom.js";
import { decimalComma } from "./formatting.js";
import { defineStrings, t } from "./i18n.js";
import { showError } from "./results.js";
import { fetchAs } from "./run.js";
import { JSON_RESULTS, NUMERIC, problemText, state } from "./state.js";

defineStrings({
  da: {
    "downloads.label": "Hent", "downloads.excel": "CSV til Excel (da)",
    "downloads.excelTitle": "CSV som dansk Excel læser den: UTF-8 med BOM, semikolon og decimalkomma",
    "downloads.csvTitle": "SPARQL 1.1 CSV (komma, UTF-8)", "downloads.tsvTitle": "SPARQL 1.1 TSV",
    "downloads.jsonTitle": "SPARQL 1.1 JSON-resultater", "downloads.graphTitle": "Grafen som {format}",
  },
  en: {
    "downloads.label": "Download", "downloads.excel": "CSV for Excel (da)",
    "downloads.excelTitle": "CSV as Danish Excel reads it: UTF-8 with a BOM, semicolons and the decimal comma",
    "downloads.csvTitle": "SPARQL 1.1 CSV (comma, UTF-8)", "downloads.tsvTitle": "SPARQL 1.1 TSV",
    "downloads.jsonTitle": "SPARQL 1.1 JSON results", "downloads.graphTitle": "The graph as {format}",
  },
});

// button id -> what it fetches (the media types the endpoint negotiates: endpoint/protocol.py TABLE_OFFERS and
// GRAPH_OFFERS), the file's extension and which results it is for.
const FORMATS = {
  "download-csv": { accept: "text/csv", extension: "csv", kind: "table", title: "downloads.csvTitle" },
  "download-excel": { accept: null, extension: "csv", kind: "table", title: "downloads.excelTitle" },
  "download-tsv": { accept: "text/tab-separated-values", extension: "tsv", kind: "table", title: "downloads.tsvTitle" },
  "download-json": { accept: JSON_RESULTS, extension: "json", kind: "table", title: "downloads.jsonTitle" },
  "download-turtle": { accept: "text/turtle", extension: "ttl", kind: "graph", format: "Turtle" },
  "download-ntriples": { accept: "application/n-triples", extension: "nt", kind: "graph", format: "N-Triples" },
  "download-jsonld": { accept: "application/ld+json", extension: "jsonld", kind: "graph", format: "JSON-LD" },
};

export function initDownloads() {
  for (const [id, format] of Object.entries(FORMATS)) {
    $(id).addEventListener("click", () => (format.accept ? download(format) : saveExcelCsv()));
  }
  labelDownloads();
}

// The buttons' texts and titles in the chosen language.
export function labelDownloads() {
  $("downloads-label").textContent = t("downloads.label");
  $("download-excel").textContent = t("downloads.excel");
  for (const [id, format] of Object.entries(FORMATS)) {
    $(id).title = format.kind === "graph" ? t("downloads.graphTitle", { format: format.format }) : t(format.title);
  }
}

// Which downloads the shown result offers: "table" (SELECT, ASK), "graph" (CONSTRUCT, DESCRIBE) or null (none).
export function setDownloads(kind) {
  $("downloads").hidden = !kind;
  for (const [id, format] of Object.entries(FORMATS)) $(id).hidden = format.kind !== kind;
}

async function download(format) {
  const response = await fetchAs(format.accept);
  if (!response.ok) {
    showError(await problemText(response));
    return;
  }
  save(await response.blob(), `${downloadName(state.current)}.${format.extension}`);
}

function save(blob, filename) {
  const link = element("a", { href: URL.createObjectURL(blob), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// The shown result as Danish Excel opens it: the same cells as the SPARQL CSV, but UTF-8 with a byte order mark (or
// Excel reads it as Windows-1252), ";" between cells (a comma is the Danish decimal sign) and decimals with a comma.
export function excelCsv(result) {
  const quote = (cell) => (/[;"\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  let lines;
  if (typeof result.boolean === "boolean") {
    lines = [["_askResult"], [String(result.boolean)]];
  } else {
    const variables = result.head.vars;
    lines = [variables, ...result.results.bindings.map((row) => variables.map((v) => excelCell(row[v])))];
  }
  return `\uFEFF${lines.map((cells) => cells.map(quote).join(";")).join("\r\n")}\r\n`;
}

function excelCell(term) {
  if (!term) return "";
  if (term.type === "bnode") return `_:${term.value}`;
  return term.datatype && NUMERIC.test(term.datatype) ? decimalComma(term.value) : term.value;
}

function saveExcelCsv() {
  if (!state.result) return;
  save(new Blob([excelCsv(state.result)], { type: "text/csv;charset=utf-8" }),
    `${downloadName(state.current)}.csv`);
}

// A value as part of a file name: an IRI by its last part, Danish letters spelt out, anything else but letters,
// digits, "." and "-" made a "-".
function slug(value) {
  const local = /^(https?|urn):/.test(value) || /^[A-Za-z][\w-]*:[^/]/.test(value)
    ? value.replace(/[/#:]+$/, "").split(/[/#:]/).pop() : value;
  return local.replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa")
    .replace(/Æ/g, "Ae").replace(/Ø/g, "Oe").replace(/Å/g, "Aa")
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "").slice(0, 60);
}

// FNV-1a, 32 bits: a short, stable name for a query typed in the editor (crypto.subtle needs a secure context).
function shortHash(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

// The file name (without extension) for a download of `current`: `plan-items-by-theme_theme-palliation` for a saved
// query with its parameter values in order, `query-1a2b3c4d` for the editor's query (a hash of its text).
export function downloadName(current) {
  if (!current) return "result";
  if (current.name) {
    const search = new URL(current.url, location.href).searchParams;
    const values = [...search.entries()].filter(([name]) => name !== "lang").map(([, value]) => slug(value));
    return [slug(current.name), ...values.filter(Boolean)].join("_");
  }
  const body = current.init && current.init.body;
  const query = current.query || (body instanceof URLSearchParams ? body.get("query") : String(body || current.url));
  return `query-${shortHash(query || "")}`;
}
