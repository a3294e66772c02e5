// The researcher page: full-text search, saved questions with a form each, a SPARQL editor, results as a table and
// a chart. Plain JavaScript modules served by the package itself: no build step for our code, no CDN, works offline.
// This module routes: the address says what the page shows (url-state.js), and Back/Forward show it again.
import { $ } from "./dom.js";
import { loadDocuments } from "./documents.js";
import { getQuery, initEditor, runSparql, setQuery } from "./editor.js";
import { renderStartHere } from "./front.js";
import { loadQueries, renderGallery } from "./gallery.js";
import { initLanguage } from "./i18n.js";
import "./page-texts.js";
import { initRecent, renderRecent } from "./recent.js";
import { initResults } from "./results.js";
import { forgetRun, historyForNextRun, initRunning, showKept } from "./run.js";
import { openQuery, shownValues } from "./saved.js";
import { initSearch, runSearch } from "./search.js";
import { state } from "./state.js";
import { initSkipLink, showTab } from "./tabs.js";
import { record, requestFromLocation, urlFor } from "./url-state.js";

const EDITOR_DRAFT = "kraeftgraf.editor";

// The parts this module keeps drawn in the chosen language: the saved question's form (with the values it holds)
// and the recent list.
function redrawForLanguage() {
  renderRecent();
  const values = shownValues();
  if (values && !$("tab-queries").hidden) openQuery($("query-form").dataset.query, { autorun: false, values, history: "none" });
}

// Show what a request asks for and run it; `mode` says how the step enters the history.
function show(request, mode) {
  if (request.name) {
    openQuery(request.name, { values: request.values, history: mode });
  } else if (request.query !== undefined) {
    setQuery(request.query);
    showTab("sparql");
    historyForNextRun(mode);
    runSparql();
  } else if (request.search) {
    record(request, "replace");
    runSearch(request.search);
  } else {
    showTab(request.tab);
    record(request, mode);
  }
}

// Back or Forward: the tab, the form's values or the editor's text, and the answer (kept, or asked for again).
function restore(entry) {
  if (!entry && location.hash.length > 1) return; // a link to #sparql etc.: the hashchange that follows shows it
  const request = entry && (entry.draft || entry.request) ? entry.draft || entry.request : requestFromLocation();
  if (request.search) {
    runSearch(request.search);
    return;
  }
  if (request.name) openQuery(request.name, { values: request.values, autorun: false, history: "none" });
  else if (request.query !== undefined) setQuery(request.query);
  if (!request.name) showTab(request.tab);
  if (!entry || !entry.run) {
    forgetRun();
    return;
  }
  if (showKept(entry.run)) return;
  show(request, "replace"); // the answer is not kept (the page was reloaded since): ask for it again
}

// A link within the page (a recent run): show it without loading the page again.
function open(url) {
  const target = new URL(url, location.href);
  history.pushState(null, "", `${target.pathname}${target.search}`);
  show(requestFromLocation(), "replace");
}

async function main() {
  initLanguage();
  initSkipLink();
  renderStartHere();
  $("filter").addEventListener("input", renderGallery);
  initResults();
  initSearch();
  initRunning();
  initRecent(open);
  document.addEventListener("languagechange", redrawForLanguage);
  const request = requestFromLocation();
  history.replaceState(null, "", urlFor(request)); // an old #q=... or #sparql address, in the new form
  showTab(request.tab);
  window.addEventListener("hashchange", () => show(requestFromLocation(), "replace"));
  window.addEventListener("popstate", (event) => restore(event.state));
  try {
    const response = await fetch("api/prefixes");
    state.prefixes = response.ok ? await response.json() : {};
  } catch (_) {
    state.prefixes = {};
  }
  initEditor();
  // The editor's text outlives a reload of this tab (sessionStorage) unless the address brings a query of its own.
  const draft = sessionStorage.getItem(EDITOR_DRAFT);
  if (draft !== null && request.query === undefined) setQuery(draft);
  window.addEventListener("pagehide", () => sessionStorage.setItem(EDITOR_DRAFT, getQuery()));
  await Promise.all([loadQueries(), loadDocuments()]);
  // Show what the address asked for at load, unless the reader has already asked for something else (a search
  // typed while the saved questions were loading): a late start must not overwrite that.
  if (JSON.stringify(requestFromLocation()) === JSON.stringify(request)) show(request, "replace");
}

main();
