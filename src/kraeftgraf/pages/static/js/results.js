// Showing a result: a table people can sort, filter and page (resources by their labels, numbers as the language
// writes them, headers in words), a yes/no, or a graph as Turtle; the status line says what came back.
import { $, element } from "./dom.js";
import { drawChart } from "./chart.js";
import { initDownloads, labelDownloads, setDownloads } from "./downloads.js";
import { columnTitle, formatNumber, numberKind } from "./formatting.js";
import { defineStrings, t } from "./i18n.js";
import { isOwnLabel, labelOf, loadLabels, wasAsked } from "./labels.js";
import { createTable } from "./table.js";
import { ID, SEPARATOR, resourceHref, shorten, state } from "./state.js";

defineStrings({
  da: {
    "results.rows": "{count} rækker · {ms} ms", "results.row": "1 række · {ms} ms", "results.graph": "graf · {ms} ms",
    "results.yes": "Ja (true)", "results.no": "Nej (false)", "results.noRows": "Ingen rækker.",
    "results.inSource": "Åbn dette sted i kildeteksten",
  },
  en: {
    "results.rows": "{count} rows · {ms} ms", "results.row": "1 row · {ms} ms", "results.graph": "graph · {ms} ms",
    "results.yes": "Yes (true)", "results.no": "No (false)", "results.noRows": "No rows.",
    "results.inSource": "Open at this place in the source text",
  },
});

const SOURCE_PLACE = /^source\/[A-Za-z0-9][A-Za-z0-9._-]*#L\d+(-L\d+)?$/;

// What is on screen: {kind: "table"|"boolean"|"graph", data or turtle, elapsed, the table, the saved query}
let shown = null;

export function initResults() {
  initDownloads();
  setDownloads(null);
  // The language switch (js/i18n.js) announces a new language with a "languagechange" event on document.
  document.addEventListener("languagechange", redraw);
}

export function showError(message) {
  shown = null;
  state.result = null;
  $("result-info").textContent = "";
  $("error").textContent = message;
  $("error").hidden = false;
  $("table-wrap").replaceChildren();
  $("chart").hidden = true;
  setDownloads(null);
  document.dispatchEvent(new CustomEvent("resultshown"));  // the page then moves the focus to the result
}

export function showResult(data, elapsed) {
  state.result = data;
  $("error").hidden = true;
  setDownloads("table");
  $("chart").hidden = true;
  shown = { kind: typeof data.boolean === "boolean" ? "boolean" : "table", data, elapsed, table: null,
    query: currentQuery(), labelsAsked: new Set() };
  redraw();
  if (shown.kind === "table") drawChart(data.head.vars, data.results.bindings);
  document.dispatchEvent(new CustomEvent("resultshown"));
}

export function showGraph(turtle, elapsed) {
  state.result = null;
  $("error").hidden = true;
  setDownloads("graph");
  $("chart").hidden = true;
  shown = { kind: "graph", turtle, elapsed };
  redraw();
  document.dispatchEvent(new CustomEvent("resultshown"));
}

// Draw what is shown again, in the chosen language (after a language switch, or when labels arrived).
function redraw() {
  labelDownloads();
  if (!shown) return;
  if (shown.kind === "graph") {
    $("result-info").textContent = t("results.graph", { ms: shown.elapsed });
    $("table-wrap").replaceChildren(turtleBlock(shown.turtle));
    return;
  }
  if (shown.kind === "boolean") {
    $("result-info").textContent = `${shown.elapsed} ms`;
    $("table-wrap").replaceChildren(element("p", { class: "boolean" },
      shown.data.boolean ? t("results.yes") : t("results.no")));
    return;
  }
  const rows = shown.data.results.bindings;
  $("result-info").textContent = rows.length === 1 ? t("results.row", { ms: shown.elapsed })
    : t("results.rows", { count: rows.length, ms: shown.elapsed });
  if (!rows.length) {
    $("table-wrap").replaceChildren(element("p", { class: "placeholder" }, t("results.noRows")));
    return;
  }
  const model = tableModel(shown.data, shown.query);
  if (shown.table) {
    shown.table.refresh(model);
  } else {
    shown.table = createTable(model);
    $("table-wrap").replaceChildren(shown.table.element);
  }
  requestLabels(shown);
}

// The saved query whose result is being shown (its header may label the columns), or null for the editor's.
function currentQuery() {
  return state.current && state.current.name ? state.queries.find((q) => q.name === state.current.name) : null;
}

// The columns shown (a "xLabel" column is shown as the label of the "x" column's resource) and how each cell reads.
function tableModel(data, query) {
  const variables = data.head.vars;
  const rows = data.results.bindings;
  const columns = variables
    .filter((v) => !(v.endsWith("Label") && variables.includes(v.slice(0, -5))))
    .map((v) => ({ id: v, title: columnTitle(v, query), numeric: rows.some((row) => numberKind(v, row[v], row)) }));
  return {
    columns, rows,
    cell: (row, column) => cell(row, column.id),
    sortValue: (row, column) => sortValue(row, column.id),
    text: (row, column) => cellText(row, column.id),
  };
}

// The label a resource is shown by: the query's own label column when it is in the chosen language (or has none);
// else, when that is the resource's label in the other language, its label in the chosen one; a label column of
// another kind (a document's citation label, say) stays. Without a label column: its label looked up, else its
// short name.
function resourceLabel(row, variable) {
  const iri = row[variable].value;
  const given = row[`${variable}Label`];
  if (given && (!given["xml:lang"] || given["xml:lang"] === state.lang)) return given.value;
  if (given) return (isOwnLabel(iri, given.value, given["xml:lang"]) && labelOf(iri)) || given.value;
  return labelOf(iri) || shorten(iri);
}

function needsLookup(row, variable) {
  const term = row[variable];
  if (!term || term.type !== "uri") return false;
  const given = row[`${variable}Label`];
  return !(given && (!given["xml:lang"] || given["xml:lang"] === state.lang)) && !wasAsked(term.value);
}

// Look the missing labels up once per result and language, then draw the table again with them.
async function requestLabels(target) {
  if (target.labelsAsked.has(state.lang)) return;
  target.labelsAsked.add(state.lang);
  const variables = target.data.head.vars;
  const iris = target.data.results.bindings.flatMap((row) => variables.filter((v) => needsLookup(row, v))
    .map((v) => row[v].value));
  if (!iris.length) return;
  await loadLabels(iris);
  if (shown === target) redraw();
}

function sortValue(row, variable) {
  const term = row[variable];
  if (!term) return null;
  if (term.type === "uri") return resourceLabel(row, variable);
  return numberKind(variable, term, row) ? Number(term.value) : term.value;
}

function cellText(row, variable) {
  const term = row[variable];
  if (!term) return "";
  if (term.type === "uri") return `${resourceLabel(row, variable)} ${shorten(term.value)}`;
  const kind = numberKind(variable, term, row);
  return kind ? `${formatNumber(term.value, kind)} ${term.value}` : term.value;
}

function cell(row, variable) {
  const term = row[variable];
  if (!term) return element("td", {});
  if (term.type === "uri") {
    return element("td", {}, element("a", { href: resourceHref(term.value), title: term.value },
      resourceLabel(row, variable)));
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
        ? element("a", { href: places[i], class: "in-source", title: t("results.inSource") }, part)
        : part));
      return element("td", { lang: term["xml:lang"] || null },
        linked.flatMap((part, i) => (i ? [SEPARATOR, part] : [part])));
    }
  }
  const kind = numberKind(variable, term, row);
  if (kind) {
    return element("td", { class: "number", title: term.value, "data-value": term.value }, formatNumber(term.value, kind));
  }
  return element("td", { lang: term["xml:lang"] || null }, term.value);
}

// The places in the source viewer a row's sourceLink names, one per quote (null where a quote was not located), or
// null when it names none. Only a relative address of the viewer's own form is followed.
function sourcePlaces(row) {
  if (!row.sourceLink) return null;
  const places = row.sourceLink.value.split(SEPARATOR)
    .map((place) => (SOURCE_PLACE.test(place) ? place : null));
  return places.some((place) => place) ? places : null;
}

// The server's Turtle (already written with the project's prefixes), each id: name linked to its resource page.
const RESOURCE_NAME = /\bid:[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*/g;

function turtleBlock(turtle) {
  const parts = [];
  let last = 0;
  for (const match of turtle.matchAll(RESOURCE_NAME)) {
    parts.push(turtle.slice(last, match.index));
    const iri = `${ID}${match[0].slice(3)}`;
    parts.push(element("a", { href: resourceHref(iri), title: iri }, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(turtle.slice(last));
  return element("pre", { class: "turtle" }, element("code", {}, ...parts));
}
