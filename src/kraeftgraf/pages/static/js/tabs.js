// The page's three tabs: full-text search, saved questions, SPARQL editor.
import { $ } from "./dom.js";
import { state } from "./state.js";

export function showTab(name) {
  for (const tab of ["search", "queries", "sparql"]) $(`tab-${tab}`).hidden = tab !== name;
  $("results").hidden = name === "search" || !state.current;  // a saved question's result belongs to its own tabs
  for (const link of document.querySelectorAll("nav a[data-tab]")) {
    link.classList.toggle("active", link.dataset.tab === name);
  }
}
