// The "Code for this query" panel: the editor's query as curl, Python and R, and the last saved query run as a
// call of kraeftgraf's Python API, each with a copy button. Built when opened, and again as the query changes.
import { curlSnippet, httrSnippet, kraeftgrafSnippet, sparqlWrapperSnippet } from "./codegen.js";
import { element } from "./dom.js";
import { defineStrings, t } from "./i18n.js";
import { shorten, state } from "./state.js";

defineStrings({
  da: {
    "code.summary": "Kode til denne forespørgsel",
    "code.intro": "Den samme forespørgsel fra et program, mod dette endpoint ({endpoint}).",
    "code.curl": "curl (kommandolinje)",
    "code.python": "Python med SPARQLWrapper",
    "code.r": "R med httr",
    "code.kraeftgraf": "Python med kraeftgraf: den gemte forespørgsel {name}",
    "code.copy": "Kopiér",
    "code.copied": "Kopieret",
    "code.copyFailed": "Kunne ikke kopiere: markér teksten og kopiér den selv.",
  },
  en: {
    "code.summary": "Code for this query",
    "code.intro": "The same query from a program, against this endpoint ({endpoint}).",
    "code.curl": "curl (command line)",
    "code.python": "Python with SPARQLWrapper",
    "code.r": "R with httr",
    "code.kraeftgraf": "Python with kraeftgraf: the saved query {name}",
    "code.copy": "Copy",
    "code.copied": "Copied",
    "code.copyFailed": "Could not copy: select the text and copy it yourself.",
  },
});

const REBUILD_DELAY_MS = 300;

// `panel` is a <details> element; `getQuery` gives the editor's text.
export function renderCodePanel(panel, getQuery) {
  const summary = element("summary", {}, t("code.summary"));
  const body = element("div", { class: "code-snippets" });
  panel.replaceChildren(summary, body);
  const rebuild = () => {
    summary.textContent = t("code.summary");
    if (panel.open) body.replaceChildren(...snippets(getQuery()));
  };
  let timer = null;
  panel.addEventListener("toggle", rebuild);
  document.addEventListener("querychange", () => {
    clearTimeout(timer);
    timer = setTimeout(rebuild, REBUILD_DELAY_MS);
  });
  document.addEventListener("languagechange", rebuild);
}

function snippets(query) {
  const endpoint = new URL("sparql", location.href).href;
  const shown = [
    ["curl", t("code.curl"), curlSnippet(endpoint, query)],
    ["python", t("code.python"), sparqlWrapperSnippet(endpoint, query)],
    ["r", t("code.r"), httrSnippet(endpoint, query)],
  ];
  const saved = savedQueryCall();
  if (saved) shown.push(["kraeftgraf", t("code.kraeftgraf", { name: saved.name }), saved.code]);
  return [element("p", { class: "hint" }, t("code.intro", { endpoint })),
    ...shown.map(([kind, title, code]) => snippet(kind, title, code))];
}

// The saved query last run (from the form), with the parameter values it was run with.
function savedQueryCall() {
  const current = state.current;
  if (!current || !current.name) return null;
  const query = state.queries.find((q) => q.name === current.name);
  const types = new Map((query ? query.params : []).map((param) => [param.name, param.type]));
  const sent = new URL(current.url, location.href).searchParams;
  // An IRI as a prefixed name where it has one, as the README writes them (theme="id:theme-palliation").
  const params = [...sent.entries()].map(([name, value]) => [name,
    types.get(name) === "iri" ? shorten(value) : value, types.get(name)]);
  return { name: current.name, code: kraeftgrafSnippet(current.name, params) };
}

function snippet(kind, title, code) {
  const pre = element("pre", { class: "snippet-code" }, element("code", {}, code));
  const status = element("span", { class: "copy-status", role: "status" });
  const copy = element("button", { type: "button", class: "copy", onclick: () => copyText(code, pre, status) },
    t("code.copy"));
  return element("section", { class: "snippet", "data-snippet": kind },
    element("div", { class: "snippet-head" }, element("h3", {}, title), copy, status), pre);
}

async function copyText(code, pre, status) {
  try {
    await navigator.clipboard.writeText(code);
    status.textContent = t("code.copied");
  } catch (_) {
    // No clipboard API (a page served over plain HTTP from another host): select the text for the user.
    const range = document.createRange();
    range.selectNodeContents(pre);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    status.textContent = t("code.copyFailed");
  }
}
