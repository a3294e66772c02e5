// The full-text search over what the documents say (curated facts and the source texts), with marked snippets.
import { $, element } from "./dom.js";
import { defineStrings, formatNumber, plural, t } from "./i18n.js";
import { problemText, resourceHref, shorten, state } from "./state.js";
import { showTab } from "./tabs.js";

defineStrings({
  da: {
    "field.label": "navn", "field.altLabel": "andet navn", "field.title": "titel", "field.description": "beskrivelse",
    "field.text": "tekst som skrevet", "field.purpose": "formål", "field.targetGroup": "målgruppe",
    "field.milestone": "milepæl", "field.definition": "definition", "field.statusText": "status som skrevet",
    "field.quote": "citat", "field.evidenceNote": "note om kilden", "field.sourceText": "passage i kildeteksten",
    "search.facts.one": "i kendsgerninger: {count} citat eller statustekst",
    "search.facts.other": "i kendsgerninger: {count} citater eller statustekster",
    "search.text.one": "kun i teksten: {count} passage", "search.text.other": "kun i teksten: {count} passager",
    "search.both.one": "i kendsgerninger ({facts}) og tekst ({count} passage)",
    "search.both.other": "i kendsgerninger ({facts}) og tekst ({count} passager)",
    "search.searching": "Søger …",
    "search.best": "{shown} bedste af {total} tekster",
    "search.count.one": "{count} tekst", "search.count.other": "{count} tekster",
    "search.said": "Sagt med dokumenternes egne ord: ",
    "search.nothing": "Intet fundet.",
    "search.failed": "Forespørgslen mislykkedes: {message}",
    "search.openInSource": "Åbn dette sted i kildeteksten",
    "search.line": "linje {first}", "search.lines": "linje {first}–{last}",
    "search.page": ", s. {page}",
    "search.document": "Dokument: ", "search.documents": "Dokumenter: ",
  },
  en: {
    "field.label": "label", "field.altLabel": "other label", "field.title": "title", "field.description": "description",
    "field.text": "text as written", "field.purpose": "purpose", "field.targetGroup": "target group",
    "field.milestone": "milestone", "field.definition": "definition", "field.statusText": "status as written",
    "field.quote": "quote", "field.evidenceNote": "note on the evidence", "field.sourceText": "passage of the source text",
    "search.facts.one": "in facts: {count} quote or status text",
    "search.facts.other": "in facts: {count} quotes or status texts",
    "search.text.one": "only in its text: {count} passage", "search.text.other": "only in its text: {count} passages",
    "search.both.one": "in facts ({facts}) and text ({count} passage)",
    "search.both.other": "in facts ({facts}) and text ({count} passages)",
    "search.searching": "Searching…",
    "search.best": "{shown} best of {total} texts",
    "search.count.one": "{count} text", "search.count.other": "{count} texts",
    "search.said": "Said in the documents' own words: ",
    "search.nothing": "Nothing found.",
    "search.failed": "The request failed: {message}",
    "search.openInSource": "Open at this place in the source text",
    "search.line": "line {first}", "search.lines": "lines {first}–{last}",
    "search.page": ", p. {page}",
    "search.document": "Document: ", "search.documents": "Documents: ",
  },
});

// Where a document says what was searched for: in its curated facts (quotes, status texts), its text, or both.
const FOUND_IN = {
  facts: (doc) => plural("search.facts", doc.facts),
  text: (doc) => plural("search.text", doc.text),
  both: (doc) => plural("search.both", doc.text, { facts: formatNumber(doc.facts) }),
};

export function initSearch() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = $("search-text").value.trim();
    if (!wanted) return;
    history.replaceState(null, "", `#search=${encodeURIComponent(wanted)}`);
    runSearch(wanted);
  });
  // Labels and field names of the hits come in the chosen language: search again when it changes.
  document.addEventListener("languagechange", () => {
    if (!$("tab-search").hidden && $("search-text").value.trim()) runSearch($("search-text").value.trim());
  });
}

export async function runSearch(wanted) {
  showTab("search");
  $("search-text").value = wanted;
  $("search-error").hidden = true;
  $("search-documents").replaceChildren();
  $("search-csv").hidden = true;
  $("search-info").textContent = t("search.searching");
  const scope = $("search-in").value;
  const params = new URLSearchParams({ text: wanted, limit: "50", lang: state.lang, in: scope });
  try {
    const response = await fetch(`api/search?${params}`, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      $("search-info").textContent = "";
      $("search-results").replaceChildren();
      $("search-error").textContent = await problemText(response);
      $("search-error").hidden = false;
      return;
    }
    const data = await response.json();
    const count = data.total > data.hits.length
      ? t("search.best", { shown: formatNumber(data.hits.length), total: formatNumber(data.total) })
      : plural("search.count", data.total);
    $("search-info").textContent = count;
    $("search-csv").href = `api/search?${new URLSearchParams({ text: wanted, limit: "500", lang: state.lang, in: scope, format: "csv" })}`;
    $("search-csv").hidden = data.hits.length === 0;
    $("search-documents").replaceChildren(...(data.documents.length ? [t("search.said"),
      ...data.documents.flatMap((doc, i) => [i ? "; " : "", element("a", { href: resourceHref(doc.iri) }, doc.label || shorten(doc.iri)),
        ` (${(FOUND_IN[doc.in] || FOUND_IN.both)(doc)})`])] : []));
    $("search-results").replaceChildren(...(data.hits.length ? data.hits.map(hitItem)
      : [element("li", { class: "placeholder" }, t("search.nothing"))]));
  } catch (error) {
    $("search-info").textContent = "";
    $("search-error").textContent = t("search.failed", { message: error.message });
    $("search-error").hidden = false;
  }
}

// A document's lines, linked to that place in the source viewer where the answer gives the link.
function lines(doc) {
  const shown = doc.endLine !== null && doc.endLine !== doc.startLine
    ? t("search.lines", { first: doc.startLine, last: doc.endLine }) : t("search.line", { first: doc.startLine });
  return doc.sourceLink
    ? element("a", { href: doc.sourceLink, class: "in-source", title: t("search.openInSource") }, shown)
    : shown;
}

// A field's name in the chosen language; a field the page has no name for, as the server calls it.
function fieldName(field) {
  const name = t(`field.${field}`);
  return name === `field.${field}` ? field : name;
}

function hitItem(hit) {
  const documents = hit.documents.map((doc) => element("span", { class: "hit-document" },
    element("a", { href: resourceHref(doc.iri) }, doc.label || shorten(doc.iri)),
    doc.page !== null ? t("search.page", { page: doc.page }) : null,
    doc.startLine !== null ? ", " : null,
    doc.startLine !== null ? lines(doc) : null));
  const separated = documents.flatMap((node, i) => (i ? ["; ", node] : [node]));
  return element("li", { class: "hit" },
    element("div", { class: "hit-head" },
      element("a", { class: "hit-label", href: resourceHref(hit.resource), title: hit.resource }, hit.label),
      hit.classLabel ? element("span", { class: "hit-class" }, hit.classLabel) : null,
      element("span", { class: "hit-field" }, fieldName(hit.field))),
    element("p", { class: "snippet", lang: hit.lang || null },
      ...hit.snippet.map((run) => (run.match ? element("mark", {}, run.text) : run.text))),
    documents.length ? element("p", { class: "hit-documents" }, t(documents.length > 1 ? "search.documents" : "search.document"), ...separated) : null);
}
