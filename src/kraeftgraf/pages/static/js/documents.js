// What the graph holds, on the front page: each source document by its citation label, with its title, kind,
// issuer, year and how many facts and quotes it gives (the saved query source-documents).
import { $, element } from "./dom.js";
import { defineStrings, formatNumber, t } from "./i18n.js";
import { JSON_RESULTS, problemText, resourceHref, shorten, state } from "./state.js";

defineStrings({
  da: { "documents.noYear": "u.å.", "documents.source": "Læs teksten" },
  en: { "documents.noYear": "no year", "documents.source": "Read the text" },
});

let rows = null;

// A column in the chosen language: English from the ...En column, Danish from the plain one, the other as fallback.
function inLanguage(row, name) {
  const chosen = state.lang === "en" ? row[`${name}En`] : row[name];
  const other = state.lang === "en" ? row[name] : row[`${name}En`];
  const term = chosen || other;
  return term ? { text: term.value, lang: term["xml:lang"] || null } : null;
}

function documentRow(row) {
  const title = inLanguage(row, "title");
  const kind = inLanguage(row, "kindLabel");
  const issuer = inLanguage(row, "issuerLabel");
  const slug = row.document.value.split("/").pop();
  return element("tr", { "data-document": row.document.value },
    element("td", {},
      element("a", { href: resourceHref(row.document.value), title: row.document.value, lang: "da" },
        row.documentLabel ? row.documentLabel.value : shorten(row.document.value)),
      title ? element("span", { class: "title", lang: title.lang }, title.text) : null,
      kind ? element("span", { class: "kind", lang: kind.lang }, kind.text) : null,
      row.sourceFile ? element("a", { class: "read-source", href: `source/${slug}` }, t("documents.source")) : null),
    // data-label names the column where a phone shows each row as a block (front.css)
    element("td", { lang: issuer ? issuer.lang : null, "data-label": t("documents.issuer") }, issuer ? issuer.text : ""),
    element("td", { "data-label": t("documents.year") }, row.year ? row.year.value : t("documents.noYear")),
    element("td", { class: "number", "data-count": "facts", "data-label": t("documents.facts") },
      row.facts ? formatNumber(Number(row.facts.value)) : ""),
    element("td", { class: "number", "data-count": "quotes", "data-label": t("documents.quotes") },
      row.quotes ? formatNumber(Number(row.quotes.value)) : ""));
}

function render() {
  if (rows) $("documents").tBodies[0].replaceChildren(...rows.map(documentRow));
}

export async function loadDocuments() {
  const response = await fetch("api/queries/source-documents", { headers: { Accept: JSON_RESULTS } });
  if (!response.ok) {
    $("documents").tBodies[0].replaceChildren(element("tr", {},
      element("td", { colspan: "5", class: "error" }, await problemText(response))));
    return;
  }
  rows = (await response.json()).results.bindings;
  render();
}

document.addEventListener("languagechange", render);
