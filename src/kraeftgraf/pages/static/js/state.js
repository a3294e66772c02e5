// What the page knows: the language, the saved queries, the prefixes, and how the shown result was fetched.

export const ID = "https://w3id.org/kraeftgraf/id/";
export const KG = "https://w3id.org/kraeftgraf/vocab#";
export const JSON_RESULTS = "application/sparql-results+json";
export const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|nonPositiveInteger|negativeInteger|unsignedInt|unsignedLong|unsignedShort|unsignedByte)$/;
export const SEPARATOR = " | "; // how a saved query joins the values of a many-valued column

export const state = {
  lang: localStorage.getItem("kraeftgraf.lang") || "da",
  queries: [],
  prefixes: {},
  current: null, // {name, title, url, init, filename}: how the shown result was fetched, for downloads
  result: null,
};

// A {da, en} text in the chosen language, the other as fallback.
export function text(bilingual) {
  if (!bilingual) return "";
  return bilingual[state.lang] || bilingual[state.lang === "da" ? "en" : "da"] || "";
}

// Where the endpoint shows a resource: the same rule as the server's pages.
export function resourceHref(iri) {
  const lang = state.lang === "da" ? "" : `lang=${state.lang}`;
  if (iri.startsWith(ID) && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(iri.slice(ID.length))) {
    return `resource/${iri.slice(ID.length)}${lang ? "?" + lang : ""}`;
  }
  if (iri.startsWith(KG)) return `ontology#${iri.slice(KG.length)}`;
  return `resource?iri=${encodeURIComponent(iri)}${lang ? "&" + lang : ""}`;
}

export function shorten(iri) {
  for (const [name, namespace] of Object.entries(state.prefixes)) {
    if (iri.startsWith(namespace)) return `${name}:${iri.slice(namespace.length)}`;
  }
  return iri;
}

// The message of an error answer: a problem document's detail, or the body as text.
export async function problemText(response) {
  const body = await response.text();
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.detail === "string") return parsed.detail;
  } catch (_) { /* plain text */ }
  return body.trim() || `${response.status} ${response.statusText}`;
}
