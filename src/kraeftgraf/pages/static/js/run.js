// Running the current request (a saved question or the editor's query): one at a time on screen, the newest wins,
// Cancel stops it; each run gets a history entry and a place in the recent list, and its answer is kept for Back.
import { $ } from "./dom.js";
import { getQuery } from "./editor.js";
import { defineStrings, t } from "./i18n.js";
import { remember } from "./recent.js";
import { showError, showGraph, showResult } from "./results.js";
import { JSON_RESULTS, problemText, state } from "./state.js";
import { absoluteUrlFor, record } from "./url-state.js";

defineStrings({
  da: {
    "run.running": "Kører: {title} …", "run.done": "Færdig: {title}", "run.failed": "Fejlede: {title}",
    "run.cancelled": "Afbrudt: {title}", "run.cancelledMessage": "Kørslen blev afbrudt, før svaret kom.",
    "run.cancel": "Afbryd", "run.requestFailed": "Forespørgslen fejlede: {message}",
  },
  en: {
    "run.running": "Running: {title} …", "run.done": "Done: {title}", "run.failed": "Failed: {title}",
    "run.cancelled": "Cancelled: {title}", "run.cancelledMessage": "The run was cancelled before the answer came.",
    "run.cancel": "Cancel", "run.requestFailed": "The request failed: {message}",
  },
});

const SESSION = Math.random().toString(36).slice(2, 8); // run ids stay unique across reloads (history outlives them)
const KEPT_ANSWERS = 30;
const answers = new Map(); // run id -> what it showed, so Back/Forward show it again without asking the server
let counter = 0;
let newest = null; // the id of the newest run: only its answer is ever shown
let controller = null; // aborts the request of the run in progress
let historyMode = "push";

// How the next run is recorded in the history: "push" (a run the user asked for), "replace" (the address asked for
// it, or Back/Forward reached an entry whose answer is no longer kept), "none".
export function historyForNextRun(mode) {
  historyMode = mode;
}

export function isRunning() {
  return controller !== null;
}

export function cancelRun() {
  if (controller) controller.abort("cancelled");
}

export async function fetchAs(accept, signal = undefined) {
  const { url, init } = state.current;
  return fetch(url, { ...init, signal, headers: { ...(init.headers || {}), Accept: accept } });
}

// The request the current run answers: the saved question with its values, or the editor's query.
function currentRequest() {
  return state.current.request || { tab: "sparql", query: getQuery() };
}

export async function run() {
  const id = `${SESSION}-${++counter}`;
  const mode = historyMode;
  historyMode = "push";
  if (controller) controller.abort("superseded");
  const mine = new AbortController();
  controller = mine;
  newest = id;
  const current = state.current;
  const request = currentRequest();
  record(request, mode, { run: id });
  if (mode !== "none") remember({ url: absoluteUrlFor(request), title: current.title });
  setRunning(true, t("run.running", { title: current.detail ? `${current.title} (${current.detail})` : current.title }));
  const results = $("results");
  results.hidden = false;
  results.classList.add("busy");
  $("result-title").textContent = current.title;
  $("result-info").textContent = "";
  $("error").hidden = true;
  const started = performance.now();
  let answer;
  try {
    const response = await fetchAs(`${JSON_RESULTS}, text/turtle;q=0.9`, mine.signal);
    const elapsed = Math.round(performance.now() - started);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) answer = { kind: "error", payload: await problemText(response) };
    else if (type.startsWith(JSON_RESULTS)) answer = { kind: "table", payload: await response.json(), elapsed };
    else answer = { kind: "graph", payload: await response.text(), elapsed };
  } catch (error) {
    if (mine.signal.aborted && mine.signal.reason === "superseded") return; // the newer run says what happens
    answer = mine.signal.aborted ? { kind: "cancelled", payload: t("run.cancelledMessage") }
      : { kind: "error", payload: t("run.requestFailed", { message: error.message }) };
  }
  if (id !== newest) return; // a late answer of an older run never replaces a newer one
  controller = null;
  answer = { ...answer, current, title: current.title };
  answers.set(id, answer);
  if (answers.size > KEPT_ANSWERS) answers.delete(answers.keys().next().value); // Back further asks again
  showAnswer(answer);
  results.scrollIntoView({ behavior: "smooth", block: "nearest" });
}

// Show a run's answer again (Back/Forward); false when it is not kept (then the caller runs the request again).
export function showKept(id) {
  const answer = answers.get(id);
  if (!answer) return false;
  if (controller) controller.abort("superseded");
  controller = null;
  newest = id;
  state.current = answer.current;
  $("results").hidden = false;
  $("result-title").textContent = answer.title;
  $("error").hidden = true;
  showAnswer(answer);
  return true;
}

function showAnswer(answer) {
  $("results").classList.remove("busy");
  const title = answer.title;
  if (answer.kind === "table") showResult(answer.payload, answer.elapsed);
  else if (answer.kind === "graph") showGraph(answer.payload, answer.elapsed);
  else showError(answer.payload);
  const said = { table: "run.done", graph: "run.done", error: "run.failed", cancelled: "run.cancelled" }[answer.kind];
  setRunning(false, t(said, { title }));
}

// While a run is in progress its Run buttons are disabled and Cancel is offered; the status line says what runs.
function setRunning(running, status) {
  $("run-status").textContent = status;
  $("run-cancel").hidden = !running;
  $("run-cancel").textContent = t("run.cancel");
  document.body.classList.toggle("running", running);
  for (const button of document.querySelectorAll("#run-sparql, #query-form button[type=submit]")) {
    button.disabled = running;
  }
  document.dispatchEvent(new CustomEvent("runstatechange", { detail: { running } }));
}

export function initRunning() {
  $("run-cancel").addEventListener("click", cancelRun);
}

// Leave the run in progress without showing its answer (Back reached a step that ran nothing).
export function forgetRun() {
  if (controller) controller.abort("superseded");
  controller = null;
  newest = null;
  state.current = null;
  $("results").hidden = true;
  setRunning(false, "");
}
