// The gallery of saved questions: loaded from /api/queries, filtered by words and tags; a card opens its form.
import { $, element } from "./dom.js";
import { openQuery } from "./saved.js";
import { problemText, state, text } from "./state.js";

export async function loadQueries() {
  const response = await fetch("api/queries", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    $("gallery").replaceChildren(element("li", { class: "error" }, await problemText(response)));
    return;
  }
  state.queries = await response.json();
  renderTags();
  renderGallery();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("q");
  if (wanted) openQuery(wanted);
}

function renderTags() {
  const counts = new Map();
  for (const query of state.queries) for (const tag of query.tags) counts.set(tag, (counts.get(tag) || 0) + 1);
  const popular = [...counts.entries()].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  $("tags").replaceChildren(...popular.slice(0, 24).map(([tag]) => element("button", {
    type: "button", class: "tag", onclick: () => { $("filter").value = tag; renderGallery(); },
  }, tag)));
}

export function renderGallery() {
  const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = state.queries.filter((query) => {
    const haystack = [query.name, query.summary.da, query.summary.en, query.description.da, query.description.en,
      ...query.tags].join(" ").toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const items = matches.map((query) => element("li", {
    class: `card${state.current && state.current.name === query.name ? " selected" : ""}`,
    "data-query": query.name,
  }, element("button", { type: "button", onclick: () => openQuery(query.name) },
    element("span", { class: "summary" }, text(query.summary)),
    element("span", { class: "description" }, text(query.description)),
    element("span", { class: "card-tags" }, ...query.tags.map((tag) => element("span", { class: "tag" }, tag))))));
  $("gallery").replaceChildren(...(items.length ? items : [element("li", { class: "placeholder" }, "No saved question matches.")]));
}
