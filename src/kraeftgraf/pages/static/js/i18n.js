// Every text of the page in Danish and English. Each module defines its own texts with defineStrings({da, en});
// t("key") gives the chosen language's text, the other language's as fallback; {name} is filled from `values`.
import { state } from "./state.js";

const STRINGS = { da: {}, en: {} };

export function defineStrings(strings) {
  for (const lang of ["da", "en"]) Object.assign(STRINGS[lang], strings[lang] || {});
}

export function t(key, values = {}) {
  const template = STRINGS[state.lang][key] ?? STRINGS[state.lang === "da" ? "en" : "da"][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
