// The full-text search over what the documents say (curated facts and the source texts), with marked snippets.
import { $, element } from "./dom.js";
import { problemText, resourceHref, shorten, state } from "./state.js";
import { showTab } from "./tabs.js";

const FIELD_NAMES = {
  label: "label", altLabel: "other label", title: "title", description: "description", text: "text as written",
  purpose: "purpose", targetGroup: "target group", milestone: "milestone", definition: "definition",
  statusText: "status as written", quote: "quote", evidenceNote: "note on the evidence",
  sourceText: "passage of the source text",
};
// Where a document says what was searched for: in its curated facts (quotes, status texts), its text, or both.
const FOUND_IN = {
  facts: (doc) => `in facts: ${doc.facts} quote${doc.facts === 1 ? "" : "s"} or status text${doc.facts === 1 ? "" : "s"}`,
  text: (doc) => `only in its text: ${doc.text} passage${doc.text === 1 ? "" : "s"}`,
  both: (doc) => `in facts (${doc.facts}) and text (${doc.text} passage${doc.text === 1 ? "" : "s"})`,
};

export function initSearch() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = $("search-text").value.trim();
    if (!wanted) return;
    history.replaceState(null, "", `#search=${encodeURIComponent(wanted)}`);
    runSearch(wanted);
  });
}

export async function runSearch(wanted) {
  showTab("search");
  $("search-text").value = wanted;
  $("search-error").hidden = true;
  $("search-documents").replaceChildren();
  $("search-csv").hidden = true;
  $("search-info").textContent = "Searching…";
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
    const count = data.total > data.hits.length ? `${data.hits.length} best of ${data.total} texts` : `${data.total} text${data.total === 1 ? "" : "s"}`;
    $("search-info").textContent = count;
    $("search-csv").href = `api/search?${new URLSearchParams({ text: wanted, limit: "500", lang: state.lang, in: scope, format: "csv" })}`;
    $("search-csv").hidden = data.hits.length === 0;
    $("search-documents").replaceChildren(...(data.documents.length ? ["Said in the documents' own words: ",
      ...data.documents.flatMap((doc, i) => [i ? "; " : "", element("a", { href: resourceHref(doc.iri) }, doc.label || shorten(doc.iri)),
        ` (${(FOUND_IN[doc.in] || FOUND_IN.both)(doc)})`])] : []));
    $("search-results").replaceChildren(...(data.hits.length ? data.hits.map(hitItem)
      : [element("li", { class: "placeholder" }, "Nothing found.")]));
  } catch (error) {
    $("search-info").textContent = "";
    $("search-error").textContent = `The request failed: ${error.message}`;
    $("search-error").hidden = false;
  }
}

// A document's lines, linked to that place in the source viewer where the answer gives the link.
function lines(doc) {
  const shown = `line${doc.endLine !== null && doc.endLine !== doc.startLine ? `s ${doc.startLine}–${doc.endLine}` : ` ${doc.startLine}`}`;
  return doc.sourceLink
    ? element("a", { href: doc.sourceLink, class: "in-source", title: "Open at this place in the source text" }, shown)
    : shown;
}

function hitItem(hit) {
  const documents = hit.documents.map((doc) => element("span", { class: "hit-document" },
    element("a", { href: resourceHref(doc.iri) }, doc.label || shorten(doc.iri)),
    doc.page !== null ? `, p. ${doc.page}` : null,
    doc.startLine !== null ? ", " : null,
    doc.startLine !== null ? lines(doc) : null));
  const separated = documents.flatMap((node, i) => (i ? ["; ", node] : [node]));
  return element("li", { class: "hit" },
    element("div", { class: "hit-head" },
      element("a", { class: "hit-label", href: resourceHref(hit.resource), title: hit.resource }, hit.label),
      hit.classLabel ? element("span", { class: "hit-class" }, hit.classLabel) : null,
      element("span", { class: "hit-field" }, FIELD_NAMES[hit.field] || hit.field)),
    element("p", { class: "snippet", lang: hit.lang || null },
      ...hit.snippet.map((run) => (run.match ? element("mark", {}, run.text) : run.text))),
    documents.length ? element("p", { class: "hit-documents" }, documents.length > 1 ? "Documents: " : "Document: ", ...separated) : null);
}
