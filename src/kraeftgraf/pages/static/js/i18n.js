// Every text of the page in Danish and English. t("key") gives the chosen language's text, the other as fallback;
// {name} in a text is filled from the second argument.
import { state } from "./state.js";

export const STRINGS = {
  da: {},
  en: {},
};

export function t(key, values = {}) {
  const template = STRINGS[state.lang][key] ?? STRINGS[state.lang === "da" ? "en" : "da"][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
