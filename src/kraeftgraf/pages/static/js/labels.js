// The labels of resources a result names without one: asked of the page's own `sparql` endpoint (rdfs:label and
// skos:prefLabel, Danish and English), a few hundred resources a query, and kept for the rest of the visit.
import { JSON_RESULTS, state } from "./state.js";

// IRI -> {da, en, plain: the label shown in each language, when the data has one; all: every "lang\u0000label"}
const known = new Map();
const BATCH = 200; // IRIs in one query: stays well below the endpoint's limit on a query's length

// The label of `iri` in the chosen language, the other language as fallback; null when none is known.
export function labelOf(iri, lang = state.lang) {
  const labels = known.get(iri);
  if (!labels) return null;
  return labels[lang] || labels[lang === "da" ? "en" : "da"] || labels.plain || null;
}

// Whether `label` (in language `lang`, "" for none) is one of the resource's own labels; null when not yet known.
export function isOwnLabel(iri, label, lang) {
  const labels = known.get(iri);
  return labels ? labels.all.has(`${lang}\u0000${label}`) : null;
}

// Whether the endpoint was already asked for the labels of `iri`.
export function wasAsked(iri) {
  return known.has(iri);
}

function labelQuery(iris) {
  const values = iris.map((iri) => `<${iri}>`).join(" ");
  return `SELECT ?iri ?label WHERE {
  VALUES ?iri { ${values} }
  { ?iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  UNION { ?iri <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }
  FILTER(LANG(?label) IN ("da", "en", ""))
}`;
}

// Fetch the labels of the IRIs not yet known; resolves when they are in (a failed lookup leaves them unlabelled).
export async function loadLabels(iris) {
  const wanted = [...new Set(iris)].filter((iri) => !known.has(iri) && !/[<>"{}|^`\\\s]/.test(iri));
  for (let start = 0; start < wanted.length; start += BATCH) {
    const batch = wanted.slice(start, start + BATCH);
    try {
      const response = await fetch("sparql", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: JSON_RESULTS },
        body: new URLSearchParams({ query: labelQuery(batch) }),
      });
      if (!response.ok) return;
      const data = await response.json();
      for (const iri of batch) known.set(iri, { all: new Set() });
      for (const row of data.results.bindings) {
        const labels = known.get(row.iri.value);
        const lang = row.label["xml:lang"] || "plain";
        if (!(lang in labels)) labels[lang] = row.label.value; // one label per language is enough to show
        labels.all.add(`${row.label["xml:lang"] || ""}\u0000${row.label.value}`);
      }
    } catch (_) {
      return;
    }
  }
}
