// The saved questions: a gallery to choose from, and a form for the chosen one's parameters.
import { $, element } from "./dom.js";
import { run } from "./run.js";
import { problemText, shorten, state, text } from "./state.js";
import { showTab } from "./tabs.js";

export async function loadQueries() {
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

export function renderGallery() {
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

export function openQuery(name, { autorun = true } = {}) {
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
