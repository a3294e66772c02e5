// Running the current request (a saved question or the editor's query) and fetching its result for downloads.
import { $ } from "./dom.js";
import { showError, showGraph, showResult } from "./results.js";
import { JSON_RESULTS, problemText, state } from "./state.js";

export async function fetchAs(accept) {
  const { url, init } = state.current;
  return fetch(url, { ...init, headers: { ...(init.headers || {}), Accept: accept } });
}

export async function run() {
  const results = $("results");
  results.hidden = false;
  results.classList.add("busy");
  $("result-title").textContent = state.current.title;
  $("result-info").textContent = "Running…";
  $("error").hidden = true;
  const started = performance.now();
  try {
    const response = await fetchAs(`${JSON_RESULTS}, text/turtle;q=0.9`);
    const elapsed = Math.round(performance.now() - started);
    if (!response.ok) {
      showError(await problemText(response));
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith(JSON_RESULTS)) {
      showResult(await response.json(), elapsed);
    } else {
      showGraph(await response.text(), elapsed);
    }
  } catch (error) {
    showError(`The request failed: ${error.message}`);
  } finally {
    results.classList.remove("busy");
    results.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
}
