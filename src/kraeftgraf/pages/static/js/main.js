// The researcher page: full-text search, saved questions with a form each, a SPARQL editor, results as a table and
// a chart. Plain JavaScript modules served by the package itself: no build step for our code, no CDN, works offline.
import { $ } from "./dom.js";
import { loadDocuments } from "./documents.js";
import { renderStartHere } from "./front.js";
import { initLanguage } from "./i18n.js";
import "./page-texts.js";
import { initEditor } from "./editor.js";
import { loadQueries, renderGallery } from "./gallery.js";
import { initResults } from "./results.js";
import { openQuery } from "./saved.js";
import { initSearch, runSearch } from "./search.js";
import { state } from "./state.js";
import { initSkipLink, showTab } from "./tabs.js";

function route() {
  if (location.hash.startsWith("#sparql")) showTab("sparql");
  else if (location.hash.startsWith("#search=")) runSearch(decodeURIComponent(location.hash.slice("#search=".length)));
  else if (location.hash.startsWith("#search")) showTab("search");
  else showTab("queries");
}

async function main() {
  initLanguage();
  initSkipLink();
  renderStartHere();
  // The saved question's form shows texts in the chosen language: draw it again (without running) on a switch.
  document.addEventListener("languagechange", () => {
    if (state.current && state.current.name) openQuery(state.current.name, { autorun: false });
  });
  $("filter").addEventListener("input", renderGallery);
  initResults();
  initSearch();
  window.addEventListener("hashchange", route);
  route();
  try {
    const response = await fetch("api/prefixes");
    state.prefixes = response.ok ? await response.json() : {};
  } catch (_) {
    state.prefixes = {};
  }
  initEditor();
  await Promise.all([loadQueries(), loadDocuments()]);
}

main();
