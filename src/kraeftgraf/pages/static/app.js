// The researcher page: full-text search, saved questions with a form each, a SPARQL editor, results as a table and
// a bar chart.
// Plain JavaScript served by the package itself: no build step, no CDN, works offline.
"use strict";

const ID = "https://w3id.org/kraeftgraf/id/";
const KG = "https://w3id.org/kraeftgraf/vocab#";
const JSON_RESULTS = "application/sparql-results+json";
const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedInt|unsignedLong|unsignedShort|unsignedByte)$/;
const MAX_BARS = 40;
const MAX_SERIES = 3;
const SEPARATOR = " | "; // how a saved query joins the values of a many-valued column
const SOURCE_PLACE = /^source\/[A-Za-z0-9][A-Za-z0-9._-]*#L\d+(-L\d+)?$/;

const state = {
  lang: localStorage.getItem("kraeftgraf.lang") || "da",
  queries: [],
  prefixes: {},
  current: null, // {title, url, init, filename}: how the shown result was fetched, for downloads
  result: null,
};

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function text(bilingual) {
  if (!bilingual) return "";
  return bilingual[state.lang] || bilingual[state.lang === "da" ? "en" : "da"] || "";
}

// Where the endpoint shows a resource: the same rule as the server's pages.
function resourceHref(iri) {
  const lang = state.lang === "da" ? "" : `lang=${state.lang}`;
  if (iri.startsWith(ID) && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(iri.slice(ID.length))) {
    return `resource/${iri.slice(ID.length)}${lang ? "?" + lang : ""}`;
  }
  if (iri.startsWith(KG)) return `ontology#${iri.slice(KG.length)}`;
  return `resource?iri=${encodeURIComponent(iri)}${lang ? "&" + lang : ""}`;
}

function shorten(iri) {
  for (const [name, namespace] of Object.entries(state.prefixes)) {
    if (iri.startsWith(namespace)) return `${name}:${iri.slice(namespace.length)}`;
  }
  return iri;
}

async function problemText(response) {
  const body = await response.text();
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.detail === "string") return parsed.detail;
  } catch (_) { /* plain text */ }
  return body.trim() || `${response.status} ${response.statusText}`;
}

// ---- saved questions ------------------------------------------------------------------------------------------

async function loadQueries() {
  const response = await fetch("api/queries", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    $("gallery").replaceChildren(element("li", { class: "error" }, await problemText(response)));
    return;
  }
  state.queries = await response.json();
  renderTags();
  renderGallery();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("q");
  if (wanted) openQuery(wanted);
}

function renderTags() {
  const counts = new Map();
  for (const query of state.queries) for (const tag of query.tags) counts.set(tag, (counts.get(tag) || 0) + 1);
  const popular = [...counts.entries()].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  $("tags").replaceChildren(...popular.slice(0, 24).map(([tag]) => element("button", {
    type: "button", class: "tag", onclick: () => { $("filter").value = tag; renderGallery(); },
  }, tag)));
}

function renderGallery() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = state.queries.filter((query) => {
    const haystack = [query.name, query.summary.da, query.summary.en, query.description.da, query.description.en,
      ...query.tags].join(" ").toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const items = matches.map((query) => element("li", {
    class: `card${state.current && state.current.name === query.name ? " selected" : ""}`,
    "data-query": query.name,
  }, element("button", { type: "button", onclick: () => openQuery(query.name) },
    element("span", { class: "summary" }, text(query.summary)),
    element("span", { class: "description" }, text(query.description)),
    element("span", { class: "card-tags" }, ...query.tags.map((tag) => element("span", { class: "tag" }, tag))))));
  $("gallery").replaceChildren(...(items.length ? items : [element("li", { class: "placeholder" }, "No saved question matches.")]));
}

function openQuery(name, { autorun = true } = {}) {
  const query = state.queries.find((q) => q.name === name);
  if (!query) return;
  showTab("queries");
  history.replaceState(null, "", `#q=${encodeURIComponent(name)}`);
  for (const card of document.querySelectorAll(".card")) card.classList.toggle("selected", card.dataset.query === name);
  const fields = query.params.map((param) => parameterField(param));
  const form = element("form", { id: "query-form", class: "query-form", onsubmit: (event) => {
    event.preventDefault();
    runSaved(query, new FormData(event.target));
  } },
  element("h2", {}, text(query.summary)),
  element("p", { class: "description" }, text(query.description)),
  element("p", { class: "meta" }, element("code", {}, `${query.name}.rq`), " · ",
    element("a", { href: `docs#/saved%20queries/query_${query.name}` }, "API")),
  ...fields,
  element("div", { class: "actions" }, element("button", { type: "submit", class: "primary" }, "Run")));
  $("query-form-pane").replaceChildren(form);
  if (autorun && query.params.every((p) => p.default !== null || !p.required)) runSaved(query, new FormData(form));
}

function parameterField(param) {
  const id = `param-${param.name}`;
  const label = element("label", { for: id }, element("strong", {}, param.name), " ",
    element("span", { class: "param-description" }, text(param.description)));
  let input;
  if (param.choices.length) {
    input = element("select", { id, name: param.name, required: param.required },
      param.required || param.default ? null : element("option", { value: "" }, "—"),
      ...param.choices.map((choice) => element("option", {
        value: choice.value, selected: choice.value === param.default,
      }, `${choice.label} (${shorten(choice.value)})`)));
  } else {
    const type = param.type === "integer" || param.type === "year" ? "number" : "text";
    input = element("input", { id, name: param.name, type, required: param.required, value: param.default || "",
      placeholder: param.accepts });
  }
  return element("div", { class: "field" }, label, input, element("small", { class: "accepts" }, `Accepts ${param.accepts}.`));
}

function runSaved(query, formData) {
  const params = new URLSearchParams();
  for (const [name, value] of formData.entries()) if (String(value).trim() !== "") params.append(name, value);
  const qs = params.toString();
  state.current = {
    name: query.name, title: text(query.summary), filename: query.name,
    url: `${query.path}${qs ? "?" + qs : ""}`, init: { method: "GET" },
  };
  run();
}

// ---- SPARQL editor ---------------------------------------------------------------------------------------------

function initEditor() {
  const editor = $("editor");
  const declarations = Object.entries(state.prefixes).map(([name, iri]) => `PREFIX ${name}: <${iri}>`).join("\n");
  editor.value = `${declarations}\n\nSELECT ?recommendation ?label\nWHERE {\n  ?recommendation a kg:Recommendation ;\n`
    + `                  rdfs:label ?label .\n  FILTER(LANG(?label) = "da")\n}\nORDER BY ?recommendation\nLIMIT 50\n`;
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); runSparql(); }
  });
  $("run-sparql").addEventListener("click", runSparql);
}

function runSparql() {
  const body = new URLSearchParams({ query: $("editor").value });
  state.current = {
    name: null, title: "SPARQL query", filename: "query", url: "sparql",
    init: { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
  };
  run();
}

// ---- full-text search -----------------------------------------------------------------------------------------

const FIELD_NAMES = {
  label: "label", altLabel: "other label", title: "title", description: "description", text: "text as written",
  purpose: "purpose", targetGroup: "target group", milestone: "milestone", definition: "definition",
  statusText: "status as written", quote: "quote", evidenceNote: "note on the evidence",
  sourceText: "passage of the source text",
};
// Where a document says what was searched for: in its curated facts (quotes, status texts), its text, or both.
const FOUND_IN = {
  facts: (doc) => `in facts: ${doc.facts} quote${doc.facts === 1 ? "" : "s"} or status text${doc.facts === 1 ? "" : "s"}`,
  text: (doc) => `only in its text: ${doc.text} passage${doc.text === 1 ? "" : "s"}`,
  both: (doc) => `in facts (${doc.facts}) and text (${doc.text} passage${doc.text === 1 ? "" : "s"})`,
};

function initSearch() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = $("search-text").value.trim();
    if (!wanted) return;
    history.replaceState(null, "", `#search=${encodeURIComponent(wanted)}`);
    runSearch(wanted);
  });
}

async function runSearch(wanted) {
  showTab("search");
  $("search-text").value = wanted;
  $("search-error").hidden = true;
  $("search-documents").replaceChildren();
  $("search-csv").hidden = true;
  $("search-info").textContent = "Searching…";
  const scope = $("search-in").value;
  const params = new URLSearchParams({ text: wanted, limit: "50", lang: state.lang, in: scope });
  try {
    const response = await fetch(`api/search?${params}`, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      $("search-info").textContent = "";
      $("search-results").replaceChildren();
      $("search-error").textContent = await problemText(response);
      $("search-error").hidden = false;
      return;
    }
    const data = await response.json();
    const count = data.total > data.hits.length ? `${data.hits.length} best of ${data.total} texts` : `${data.total} text${data.total === 1 ? "" : "s"}`;
    $("search-info").textContent = count;
    $("search-csv").href = `api/search?${new URLSearchParams({ text: wanted, limit: "500", lang: state.lang, in: scope, format: "csv" })}`;
    $("search-csv").hidden = data.hits.length === 0;
    $("search-documents").replaceChildren(...(data.documents.length ? ["Said in the documents' own words: ",
      ...data.documents.flatMap((doc, i) => [i ? "; " : "", element("a", { href: resourceHref(doc.iri) }, doc.label || shorten(doc.iri)),
        ` (${(FOUND_IN[doc.in] || FOUND_IN.both)(doc)})`])] : []));
    $("search-results").replaceChildren(...(data.hits.length ? data.hits.map(hitItem)
      : [element("li", { class: "placeholder" }, "Nothing found.")]));
  } catch (error) {
    $("search-info").textContent = "";
    $("search-error").textContent = `The request failed: ${error.message}`;
    $("search-error").hidden = false;
  }
}

// A document's lines, linked to that place in the source viewer where the answer gives the link.
function lines(doc) {
  const shown = `line${doc.endLine !== null && doc.endLine !== doc.startLine ? `s ${doc.startLine}–${doc.endLine}` : ` ${doc.startLine}`}`;
  return doc.sourceLink
    ? element("a", { href: doc.sourceLink, class: "in-source", title: "Open at this place in the source text" }, shown)
    : shown;
}

function hitItem(hit) {
  const documents = hit.documents.map((doc) => element("span", { class: "hit-document" },
    element("a", { href: resourceHref(doc.iri) }, doc.label || shorten(doc.iri)),
    doc.page !== null ? `, p. ${doc.page}` : null,
    doc.startLine !== null ? ", " : null,
    doc.startLine !== null ? lines(doc) : null));
  const separated = documents.flatMap((node, i) => (i ? ["; ", node] : [node]));
  return element("li", { class: "hit" },
    element("div", { class: "hit-head" },
      element("a", { class: "hit-label", href: resourceHref(hit.resource), title: hit.resource }, hit.label),
      hit.classLabel ? element("span", { class: "hit-class" }, hit.classLabel) : null,
      element("span", { class: "hit-field" }, FIELD_NAMES[hit.field] || hit.field)),
    element("p", { class: "snippet", lang: hit.lang || null },
      ...hit.snippet.map((run) => (run.match ? element("mark", {}, run.text) : run.text))),
    documents.length ? element("p", { class: "hit-documents" }, documents.length > 1 ? "Documents: " : "Document: ", ...separated) : null);
}

// ---- running and showing results -------------------------------------------------------------------------------

async function fetchAs(accept) {
  const { url, init } = state.current;
  return fetch(url, { ...init, headers: { ...(init.headers || {}), Accept: accept } });
}

async function run() {
  const results = $("results");
  results.hidden = false;
  results.classList.add("busy");
  $("result-title").textContent = state.current.title;
  $("result-info").textContent = "Running…";
  $("error").hidden = true;
  const started = performance.now();
  try {
    const response = await fetchAs(`${JSON_RESULTS}, text/turtle;q=0.9`);
    const elapsed = Math.round(performance.now() - started);
    if (!response.ok) {
      showError(await problemText(response));
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith(JSON_RESULTS)) {
      showResult(await response.json(), elapsed);
    } else {
      showGraph(await response.text(), elapsed);
    }
  } catch (error) {
    showError(`The request failed: ${error.message}`);
  } finally {
    results.classList.remove("busy");
    results.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
}

function showError(message) {
  state.result = null;
  $("result-info").textContent = "";
  $("error").textContent = message;
  $("error").hidden = false;
  $("table-wrap").replaceChildren();
  $("chart").hidden = true;
  setDownloads(false);
}

function showResult(data, elapsed) {
  state.result = data;
  setDownloads(true);
  $("chart").hidden = true;
  if (typeof data.boolean === "boolean") {
    $("result-info").textContent = `${elapsed} ms`;
    $("table-wrap").replaceChildren(element("p", { class: "boolean" }, data.boolean ? "Yes (true)" : "No (false)"));
    return;
  }
  const variables = data.head.vars;
  const rows = data.results.bindings;
  $("result-info").textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} · ${elapsed} ms`;
  const shown = variables.filter((v) => !(v.endsWith("Label") && variables.includes(v.slice(0, -5))));
  const head = element("tr", {}, ...shown.map((v) => element("th", { scope: "col" }, v)));
  const body = rows.map((row) => element("tr", {}, ...shown.map((v) => cell(row, v))));
  const table = element("table", { class: "result-table" }, element("thead", {}, head), element("tbody", {}, ...body));
  $("table-wrap").replaceChildren(rows.length ? table : element("p", { class: "placeholder" }, "No rows."));
  drawChart(variables, rows);
}

function cell(row, variable) {
  const term = row[variable];
  if (!term) return element("td", {});
  if (term.type === "uri") {
    const label = row[`${variable}Label`];
    return element("td", {}, element("a", { href: resourceHref(term.value), title: term.value },
      label ? label.value : shorten(term.value)));
  }
  if (term.type === "bnode") return element("td", { class: "bnode" }, `_:${term.value}`);
  // A row that says where its quotes stand in the source text (sourceLink, e.g. "source/document-x#L12-L14", or one
  // place per quote joined by " | " in the order of the quotes) links each quote, and each place, to the viewer.
  const places = sourcePlaces(row);
  if (places && (variable === "quote" || variable === "sourceLink")) {
    const parts = variable === "quote" ? term.value.split(SEPARATOR)
      : places.map((place) => (place ? place.slice(place.indexOf("#") + 1) : ""));
    if (parts.length === places.length) {
      const linked = parts.map((part, i) => (places[i]
        ? element("a", { href: places[i], class: "in-source", title: "Open at this place in the source text" }, part)
        : part));
      return element("td", { lang: term["xml:lang"] || null },
        linked.flatMap((part, i) => (i ? [SEPARATOR, part] : [part])));
    }
  }
  const numeric = term.datatype && NUMERIC.test(term.datatype);
  return element("td", { class: numeric ? "number" : null, lang: term["xml:lang"] || null }, term.value);
}

// The places in the source viewer a row's sourceLink names, one per quote (null where a quote was not located), or
// null when it names none. Only a relative address of the viewer's own form is followed.
function sourcePlaces(row) {
  if (!row.sourceLink) return null;
  const places = row.sourceLink.value.split(SEPARATOR)
    .map((place) => (SOURCE_PLACE.test(place) ? place : null));
  return places.some((place) => place) ? places : null;
}

function showGraph(turtle, elapsed) {
  state.result = null;
  setDownloads(false);
  $("chart").hidden = true;
  $("result-info").textContent = `graph · ${elapsed} ms`;
  $("table-wrap").replaceChildren(element("pre", { class: "turtle" }, turtle));
}

// A bar chart beside the table when the result has a label column and numeric columns (up to three, side by side).
function drawChart(variables, rows) {
  const figure = $("chart");
  const isNumeric = (v) => rows.some((r) => r[v]) && rows.every((r) => !r[v] || (r[v].datatype && NUMERIC.test(r[v].datatype)));
  const series = variables.filter(isNumeric).slice(0, MAX_SERIES);
  const labelVar = variables.find((v) => !isNumeric(v)
    && rows.every((r) => r[v] && (r[v].type === "literal" || r[v].type === "typed-literal")));
  if (!series.length || !labelVar || rows.length < 2 || rows.length > MAX_BARS) {
    figure.hidden = true;
    return;
  }
  const value = (row, v) => (row[v] ? Number(row[v].value) : 0);
  const max = Math.max(...rows.flatMap((r) => series.map((v) => value(r, v))), 0) || 1;
  const barHeight = 14, gap = 8, labelWidth = 190, barWidth = 260, width = labelWidth + barWidth + 60;
  const groupHeight = series.length * barHeight + gap;
  const ns = "http://www.w3.org/2000/svg";
  const svgElement = (tag, attributes, content) => {
    const node = document.createElementNS(ns, tag);
    for (const [name, val] of Object.entries(attributes)) node.setAttribute(name, val);
    if (content !== undefined) node.textContent = content;
    return node;
  };
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${rows.length * groupHeight + 4}`, role: "img",
    "aria-label": `${series.join(", ")} by ${labelVar}` });
  rows.forEach((row, i) => {
    const top = i * groupHeight + 2;
    const label = row[labelVar].value;
    svg.append(svgElement("text", { x: labelWidth - 6, y: top + (series.length * barHeight) / 2 + 4, "text-anchor": "end" },
      label.length > 30 ? `${label.slice(0, 29)}…` : label));
    series.forEach((v, j) => {
      const length = Math.max(0, (value(row, v) / max) * barWidth);
      const rect = svgElement("rect", { x: labelWidth, y: top + j * barHeight, height: barHeight - 2, width: length,
        class: `bar series-${j}` });
      rect.append(svgElement("title", {}, series.length === 1 ? `${label}: ${value(row, v)}` : `${label} · ${v}: ${value(row, v)}`));
      svg.append(rect, svgElement("text", { x: labelWidth + length + 4, y: top + j * barHeight + barHeight - 4 },
        String(value(row, v))));
    });
  });
  const legend = series.length > 1
    ? element("span", { class: "legend" }, ...series.map((v, j) => element("span", { class: `key series-${j}` }, v)))
    : null;
  figure.replaceChildren(element("figcaption", {}, `${series.join(", ")} by ${labelVar}`, legend), svg);
  figure.hidden = false;
}

function setDownloads(enabled) {
  $("download-csv").disabled = !enabled;
  $("download-json").disabled = !enabled;
}

async function download(accept, extension) {
  const response = await fetchAs(accept);
  if (!response.ok) {
    showError(await problemText(response));
    return;
  }
  const blob = await response.blob();
  const link = element("a", { href: URL.createObjectURL(blob), download: `${state.current.filename}.${extension}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// ---- the source documents, by their citation labels ------------------------------------------------------------

async function loadDocuments() {
  const response = await fetch("api/queries/source-documents", { headers: { Accept: JSON_RESULTS } });
  if (!response.ok) {
    $("documents").replaceChildren(element("li", { class: "error" }, await problemText(response)));
    return;
  }
  const rows = (await response.json()).results.bindings;
  $("documents").replaceChildren(...rows.map((row) => element("li", { "data-document": row.document.value },
    element("a", { href: resourceHref(row.document.value), title: row.document.value },
      row.documentLabel ? row.documentLabel.value : shorten(row.document.value)),
    row.title ? element("span", { class: "title", lang: "da" }, ` — ${row.title.value}`) : null,
    row.kindLabel ? element("span", { class: "kind", lang: "da" }, ` (${row.kindLabel.value})`) : null)));
}

// ---- tabs and language -----------------------------------------------------------------------------------------

function showTab(name) {
  for (const tab of ["search", "queries", "sparql"]) $(`tab-${tab}`).hidden = tab !== name;
  $("results").hidden = name === "search" || !state.current;  // a saved question's result belongs to its own tabs
  for (const link of document.querySelectorAll("nav a[data-tab]")) {
    link.classList.toggle("active", link.dataset.tab === name);
  }
}

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem("kraeftgraf.lang", lang);
  for (const button of document.querySelectorAll(".lang-switch button")) {
    button.classList.toggle("active", button.dataset.lang === lang);
  }
  renderGallery();
  if (state.current && state.current.name) openQuery(state.current.name, { autorun: false });
  if (!$("tab-search").hidden && $("search-text").value.trim()) runSearch($("search-text").value.trim());
}

function route() {
  if (location.hash.startsWith("#sparql")) showTab("sparql");
  else if (location.hash.startsWith("#search=")) runSearch(decodeURIComponent(location.hash.slice("#search=".length)));
  else if (location.hash.startsWith("#search")) showTab("search");
  else showTab("queries");
}

async function main() {
  for (const button of document.querySelectorAll(".lang-switch button")) {
    button.classList.toggle("active", button.dataset.lang === state.lang);
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  }
  $("filter").addEventListener("input", renderGallery);
  $("download-csv").addEventListener("click", () => download("text/csv", "csv"));
  $("download-json").addEventListener("click", () => download(JSON_RESULTS, "json"));
  initSearch();
  window.addEventListener("hashchange", route);
  route();
  try {
    const response = await fetch("api/prefixes");
    state.prefixes = response.ok ? await response.json() : {};
  } catch (_) {
    state.prefixes = {};
  }
  initEditor();
  await Promise.all([loadQueries(), loadDocuments()]);
}

main();
