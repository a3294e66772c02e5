// What a SPARQL text holds, read without a parser: its comments, its form, the prefixes it declares. Strings and
// IRIs are skipped first, so that a # or a keyword inside them counts for nothing.

const STRING_IRI_OR_COMMENT = /"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n\r]*/g;

function comments(query) {
  return [...query.matchAll(STRING_IRI_OR_COMMENT)].filter((match) => match[0].startsWith("#"));
}

// True when the query holds a comment (which a parser's regenerated text would lose).
export function hasComments(query) {
  return comments(query).length > 0;
}

// The query with its strings and IRIs blanked and its comments gone: only keywords, names and punctuation are left.
function skeleton(query) {
  return query.replace(STRING_IRI_OR_COMMENT, (match) => (match.startsWith("#") ? "" : " "));
}

// The answer a query gives: a graph for CONSTRUCT and DESCRIBE, a table (or yes/no) otherwise.
export function answersGraph(query) {
  const form = skeleton(query).match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return Boolean(form) && /^(CONSTRUCT|DESCRIBE)$/i.test(form[1]);
}

// The prefix names the query declares itself (PREFIX name: <iri>).
export function declaredPrefixes(query) {
  return new Set([...skeleton(query).matchAll(/\bPREFIX\s+([A-Za-z][\w.-]*|):/gi)].map((match) => match[1]));
}
