// A saved question: a form for its parameters, its SPARQL (to read, or to open in the editor), and running it.
import { $, element } from "./dom.js";
import { setQuery } from "./editor.js";
import { defineStrings, t } from "./i18n.js";
import { checkResourceFields, parameterField, valueForAddress } from "./param-fields.js";
import { historyForNextRun, isRunning, run } from "./run.js";
import { state, text } from "./state.js";
import { showTab } from "./tabs.js";
import { keepDraft, record } from "./url-state.js";

defineStrings({
  da: { "saved.run": "Kør", "saved.sparql": "Vis SPARQL", "saved.openInEditor": "Åbn i editoren",
    "saved.unknown": "Der er ingen gemt forespørgsel ved navn {name}.",
    "saved.unknownParams": "Ukendt parameter {names}; spørgsmålets parametre er: {known}.",
    "saved.refused": "{name}: »{value}« kan ikke bruges; parameteren tager {accepts}." },
  en: { "saved.run": "Run", "saved.sparql": "Show the SPARQL", "saved.openInEditor": "Open in editor",
    "saved.unknown": "There is no saved query called {name}.",
    "saved.unknownParams": "Unknown parameter {names}; this question's parameters are: {known}.",
    "saved.refused": "{name}: “{value}” cannot be used; the parameter takes {accepts}." },
});

// Open a saved question's form, filled with `values` ([name, value] pairs, as in the address) or the defaults, and
// run it when every required value is there (autorun); `history` says how the step is recorded ("push" etc.).
export function openQuery(name, { autorun = true, values = null, history = "push" } = {}) {
  showTab("queries");
  const query = state.queries.find((q) => q.name === name);
  for (const card of document.querySelectorAll(".card")) card.classList.toggle("selected", card.dataset.query === name);
  if (!query) {
    $("query-form-pane").replaceChildren(element("p", { class: "error", role: "alert" }, t("saved.unknown", { name })));
    return;
  }
  const given = values ? new Map(values) : null;
  const fields = query.params.map((param) => parameterField(param,
    given && given.has(param.name) ? given.get(param.name) : param.default));
  const unknown = given ? [...given.keys()].filter((key) => !query.params.some((p) => p.name === key)) : [];
  const form = element("form", { id: "query-form", class: "query-form", "data-query": query.name, novalidate: true,
    onsubmit: (event) => {
      event.preventDefault();
      if (checkResourceFields(event.target)) runSaved(query, event.target, "push");
    },
    onchange: () => keepDraft({ tab: "queries", name: query.name, values: formValues(query, form) }) },
  element("h2", {}, text(query.summary)),
  element("p", { class: "description" }, text(query.description)),
  element("p", { class: "meta" }, element("code", {}, `${query.name}.rq`), " · ",
    element("a", { href: `docs#/saved%20queries/query_${query.name}` }, "API")),
  unknown.length ? element("p", { class: "error", role: "alert" }, t("saved.unknownParams", {
    names: unknown.join(", "), known: query.params.map((p) => p.name).join(", ") || "—" })) : null,
  ...fields,
  element("div", { class: "actions" },
    element("button", { type: "submit", class: "primary", disabled: isRunning() }, t("saved.run"))),
  sparqlText(query));
  $("query-form-pane").replaceChildren(form);
  // A value from the address that its field cannot hold (text in a number field) is said, not silently dropped.
  const refused = query.params.filter((param) => given && String(given.get(param.name) ?? "").trim() !== ""
    && form.elements[param.name].value === "");
  for (const param of refused) {
    form.querySelector(".actions").before(element("p", { class: "error", role: "alert" }, t("saved.refused", {
      name: param.name, value: given.get(param.name), accepts: param.accepts })));
  }
  const complete = query.params.every((param) => !param.required || form.elements[param.name].value !== "");
  if (autorun && complete && !unknown.length && !refused.length) runSaved(query, form, history);
  else record({ tab: "queries", name: query.name, values: formValues(query, form) }, history);
}

// The query's SPARQL, folded away until asked for, with a button that opens it in the editor.
function sparqlText(query) {
  return element("details", { class: "sparql-text" },
    element("summary", {}, t("saved.sparql")),
    element("pre", {}, element("code", {}, query.sparql)),
    element("p", { class: "actions" },
      element("button", { type: "button", class: "open-in-editor", onclick: () => {
        setQuery(query.sparql);
        showTab("sparql");
        record({ tab: "sparql", query: query.sparql }, "push");
      } }, t("saved.openInEditor")), " ",
      element("a", { href: `queries/${query.name}.rq`, download: `${query.name}.rq` }, `${query.name}.rq`)));
}

// The form's values that are filled in, as [name, value] pairs for the address and the request.
function formValues(query, form) {
  const values = [];
  for (const param of query.params) {
    const value = String(new FormData(form).get(param.name) ?? "").trim();
    if (value !== "") values.push([param.name, valueForAddress(param, value)]);
  }
  return values;
}

// The values the shown form holds now (to draw it again, e.g. in another language), or null without a form.
export function shownValues() {
  const form = $("query-form");
  const query = form ? state.queries.find((q) => q.name === form.dataset.query) : null;
  return query ? formValues(query, form) : null;
}

function runSaved(query, form, history) {
  const values = formValues(query, form);
  const params = new URLSearchParams(values);
  const qs = params.toString();
  state.current = {
    name: query.name, title: text(query.summary), filename: query.name,
    url: `${query.path}${qs ? "?" + qs : ""}`, init: { method: "GET" },
    request: { tab: "queries", name: query.name, values },
    // for the status line: the values as the form shows them (a resource by its label)
    detail: values.map(([name]) => `${name}: ${$(`param-${name}`).value}`).join(", "),
  };
  historyForNextRun(history);
  run();
}
