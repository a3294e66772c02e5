// Every text of the page in Danish and English, and the language switch.
//
// Each module defines its own texts with defineStrings({da: {...}, en: {...}}); t("key", {name}) gives the chosen
// language's text (the other language's as fallback) with {name} filled in. The static texts of index.html carry
// data-i18n="key" (text), data-i18n-rich="key" (text where *word* is emphasised and `word` is code),
// data-i18n-placeholder / -aria-label / -title (those attributes); applyTexts() fills them.
//
// The chosen language comes from the URL (?lang=da|en), else localStorage ("kraeftgraf.lang"), else Danish. The
// switch writes both: the URL only through history.replaceState of its own `lang` parameter (every other part of
// the URL belongs to the page's state module), and sets <html lang>.
//
// Hook for the other parts: after the language changed, document receives a "languagechange" CustomEvent with
// detail {lang}. Anything that shows texts or data labels (a form, a result table, a chart) listens to it and
// re-renders: document.addEventListener("languagechange", () => ...).
import { state } from "./state.js";

const STRINGS = { da: {}, en: {} };
export const LANGUAGES = ["da", "en"];
const STORAGE_KEY = "kraeftgraf.lang";
const TRANSLATED_ATTRIBUTES = {
  "data-i18n-placeholder": "placeholder", "data-i18n-aria-label": "aria-label", "data-i18n-title": "title",
};

export function defineStrings(strings) {
  for (const lang of LANGUAGES) Object.assign(STRINGS[lang], strings[lang] || {});
}

export function t(key, values = {}) {
  const template = STRINGS[state.lang][key] ?? STRINGS[otherLanguage()][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// "1 row" / "3 rows": the key's singular form is key.one, its plural key.other.
export function plural(key, count, values = {}) {
  return t(`${key}.${count === 1 ? "one" : "other"}`, { count: formatNumber(count), ...values });
}

export function formatNumber(number) {
  return new Intl.NumberFormat(state.lang === "da" ? "da-DK" : "en-GB").format(number);
}

export function otherLanguage() {
  return state.lang === "da" ? "en" : "da";
}

// The language asked for: ?lang= in the address first (a shared link says which), then the one chosen last time.
export function chosenLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGUAGES.includes(asked)) return asked;
  const stored = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.includes(stored) ? stored : "da";
}

// Fill the static texts of the page (elements carrying data-i18n* attributes) in the chosen language.
export function applyTexts(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-rich]")) node.replaceChildren(...rich(t(node.dataset.i18nRich)));
  for (const [marker, attribute] of Object.entries(TRANSLATED_ATTRIBUTES)) {
    for (const node of root.querySelectorAll(`[${marker}]`)) node.setAttribute(attribute, t(node.getAttribute(marker)));
  }
}

// A text with *emphasis* and `code` as nodes: our own texts only, never parsed as markup.
function rich(text) {
  return text.split(/(\*[^*]+\*|`[^`]+`)/).filter(Boolean).map((part) => {
    if (part.startsWith("*") && part.endsWith("*")) return Object.assign(document.createElement("em"), { textContent: part.slice(1, -1) });
    if (part.startsWith("`") && part.endsWith("`")) return Object.assign(document.createElement("code"), { textContent: part.slice(1, -1) });
    return document.createTextNode(part);
  });
}

function showLanguage(lang) {
  document.documentElement.lang = lang;
  for (const button of document.querySelectorAll(".lang-switch button")) {
    const active = button.dataset.lang === lang;
    button.classList.toggle("active", active);
    button.setAttribute("aria-pressed", String(active));
  }
  applyTexts();
}

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) return;
  state.lang = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  const url = new URL(location.href);
  url.searchParams.set("lang", lang);
  history.replaceState(history.state, "", url);
  showLanguage(lang);
  document.dispatchEvent(new CustomEvent("languagechange", { detail: { lang } }));
}

// Take the language asked for and wire the switch: call once, before anything renders texts.
export function initLanguage() {
  state.lang = chosenLanguage();
  localStorage.setItem(STORAGE_KEY, state.lang);
  showLanguage(state.lang);
  for (const button of document.querySelectorAll(".lang-switch button")) {
    button.addEventListener("click", () => setLanguage(button.dataset.lang));
  }
}
