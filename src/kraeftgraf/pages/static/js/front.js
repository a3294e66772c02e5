// "Start here" on the front page: a few questions a newcomer can open with one click, each a saved query with
// parameters that give a telling answer. Each card is a link in the page's shareable form (?q=NAME&PARAM=VALUE), so
// it also opens in a new tab and can be bookmarked.
import { $, element } from "./dom.js";
import { defineStrings, t } from "./i18n.js";
import { state } from "./state.js";

export const START_HERE = [
  { key: "palliation", query: "plan-items-by-theme", params: { theme: "id:theme-palliation" } },
  { key: "relatives", query: "search", params: { text: "pårørende" } },
  { key: "regions", query: "theme-coverage-two-regions", params: {} },
  { key: "pathways", query: "figures-by-indicator", params: { indicator: "id:indicator-pathway-target-fulfilment" } },
  { key: "unimplemented", query: "recommendations-without-implemented-initiative", params: {} },
  { key: "money", query: "amounts", params: {} },
];

defineStrings({
  da: {
    "start.palliation": "Hvad siger planerne om palliation?",
    "start.palliation.text": "Anbefalinger, planpunkter og indsatsområder om palliation i alle dokumenter, med citat.",
    "start.relatives": "Hvor nævnes pårørende?",
    "start.relatives.text": "Fritekstsøgning i navne, citater og statustekster efter \"pårørende\".",
    "start.regions": "Hvilke temaer dækker de to regioner?",
    "start.regions.text": "Region Hovedstaden og Region Sjælland side om side, tema for tema.",
    "start.pathways": "Når patienterne i kræftpakkerne igennem til tiden?",
    "start.pathways.text": "Målopfyldelsen i kræftpakkeforløbene pr. region og år, som tabel og graf.",
    "start.unimplemented": "Hvilke anbefalinger mangler en indsats?",
    "start.unimplemented.text": "Anbefalinger og planpunkter uden en implementeret eller etableret indsats.",
    "start.money": "Hvilke penge er sat af, og til hvad?",
    "start.money.text": "Alle beløb med formål, år og kilde.",
  },
  en: {
    "start.palliation": "What do the plans say about palliation?",
    "start.palliation.text": "Recommendations, plan points and action areas on palliation in every document, quoted.",
    "start.relatives": "Where are relatives (pårørende) mentioned?",
    "start.relatives.text": "A full-text search of labels, quotes and status texts for \"pårørende\".",
    "start.regions": "Which themes do the two regions cover?",
    "start.regions.text": "Region Hovedstaden and Region Sjælland side by side, theme by theme.",
    "start.pathways": "Do cancer-pathway patients get through in time?",
    "start.pathways.text": "Target fulfilment in the cancer pathways per region and year, as a table and a chart.",
    "start.unimplemented": "Which recommendations lack an initiative?",
    "start.unimplemented.text": "Recommendations and plan points with no implemented or established initiative.",
    "start.money": "What money is set aside, and for what?",
    "start.money.text": "Every amount of money, with purpose, year and source.",
  },
});

// The address that opens a start card's question with its parameters, in the chosen language.
export function startHref(card) {
  return `./?${new URLSearchParams({ q: card.query, ...card.params, lang: state.lang })}`;
}

export function renderStartHere() {
  $("start-here").replaceChildren(...START_HERE.map((card) => element("li", {},
    element("a", { class: "start-card", href: startHref(card), "data-query": card.query },
      element("span", { class: "start-question" }, t(`start.${card.key}`)),
      element("span", { class: "start-text" }, t(`start.${card.key}.text`))))));
}

document.addEventListener("languagechange", renderStartHere);
