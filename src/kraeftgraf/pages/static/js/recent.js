// The last runs, kept in this browser (localStorage) as a "Recent" list that reopens them, and "Copy link".
import { $, element } from "./dom.js";
import { defineStrings, t } from "./i18n.js";

defineStrings({
  da: { "recent.title": "Seneste", "recent.none": "Intet kørt endnu.", "recent.copy": "Kopiér link",
    "recent.copied": "Linket er kopieret.", "recent.copyFailed": "Kunne ikke kopiere; linket står i adresselinjen." },
  en: { "recent.title": "Recent", "recent.none": "Nothing run yet.", "recent.copy": "Copy link",
    "recent.copied": "The link is copied.", "recent.copyFailed": "Could not copy; the link is in the address bar." },
});

const KEY = "kraeftgraf.recent";
const KEPT = 20;

export function recentRuns() {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(kept) ? kept.filter((run) => run && typeof run.url === "string") : [];
  } catch (_) {
    return []; // a list another version of the page wrote differently: start again
  }
}

// Keep a run at the top of the list (once: running it again moves it up).
export function remember({ url, title }) {
  const runs = [{ url, title, at: new Date().toISOString() }, ...recentRuns().filter((run) => run.url !== url)];
  localStorage.setItem(KEY, JSON.stringify(runs.slice(0, KEPT)));
  renderRecent();
}

let reopen = (url) => { location.href = url; };

// `open(url)` shows a recent run in this page (rather than loading the page again).
export function initRecent(open) {
  reopen = open;
  $("copy-link").addEventListener("click", copyLink);
  renderRecent();
}

export function renderRecent() {
  $("recent-title").textContent = t("recent.title");
  $("copy-link").textContent = t("recent.copy");
  const runs = recentRuns();
  $("recent-list").replaceChildren(...(runs.length ? runs.map((run) => element("li", {},
    element("a", { href: run.url, title: run.url, onclick: (event) => {
      event.preventDefault();
      $("recent").open = false;
      reopen(run.url);
    } }, run.title || run.url),
    element("small", {}, describe(run.url))))
    : [element("li", { class: "placeholder" }, t("recent.none"))]));
}

// What a recent run asked, in short: the saved question's values, or the start of the SPARQL.
function describe(url) {
  const params = new URL(url).searchParams;
  if (params.has("query")) return params.get("query").replace(/^\s*(PREFIX[^\n]*\n|#[^\n]*\n|\s)*/i, "").slice(0, 80);
  return [...params.entries()].filter(([name]) => name !== "q" && name !== "lang")
    .map(([name, value]) => `${name}=${value}`).join(", ");
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
    $("copy-status").textContent = t("recent.copied");
  } catch (_) {
    $("copy-status").textContent = t("recent.copyFailed");
  }
}
