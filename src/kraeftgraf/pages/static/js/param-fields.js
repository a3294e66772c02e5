// The fields of a saved question's form: free text for texts, numbers for years (within the years the data holds),
// and for a resource a search-as-you-type over the labels of its class's instances, submitting the resource's IRI.
import { element } from "./dom.js";
import { defineStrings, t } from "./i18n.js";
import { shorten, state, text } from "./state.js";

defineStrings({
  da: { "param.accepts": "Accepterer {what}.", "param.years": "Data har år fra {min} til {max}.",
    "param.choose": "Vælg en af forslagene (eller skriv en IRI, fx id:theme-palliation).",
    "param.suggested": "Forslag", "param.none": "Intet fundet.", "param.lookupFailed": "Opslaget fejlede: {message}" },
  en: { "param.accepts": "Accepts {what}.", "param.years": "The data holds years from {min} to {max}.",
    "param.choose": "Choose one of the suggestions (or type an IRI, e.g. id:theme-palliation).",
    "param.suggested": "Suggestions", "param.none": "Nothing found.", "param.lookupFailed": "The lookup failed: {message}" },
});

const LOOKUP_DELAY = 150; // ms after the last key before asking the server
const IRI_LIKE = /^(https?:\/\/\S+|[A-Za-z][\w-]*:\S+)$/;

// One field for a parameter, holding `value` (as in the address: a prefixed name, an IRI, a text, a number).
export function parameterField(param, value) {
  const id = `param-${param.name}`;
  const label = element("label", { for: id }, element("strong", {}, param.name), " ",
    element("span", { class: "param-description" }, text(param.description)));
  const accepts = element("small", { class: "accepts" }, t("param.accepts", { what: param.accepts }));
  if (param.type === "iri") return resourceField(param, id, label, accepts, value);
  // An empty optional field runs with the default (the server fills it in): the placeholder shows which.
  const input = element("input", { id, name: param.name, required: param.required, value: value ?? "",
    placeholder: param.default ?? "" });
  if (param.type === "year" || param.type === "integer") {
    input.type = "number";
    input.step = "1";
    if (param.type === "year" && param.range) { // /api/queries computes the range from the data's year values
      input.min = String(param.range.min);
      input.max = String(param.range.max);
      accepts.append(" ", t("param.years", param.range));
    }
  } else {
    input.type = "text"; // any text: the API accepts every text, the suggestions are only examples
    input.setAttribute("autocomplete", "off");
  }
  return element("div", { class: "field" }, label, input, accepts);
}

// The label to show for a resource: from the header's suggestions (in the chosen language), else the catalogue's
// choices (Danish), else its prefixed name.
function labelOf(param, iri) {
  const suggested = param.suggestions.find((s) => s.value === iri);
  if (suggested) return text(suggested.label);
  const choice = param.choices.find((c) => c.value === iri);
  return choice ? choice.label : shorten(iri);
}

function expand(value) {
  const match = /^([A-Za-z][\w-]*):(.*)$/.exec(value || "");
  if (match && state.prefixes[match[1]] && !value.startsWith("http")) return state.prefixes[match[1]] + match[2];
  return value || "";
}

function resourceField(param, id, label, accepts, value) {
  const listId = `${id}-options`;
  const chosen = element("input", { type: "hidden", name: param.name, value: expand(value) });
  const shown = element("small", { class: "chosen-iri" });
  const input = element("input", {
    id, type: "text", role: "combobox", autocomplete: "off", spellcheck: "false", required: param.required,
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    "data-param": param.name, placeholder: param.default ? labelOf(param, param.default) : null,
  });
  const list = element("ul", { id: listId, role: "listbox", class: "options", hidden: true });
  let options = [];
  let active = -1;
  let timer = null;
  let lookup = null;

  function choose(iri, labelText) {
    chosen.value = iri;
    input.value = labelText;
    shown.textContent = iri ? shorten(iri) : "";
    shown.title = iri;
    input.setCustomValidity("");
    close();
    chosen.dispatchEvent(new Event("change", { bubbles: true })); // hidden inputs announce no change themselves
  }
  function close() { // and forget a lookup on its way, so that its answer does not open the list again
    clearTimeout(timer);
    if (lookup) lookup.abort();
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function show(found, heading = null) {
    options = found;
    active = -1;
    list.replaceChildren(...(heading ? [element("li", { class: "options-heading", role: "presentation" }, heading)] : []),
      ...(found.length ? found.map((option, i) => element("li", {
        id: `${listId}-${i}`, role: "option", "aria-selected": "false", "data-iri": option.iri,
        onmousedown: (event) => { event.preventDefault(); choose(option.iri, option.label); },
      }, element("span", { class: "option-label" }, option.label),
      option.classLabel ? element("span", { class: "option-class" }, option.classLabel) : null,
      element("small", { class: "option-iri" }, shorten(option.iri))))
        : [element("li", { class: "placeholder", role: "presentation" }, t("param.none"))]));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function move(step) {
    if (list.hidden || !options.length) return;
    active = (active + step + options.length) % options.length;
    for (const [i, node] of [...list.querySelectorAll("[role=option]")].entries()) {
      node.setAttribute("aria-selected", String(i === active));
      if (i === active) node.scrollIntoView({ block: "nearest" });
    }
    input.setAttribute("aria-activedescendant", `${listId}-${active}`);
  }
  // Before typing: the header's common choices; with no such list, the class's first instances.
  function suggest() {
    if (param.suggestions.length) {
      show(param.suggestions.map((s) => ({ iri: s.value, label: text(s.label) })), t("param.suggested"));
    } else {
      search("");
    }
  }
  async function search(typed) {
    if (lookup) lookup.abort();
    lookup = new AbortController();
    const query = new URLSearchParams({ text: typed, lang: state.lang, limit: "20" });
    if (param.class) query.set("class", param.class);
    try {
      const response = await fetch(`api/lookup?${query}`, { signal: lookup.signal, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      if (document.activeElement === input) show(await response.json());
    } catch (error) {
      if (error.name !== "AbortError") accepts.textContent = t("param.lookupFailed", { message: error.message });
    }
  }

  input.addEventListener("focus", () => { if (!input.value.trim() || chosen.value) suggest(); });
  input.addEventListener("blur", close);
  input.addEventListener("input", () => {
    const typed = input.value.trim();
    chosen.value = IRI_LIKE.test(typed) ? expand(typed) : ""; // a typed IRI or prefixed name is taken as it is
    shown.textContent = chosen.value ? shorten(chosen.value) : "";
    input.setCustomValidity("");
    clearTimeout(timer);
    if (!list.hidden) list.hidden = true; // the options shown were for other text: the lookup brings the new ones
    timer = setTimeout(() => (typed ? search(typed) : suggest()), LOOKUP_DELAY);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) suggest(); else move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") close();
    else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(options[active].iri, options[active].label);
    }
  });
  // The form submits the IRI: text that names no resource is refused here, saying what to do.
  chosen.checkChosen = () => {
    const missing = input.value.trim() !== "" && !chosen.value;
    input.setCustomValidity(missing ? t("param.choose") : "");
    return !missing;
  };
  if (chosen.value) choose(chosen.value, labelOf(param, chosen.value));
  return element("div", { class: "field iri-field" }, label,
    element("div", { class: "combobox" }, input, list), chosen, shown, accepts);
}

// Check every resource field of a form (typed text must have become a chosen resource); false when one is not.
export function checkResourceFields(form) {
  let ok = true;
  for (const hidden of form.querySelectorAll(".iri-field input[type=hidden]")) {
    if (hidden.checkChosen && !hidden.checkChosen()) ok = false;
  }
  return ok && form.reportValidity();
}

// The value a form field holds, for the address: resources by their prefixed name where there is one.
export function valueForAddress(param, value) {
  return param.type === "iri" ? shorten(value) : value;
}
