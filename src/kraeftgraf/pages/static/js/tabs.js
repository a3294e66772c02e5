// The page's three tabs (full-text search, saved questions, SPARQL editor), and where keyboard focus goes.
import { $ } from "./dom.js";
import { state } from "./state.js";

export function showTab(name) {
  for (const tab of ["search", "queries", "sparql"]) $(`tab-${tab}`).hidden = tab !== name;
  $("results").hidden = name === "search" || !state.current;  // a saved question's result belongs to its own tabs
  for (const link of document.querySelectorAll("nav a[data-tab]")) {
    link.classList.toggle("active", link.dataset.tab === name);
    if (link.dataset.tab === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

// After a run, keyboard and screen-reader users land on the result's heading (not left behind at the Run button).
// results.js dispatches "resultshown" on document when it has shown a result, a graph or an error.
export function focusResults() {
  const heading = $("result-title");
  if (!heading || $("results").hidden) return;
  heading.tabIndex = -1;
  heading.focus();
}

document.addEventListener("resultshown", focusResults);

// The skip link moves the focus to the main content without changing the address: "#main" in the address would
// be read as a place in the page's own state (the old #sparql, #search=... links).
export function initSkipLink() {
  const link = document.querySelector(".skip-link");
  if (!link) return;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    $("main").focus();
  });
}
