// A saved question: a form for its parameters, and running it.
import { $, element } from "./dom.js";
import { run } from "./run.js";
import { shorten, state, text } from "./state.js";
import { showTab } from "./tabs.js";

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
