// The gallery of saved questions: loaded from /api/queries, grouped by topic, filtered by words and by one tag; a
// card opens its form.
import { $, element } from "./dom.js";
import { defineStrings, plural, t } from "./i18n.js";
import { openQuery } from "./saved.js";
import { problemText, state, text } from "./state.js";

// A query's topic is the first family below (in this order) that one of its header tags belongs to, else "other".
// The order settles queries that carry tags of several families: screening before figures, themes before status.
const TOPICS = [
  { key: "screening", tags: ["screening"] },
  { key: "themes", tags: ["tema", "theme", "senfølger", "late-effects"] },
  { key: "status", tags: ["status", "opfølgning", "follow-up", "tidslinje", "timeline"] },
  { key: "figures", tags: ["tal", "figures", "mål", "goals", "targets", "penge", "money", "beløb", "amounts"] },
  { key: "documents", tags: ["dokument", "document", "kilde", "source", "citat", "quote", "søgning", "search",
    "begreb", "term", "nummerering", "numbering", "plan", "vejledning", "guidance"] },
  { key: "organisations", tags: ["organisation", "hospital", "tværsektorielt", "cross-sector", "program",
    "programme", "region"] },
];
const MIN_CARDS_FOR_A_TAG = 2; // a tag on one card only would be a filter that shows that card
const MAX_TAGS = 24; // the most used tags only: a wall of chips would hide the questions

defineStrings({
  da: {
    "topic.screening": "Screening", "topic.themes": "Temaer", "topic.status": "Status og opfølgning",
    "topic.figures": "Tal, mål og penge", "topic.documents": "Dokumenter, kilder og begreber",
    "topic.organisations": "Organisationer og programmer", "topic.other": "Andet",
    "gallery.none": "Intet gemt spørgsmål passer.",
    "gallery.tagTitle": "Vis kun spørgsmål med mærket \"{tag}\"",
    "gallery.showing.one": "{count} spørgsmål med mærket \"{tag}\"",
    "gallery.showing.other": "{count} spørgsmål med mærket \"{tag}\"",
    "gallery.clearTag": "Vis alle",
  },
  en: {
    "topic.screening": "Screening", "topic.themes": "Themes", "topic.status": "Status and follow-up",
    "topic.figures": "Figures, targets and money", "topic.documents": "Documents, sources and terms",
    "topic.organisations": "Organisations and programmes", "topic.other": "Other",
    "gallery.none": "No saved question matches.",
    "gallery.tagTitle": "Show only the questions tagged \"{tag}\"",
    "gallery.showing.one": "{count} question tagged \"{tag}\"",
    "gallery.showing.other": "{count} questions tagged \"{tag}\"",
    "gallery.clearTag": "Show all",
  },
});

let chosenTag = null;

export async function loadQueries() {
  const response = await fetch("api/queries", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    $("gallery").replaceChildren(element("p", { class: "error" }, await problemText(response)));
    return;
  }
  state.queries = await response.json();
  renderTags();
  renderGallery();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("q");
  if (wanted) openQuery(wanted);
}

export function topicOf(query) {
  const found = TOPICS.find((topic) => query.tags.some((tag) => topic.tags.includes(tag)));
  return found ? found.key : "other";
}

function renderTags() {
  const counts = new Map();
  for (const query of state.queries) for (const tag of query.tags) counts.set(tag, (counts.get(tag) || 0) + 1);
  const shown = [...counts.entries()].filter(([, n]) => n >= MIN_CARDS_FOR_A_TAG)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "da"));
  $("tags").replaceChildren(...shown.slice(0, MAX_TAGS).map(([tag]) => element("button", {
    type: "button", class: "tag", "data-tag": tag, "aria-pressed": String(tag === chosenTag),
    title: t("gallery.tagTitle", { tag }), onclick: () => chooseTag(tag === chosenTag ? null : tag),
  }, tag)));
}

function chooseTag(tag) {
  chosenTag = tag;
  for (const button of $("tags").querySelectorAll("button.tag")) {
    button.setAttribute("aria-pressed", String(button.dataset.tag === chosenTag));
  }
  renderGallery();
}

// A word of the filter matches where a word of the card's texts begins ("år" finds "år" and "årlig", not "måler").
function matchesWords(query, words) {
  const haystack = [query.name, query.summary.da, query.summary.en, query.description.da, query.description.en,
    ...query.tags].join(" ").toLowerCase();
  return words.every((word) => haystack.split(/[^\p{L}\p{N}]+/u).some((part) => part.startsWith(word)));
}

function card(query) {
  return element("li", {
    class: `card${state.current && state.current.name === query.name ? " selected" : ""}`, "data-query": query.name,
  }, element("button", { type: "button", onclick: () => openQuery(query.name) },
    element("span", { class: "summary" }, text(query.summary)),
    element("span", { class: "description" }, text(query.description)),
    element("span", { class: "card-tags" }, ...query.tags.map((tag) => element("span", { class: "tag" }, tag)))));
}

export function renderGallery() {
  const words = $("filter").value.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const matches = state.queries.filter((query) => (!chosenTag || query.tags.includes(chosenTag))
    && matchesWords(query, words));
  const groups = [...TOPICS.map((topic) => topic.key), "other"].map((key) => ({
    key, queries: matches.filter((query) => topicOf(query) === key),
  })).filter((group) => group.queries.length);
  const status = chosenTag ? element("p", { class: "tag-status" }, plural("gallery.showing", matches.length, { tag: chosenTag }),
    " ", element("button", { type: "button", class: "clear-tag", onclick: () => chooseTag(null) }, t("gallery.clearTag"))) : null;
  $("gallery").replaceChildren(...[status, ...(groups.length ? groups.map((group) => element("section", {
    class: "topic", "data-topic": group.key, "aria-labelledby": `topic-${group.key}`,
  }, element("h3", { id: `topic-${group.key}` }, t(`topic.${group.key}`)),
  element("ul", { class: "cards" }, ...group.queries.map(card))))
    : [element("p", { class: "placeholder" }, t("gallery.none"))])].filter(Boolean));
}

document.addEventListener("languagechange", () => { renderTags(); renderGallery(); });
