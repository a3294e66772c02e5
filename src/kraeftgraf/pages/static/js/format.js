// The editor's Format button: SPARQL.js parses the query and writes it again, one clause and pattern a line.
import { Generator, Parser } from "../vendor/sparqljs.js";
import { declaredPrefixes, hasComments } from "./sparqltext.js";

// The formatted query, or {refused: reason} when formatting would change more than the layout.
// The project's prefixes are predeclared by the endpoint; the regenerated text declares only those the author did.
export function formatQuery(query, projectPrefixes) {
  if (hasComments(query)) return { refused: "comments" };
  let parsed;
  try {
    parsed = new Parser({ prefixes: projectPrefixes }).parse(query);
  } catch (error) {
    return { refused: "syntax", detail: error.message.split("\n")[0] };
  }
  const declared = declaredPrefixes(query);
  // allPrefixes: a declared prefix the query does not use stays declared, as the author wrote it.
  const formatted = new Generator({ indent: "  ", allPrefixes: true }).stringify(parsed).split("\n")
    .filter((line) => {
      const prologue = line.match(/^PREFIX ([\w.-]*): <(.*)>$/);
      return !prologue || declared.has(prologue[1]) || projectPrefixes[prologue[1]] !== prologue[2];
    })
    .join("\n");
  return { text: `${formatted}\n` };
}
