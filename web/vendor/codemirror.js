// Entry of static/vendor/codemirror.js: the CodeMirror 6 pieces the page's SPARQL editor uses.
export { EditorView, basicSetup } from "codemirror";
export { EditorState, Compartment, StateEffect, StateField } from "@codemirror/state";
export { keymap, placeholder, Decoration, ViewPlugin } from "@codemirror/view";
export { StreamLanguage, syntaxHighlighting, HighlightStyle, bracketMatching } from "@codemirror/language";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
export { autocompletion, completeFromList, startCompletion, closeBrackets } from "@codemirror/autocomplete";
export { linter, lintGutter, setDiagnostics, forceLinting } from "@codemirror/lint";
export { defaultKeymap, indentWithTab, history, historyKeymap } from "@codemirror/commands";
