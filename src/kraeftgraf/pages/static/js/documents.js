// The source documents on the front page, by their citation labels.
import { $, element } from "./dom.js";
import { JSON_RESULTS, problemText, resourceHref, shorten } from "./state.js";

export async function loadDocuments() {
  const response = await fetch("api/queries/source-documents", { headers: { Accept: JSON_RESULTS } });
  if (!response.ok) {
    $("documents").replaceChildren(element("li", { class: "error" }, await problemText(response)));
    return;
  }
  const rows = (await response.json()).results.bindings;
  $("documents").replaceChildren(...rows.map((row) => element("li", { "data-document": row.document.value },
    element("a", { href: resourceHref(row.document.value), title: row.document.value },
      row.documentLabel ? row.documentLabel.value : shorten(row.document.value)),
    row.title ? element("span", { class: "title", lang: "da" }, ` — ${row.title.value}`) : null,
    row.kindLabel ? element("span", { class: "kind", lang: "da" }, ` (${row.kindLabel.value})`) : null)));
}
