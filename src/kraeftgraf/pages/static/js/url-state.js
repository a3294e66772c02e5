// The page's state in its address, so that a view can be shared, bookmarked, reloaded and reached with Back/Forward.
//   /?q=NAME&PARAM=VALUE...   a saved question with its values (prefixed names or full IRIs)
//   /?query=SPARQL            the editor with that query
//   /?search=TEXT             the full-text search;  /?tab=search|queries|sparql  a tab
//   lang=da|en                kept beside any of these
// The old hash forms (#q=NAME&PARAM=VALUE, #sparql, #search=TEXT) are read too and rewritten into these.
import { state } from "./state.js";

const TABS = ["queries", "search", "sparql"];
const OWN = new Set(["q", "query", "search", "tab", "lang"]); // every other parameter of ?q=NAME is a value

// What the address asks for: {tab, name?, values?, query?, search?}; tab "queries" when it asks for nothing.
export function requestFromLocation(where = location) {
  if (where.hash.length > 1) {
    const fromHash = requestFromHash(where.hash.slice(1));
    if (fromHash) return fromHash;
  }
  return requestFromParams(new URLSearchParams(where.search));
}

function requestFromHash(hash) {
  if (hash.startsWith("q=")) return requestFromParams(new URLSearchParams(hash));
  if (hash.startsWith("search=")) return { tab: "search", search: decodeURIComponent(hash.slice("search=".length)) };
  return TABS.includes(hash) ? { tab: hash } : null;
}

function requestFromParams(params) {
  if (params.get("q")) {
    const values = [...params.entries()].filter(([name]) => !OWN.has(name));
    return { tab: "queries", name: params.get("q"), values };
  }
  if (params.has("query")) return { tab: "sparql", query: params.get("query") };
  if (params.get("search")) return { tab: "search", search: params.get("search") };
  const tab = params.get("tab");
  return { tab: TABS.includes(tab) ? tab : "queries" };
}

// The language the address asks for, or null.
export function languageFromLocation(where = location) {
  const lang = new URLSearchParams(where.search).get("lang");
  return lang === "da" || lang === "en" ? lang : null;
}

// The address (path and query string, relative to the page) that shows a request; the language is kept in it.
export function urlFor(request) {
  const params = new URLSearchParams();
  if (request.name) {
    params.set("q", request.name);
    for (const [name, value] of request.values || []) params.append(name, value);
  } else if (request.query !== undefined) {
    params.set("query", request.query);
  } else if (request.search) {
    params.set("search", request.search);
  } else if (request.tab && request.tab !== "queries") {
    params.set("tab", request.tab);
  }
  if (state.lang !== "da" || languageFromLocation() === "da") params.set("lang", state.lang);
  const text = params.toString();
  return `${location.pathname}${text ? "?" + text : ""}`;
}

// The full address of a request, for "Copy link" and the list of recent runs.
export function absoluteUrlFor(request) {
  return new URL(urlFor(request), location.href).href;
}

// Record a request in the history: "push" a new entry, "replace" the current one, or "none".
export function record(request, mode, extra = {}) {
  if (mode === "none") return;
  const entry = { request, ...extra };
  const left = history.state;
  if (mode === "push" && left && left.draft && left.request) {
    // The step left behind shows again what it ran, not what was typed since: that has become the new step.
    history.replaceState({ request: left.request, run: left.run }, "", urlFor(left.request));
  }
  if (mode === "push") history.pushState(entry, "", urlFor(request));
  else history.replaceState(entry, "", urlFor(request));
}

// What the user has typed but not run yet goes into the address (replacing it), so that a reload keeps it;
// the entry keeps its run, so Back/Forward still show that run's answer.
export function keepDraft(request) {
  history.replaceState({ ...(history.state || {}), draft: request }, "", urlFor(request));
}
