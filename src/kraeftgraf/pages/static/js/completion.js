// Completion in the SPARQL editor, answered by this endpoint only: SPARQL's keywords, the project's prefixes
// (api/prefixes), the classes and properties of its ontology (one query to sparql at start), and resources by their
// Danish or English labels (api/lookup), typed as `id:` and letters or asked for with Ctrl+Space on a word.
import { JSON_RESULTS, shorten, state, text } from "./state.js";

const LOOKUP_DELAY_MS = 250; // typing faster than this asks the server once, for the last letters
const LOOKUP_LIMIT = 20;
const RESOURCE_PREFIX = "id";
const PREFIXED_NAME = /([A-Za-z][\w.-]*)?:([\p{L}\p{N}_.-]*)$/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_-]*$/u;
// SPARQL 1.1 Query's keywords and the functions researchers use most (the grammar's own spelling).
const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "NOT EXISTS", "EXISTS", "MINUS", "UNION",
  "BIND", "VALUES", "GROUP BY", "HAVING", "ORDER BY", "ASC", "DESC", "LIMIT", "OFFSET", "ASK", "CONSTRUCT",
  "DESCRIBE", "PREFIX", "BASE", "GRAPH", "FROM", "FROM NAMED", "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE",
  "GROUP_CONCAT", "SEPARATOR", "LANG", "LANGMATCHES", "STR", "STRSTARTS", "CONTAINS", "REGEX", "LCASE", "UCASE",
  "COALESCE", "IF", "BOUND", "isIRI", "YEAR"];

// Each class and property the dataset declares, with its labels and definitions in da and en (the inferred
// graph also types each owl:ObjectProperty and owl:DatatypeProperty an rdf:Property).
const VOCABULARY_QUERY = `SELECT DISTINCT ?term ?kind ?label ?comment WHERE {
  VALUES ?kind { owl:Class rdf:Property owl:ObjectProperty owl:DatatypeProperty }
  ?term a ?kind .
  FILTER(isIRI(?term))
  OPTIONAL {
    ?term rdfs:label ?label
    OPTIONAL { ?term rdfs:comment|skos:definition ?comment FILTER(LANG(?comment) = LANG(?label)) }
  }
}`;

let vocabulary = []; // [{iri, name, kind, label: {da, en}, comment: {da, en}}]
let vocabularyLoaded = null; // the one request for it, made when the editor is first used
let latestLookup = 0;

// The ontology's terms, asked for once. Not at page load: the endpoint runs only two queries per client at once,
// and the page's own questions come first.
export function loadVocabulary() {
  vocabularyLoaded ??= fetchVocabulary();
  return vocabularyLoaded;
}

async function fetchVocabulary() {
  try {
    const response = await fetch("sparql", {
      method: "POST", body: new URLSearchParams({ query: VOCABULARY_QUERY }),
      headers: { Accept: JSON_RESULTS, "Content-Type": "application/x-www-form-urlencoded" },
    });
    if (response.ok) vocabulary = termsOf((await response.json()).results.bindings);
    else vocabularyLoaded = null; // e.g. 429 while the page was busy: ask again next time
  } catch (_) {
    vocabularyLoaded = null; // the editor works without ontology completion meanwhile
  }
}

function termsOf(bindings) {
  const terms = new Map();
  for (const row of bindings) {
    const iri = row.term.value;
    const name = shorten(iri);
    if (name === iri) continue; // not under a known prefix: nothing short to complete
    const term = terms.get(iri) || { iri, name, kind: "property", label: {}, comment: {} };
    if (row.kind.value.endsWith("#Class")) term.kind = "class";
    const lang = row.label && row.label["xml:lang"];
    if (lang === "da" || lang === "en") {
      term.label[lang] = row.label.value;
      if (row.comment) term.comment[lang] = row.comment.value;
    }
    terms.set(iri, term);
  }
  return [...terms.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// The completion source CodeMirror calls as the user types, or on Ctrl+Space (context.explicit).
export function completeSparql(context) {
  const line = context.state.doc.lineAt(context.pos);
  const before = context.state.sliceDoc(line.from, context.pos);
  if (insideIriStringOrComment(before)) return null;
  const declaration = before.match(/\bPREFIX\s+([A-Za-z][\w.-]*)?$/i);
  if (declaration) return prefixDeclarations(context.pos - (declaration[1] || "").length);
  const prefixed = before.match(PREFIXED_NAME);
  if (prefixed && !/[?$]$/.test(before.slice(0, -prefixed[0].length))) {
    const from = context.pos - prefixed[0].length;
    const prefix = prefixed[1] || "";
    if (prefix === RESOURCE_PREFIX) {
      const typed = prefixed[2].replace(/[-_.]+/g, " ").trim();
      return typed || context.explicit ? lookup(context, from, typed) : null;
    }
    return loadVocabulary().then(() => vocabularyTerms(from, prefix));
  }
  const word = before.match(WORD);
  if (!word || /[?$]$/.test(before.slice(0, -word[0].length))) return context.explicit ? prefixNames(context.pos) : null;
  const from = context.pos - word[0].length;
  if (context.explicit) return lookup(context, from, word[0], prefixNamesOptions());
  return word[0].length >= 2 ? prefixNamesAndKeywords(from) : null; // not after each `a`
}

// An unclosed < (an IRI), an odd number of quotes, or a # outside both: no completion there.
function insideIriStringOrComment(before) {
  const outside = before.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|<[^<>\s]*>/g, "");
  return /<[^<>\s]*$/.test(outside) || /["'#]/.test(outside);
}

function prefixNamesOptions() {
  return Object.entries(state.prefixes).map(([name, iri]) => ({ label: `${name}:`, detail: iri, type: "namespace" }));
}

function prefixNames(from) {
  return { from, options: prefixNamesOptions(), validFor: /^[\w.-]*$/ };
}

function prefixNamesAndKeywords(from) {
  const keywords = KEYWORDS.map((keyword) => ({ label: keyword, type: "keyword" }));
  return { from, options: [...keywords, ...prefixNamesOptions()], validFor: /^[\w.-]*$/ };
}

function prefixDeclarations(from) {
  return {
    from,
    options: Object.entries(state.prefixes).map(([name, iri]) => ({
      label: `${name}: <${iri}>`, type: "namespace",
    })),
    validFor: /^[\w.-]*$/,
  };
}

function vocabularyTerms(from, prefix) {
  const options = vocabulary.filter((term) => term.name.startsWith(`${prefix}:`)).map((term) => ({
    label: term.name,
    detail: text(term.label),
    info: text(term.comment) || null,
    type: term.kind,
  }));
  return options.length ? { from, options, validFor: /^[A-Za-z]*[\w.-]*:[\w.-]*$/ } : null;
}

// Resources whose labels start with the typed words, best first as the server orders them; the server has
// filtered, so CodeMirror must not filter again. A newer lookup wins: an older one answers nothing.
async function lookup(context, from, typed, extra = []) {
  const ticket = ++latestLookup;
  const controller = new AbortController();
  context.addEventListener("abort", () => controller.abort(), { onDocChange: true });
  await new Promise((resolve) => { setTimeout(resolve, LOOKUP_DELAY_MS); });
  if (context.aborted || ticket !== latestLookup) return null;
  let found = [];
  try {
    const params = new URLSearchParams({ text: typed, lang: state.lang, limit: String(LOOKUP_LIMIT) });
    const response = await fetch(`api/lookup?${params}`, { signal: controller.signal });
    if (response.ok) found = await response.json();
  } catch (_) {
    return null; // aborted by newer typing, or the server is gone: no list
  }
  if (context.aborted || ticket !== latestLookup) return null;
  const options = found.map((resource) => ({
    label: shorten(resource.iri) === resource.iri ? `<${resource.iri}>` : shorten(resource.iri),
    detail: resource.classLabel ? `${resource.label} · ${resource.classLabel}` : resource.label,
    type: "constant",
  }));
  const word = typed.toLowerCase();
  const all = [...options, ...extra.filter((option) => option.label.toLowerCase().startsWith(word))];
  return all.length ? { from, options: all, filter: false } : null;
}
