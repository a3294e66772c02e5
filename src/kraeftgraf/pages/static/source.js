// The source viewer: mark the lines the address names (#L120 or #L120-L123) and bring the first into view.
// A static file, so the pages' policy (script-src 'self') runs it; the page works without it, one line at a time.
"use strict";

function markLines() {
  for (const row of document.querySelectorAll("tr.target")) row.classList.remove("target");
  const range = /^#L(\d+)(?:-L(\d+))?$/.exec(location.hash);
  if (!range) return;
  const first = Number(range[1]);
  const last = range[2] ? Number(range[2]) : first;
  for (let line = Math.min(first, last); line <= Math.max(first, last); line += 1) {
    const row = document.getElementById(`L${line}`);
    if (row) row.classList.add("target");
  }
  const start = document.getElementById(`L${Math.min(first, last)}`);
  if (start) start.scrollIntoView({ block: "center" });
}

window.addEventListener("hashchange", markLines);
markLines();
