// Showing a result: a table of the rows (or a yes/no, or a graph as Turtle), linking resources and quotes.
import { $, element } from "./dom.js";
import { drawChart } from "./chart.js";
import { setDownloads } from "./downloads.js";
import { NUMERIC, SEPARATOR, resourceHref, shorten, state } from "./state.js";

const SOURCE_PLACE = /^source\/[A-Za-z0-9][A-Za-z0-9._-]*#L\d+(-L\d+)?$/;

export function showError(message) {
  state.result = null;
  $("result-info").textContent = "";
  $("error").textContent = message;
  $("error").hidden = false;
  $("table-wrap").replaceChildren();
  $("chart").hidden = true;
  setDownloads(false);
  document.dispatchEvent(new CustomEvent("resultshown"));
}

export function showResult(data, elapsed) {
  state.result = data;
  setDownloads(true);
  $("chart").hidden = true;
  if (typeof data.boolean === "boolean") {
    $("result-info").textContent = `${elapsed} ms`;
    $("table-wrap").replaceChildren(element("p", { class: "boolean" }, data.boolean ? "Yes (true)" : "No (false)"));
    document.dispatchEvent(new CustomEvent("resultshown"));
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
  document.dispatchEvent(new CustomEvent("resultshown"));
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

export function showGraph(turtle, elapsed) {
  state.result = null;
  setDownloads(false);
  $("chart").hidden = true;
  $("result-info").textContent = `graph · ${elapsed} ms`;
  $("table-wrap").replaceChildren(element("pre", { class: "turtle" }, turtle));
  document.dispatchEvent(new CustomEvent("resultshown"));
}
