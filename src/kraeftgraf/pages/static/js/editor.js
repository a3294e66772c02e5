// The SPARQL editor: CodeMirror 6 with SPARQL highlighting, bracket matching, undo history, completion from this
// endpoint, Ctrl+Enter (Cmd+Enter) to run, Tab to indent, a Format button, and the server's syntax errors marked
// where it places them. The editor lives in a shadow root of #editor: there CodeMirror adopts a constructed style
// sheet, which the page's Content-Security-Policy (style-src 'self') allows, where it would block a <style> element.
import {
  Compartment, EditorState, EditorView, StreamLanguage, autocompletion, basicSetup, indentWithTab, keymap,
  lintGutter, setDiagnostics, sparql,
} from "../vendor/codemirror.js";
import { renderCodePanel } from "./codepanel.js";
import { completeSparql, loadVocabulary } from "./completion.js";
import { $ } from "./dom.js";
import { formatQuery } from "./format.js";
import { defineStrings, t } from "./i18n.js";
import { run } from "./run.js";
import { state } from "./state.js";

defineStrings({
  da: {
    "editor.intro": "Skriv en SPARQL 1.1-forespørgsel. Projektets præfikser er erklæret for dig; svarene kommer fra "
      + "`sparql`, det samme endpoint som notebooks og andre værktøjer bruger.",
    "editor.label": "SPARQL-forespørgsel",
    "editor.keys": "Ctrl+Enter (⌘+Enter på Mac) kører forespørgslen. Tab rykker ind; tryk Escape og så Tab for at "
      + "forlade editoren. Ctrl+Space foreslår præfikser, ontologiens klasser og egenskaber og ressourcer efter "
      + "deres navn.",
    "editor.run": "Kør forespørgsel",
    "editor.format": "Formatér",
    "editor.formatted": "Forespørgslen er formateret (Ctrl+Z fortryder).",
    "editor.formatComments": "Formatér ville fjerne forespørgslens kommentarer (# …), så den er ikke formateret. "
      + "Fjern kommentarerne først, hvis den skal formateres.",
    "editor.formatSyntax": "Forespørgslen kan ikke formateres, før den er gyldig SPARQL: {detail}",
    "editor.title": "SPARQL-forespørgsel",
    "editor.errorHere": "Serveren: {problem}",
  },
  en: {
    "editor.intro": "Write a SPARQL 1.1 query. The project's prefixes are declared for you; results come from "
      + "`sparql`, the same endpoint that notebooks and other tools use.",
    "editor.label": "SPARQL query",
    "editor.keys": "Ctrl+Enter (⌘+Enter on a Mac) runs the query. Tab indents; press Escape, then Tab, to leave the "
      + "editor. Ctrl+Space suggests prefixes, the ontology's classes and properties, and resources by their name.",
    "editor.run": "Run query",
    "editor.format": "Format",
    "editor.formatted": "The query is formatted (Ctrl+Z undoes it).",
    "editor.formatComments": "Formatting would drop the query's comments (# …), so it was not formatted. Remove "
      + "the comments first if you want it formatted.",
    "editor.formatSyntax": "The query cannot be formatted until it is valid SPARQL: {detail}",
    "editor.title": "SPARQL query",
    "editor.errorHere": "The server: {problem}",
  },
});

// The server's 400 answer for a query it cannot read: "... not valid SPARQL: line L, column C: problem".
const SERVER_POSITION = /not valid SPARQL: line (\d+), column (\d+): ([^\n]*)/;

let view = null;
let pendingText = null; // a query set before the editor exists
const label = new Compartment();

export function initEditor() {
  const host = $("editor");
  const root = host.attachShadow({ mode: "open" });
  view = new EditorView({
    parent: root,
    root,
    state: EditorState.create({
      doc: pendingText ?? defaultQuery(),
      extensions: [
        // Before basicSetup: its keymap binds Mod-Enter to "insert a blank line".
        // Mod is Cmd on a Mac; Ctrl+Enter runs there too.
        keymap.of([{ key: "Mod-Enter", run: runFromKeys }, { key: "Ctrl-Enter", run: runFromKeys }, indentWithTab]),
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [completeSparql] }),
        lintGutter(),
        EditorView.lineWrapping, // a long line stays readable on a phone
        EditorView.domEventHandlers({ beforeinput: typeOverSelection }),
        label.of(EditorView.contentAttributes.of({ "aria-label": t("editor.label") })),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          $("editor-status").textContent = ""; // what it said was about the text before
          host.dispatchEvent(new CustomEvent("querychange", { bubbles: true }));
        }),
        EditorView.theme({
          "&": { fontSize: "14px", border: "1px solid var(--border, #c8ccd0)", borderRadius: "4px" },
          "&.cm-focused": { outline: "2px solid #1d5fa8", outlineOffset: "1px" },
          ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", minHeight: "16em" },
          ".cm-content": { minHeight: "16em" },
          ".cm-diagnosticText": { whiteSpace: "pre-wrap" },
          // The lint package draws its underline and gutter marker as data: images, which img-src 'self' blocks.
          ".cm-lintRange-error": {
            backgroundImage: "none", textDecoration: "underline wavy #c4001d", textDecorationSkipInk: "none",
            textUnderlineOffset: "3px",
          },
          ".cm-lint-marker-error": {
            content: "normal", backgroundColor: "#c4001d", borderRadius: "50%", width: "0.7em", height: "0.7em",
            margin: "0.15em",
          },
        }),
      ],
    }),
  });
  pendingText = null;
  $("run-sparql").addEventListener("click", runSparql);
  $("format-sparql").addEventListener("click", formatEditor);
  document.addEventListener("languagechange", () => {
    view.dispatch({ effects: label.reconfigure(EditorView.contentAttributes.of({ "aria-label": t("editor.label") })) });
  });
  renderCodePanel($("code-panel"), getQuery);
  view.contentDOM.addEventListener("focus", loadVocabulary, { once: true });
}

// Text typed over a selection of several lines, or text that holds a line break: the editor inserts it itself.
// Chromium's own editing would merge or split the lines' elements and write style attributes on them, which the
// page's CSP (style-src 'self') refuses.
function typeOverSelection(event, editorView) {
  if (event.inputType !== "insertText" || event.data === null) return false;
  const { doc, selection } = editorView.state;
  const acrossLines = doc.lineAt(selection.main.from).number !== doc.lineAt(selection.main.to).number;
  if (!acrossLines && !event.data.includes("\n")) return false;
  event.preventDefault();
  editorView.dispatch(editorView.state.replaceSelection(event.data), { userEvent: "input.type", scrollIntoView: true });
  return true;
}

function runFromKeys() {
  runSparql();
  return true;
}

function defaultQuery() {
  const declarations = Object.entries(state.prefixes).map(([name, iri]) => `PREFIX ${name}: <${iri}>`).join("\n");
  return `${declarations}\n\nSELECT ?recommendation ?label\nWHERE {\n  ?recommendation a kg:Recommendation ;\n`
    + `                  rdfs:label ?label .\n  FILTER(LANG(?label) = "da")\n}\nORDER BY ?recommendation\nLIMIT 50\n`;
}

// The editor's text, for the other parts of the page (open a saved query here, share a link, generate code).
export function getQuery() {
  return view ? view.state.doc.toString() : pendingText ?? "";
}

export function setQuery(query) {
  if (!view) {
    pendingText = query;
    return;
  }
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: query } });
  view.dispatch(setDiagnostics(view.state, []));
}

export async function runSparql() {
  const query = getQuery();
  const request = {
    name: null, title: t("editor.title"), filename: "query", url: "sparql",
    init: {
      method: "POST", body: new URLSearchParams({ query }),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    },
  };
  state.current = request;
  if (view) view.dispatch(setDiagnostics(view.state, []));
  await run();
  // Only this run's own error is marked, and only while the editor still holds the text it was about.
  if (state.current !== request || !view || getQuery() !== query || $("error").hidden) return;
  markServerError($("error").textContent);
}

// A diagnostic (underline, gutter marker, message) at the line and column the server named.
function markServerError(message) {
  const place = message.match(SERVER_POSITION);
  if (!place) return;
  const doc = view.state.doc;
  const lineNumber = Math.min(Number(place[1]), doc.lines);
  const line = doc.line(lineNumber);
  // The server counts characters; CodeMirror counts UTF-16 units.
  const column = [...line.text].slice(0, Math.max(0, Number(place[2]) - 1)).join("").length;
  let from = line.from + Math.min(column, line.length);
  const token = doc.sliceString(from, line.to).match(/^[?$]?[\p{L}\p{N}_:.-]+|^\S/u);
  let to = from + (token ? token[0].length : 0);
  if (to === from) from = Math.max(0, from - 1); // at the end of the text: mark the last character
  to = Math.max(to, Math.min(from + 1, doc.length));
  view.dispatch(setDiagnostics(view.state, [{
    from, to, severity: "error", source: "SPARQL", message: t("editor.errorHere", { problem: place[3] }),
  }]));
}

function formatEditor() {
  const status = $("editor-status");
  const result = formatQuery(getQuery(), state.prefixes);
  if (result.refused === "comments") status.textContent = t("editor.formatComments");
  else if (result.refused) status.textContent = t("editor.formatSyntax", { detail: result.detail });
  else {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: result.text } });
    view.focus(); // back to writing, and Ctrl+Enter runs
    status.textContent = t("editor.formatted");
  }
}
