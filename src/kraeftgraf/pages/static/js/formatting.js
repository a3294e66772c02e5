// How a result reads: column headers in words (a saved query's own labels, else the variable humanised) and numbers
// written the way the chosen language writes them (17.600.000 in Danish, 17,600,000 in English; 83 %; years bare).
import { ID, NUMERIC, state, text } from "./state.js";

const LOCALES = { da: "da-DK", en: "en-GB" };

// The words the saved queries' variable names are made of, in Danish; a word not here is shown as it is.
const DA_WORDS = {
  a: "A", age: "alder", amount: "beløb", and: "og", area: "område", as: "som", b: "B", broader: "bredere",
  by: "af", cancer: "kræft", charge: "ansvar", claims: "udsagn", completion: "afslutning", concept: "begreb",
  concerns: "vedrører", da: "dansk", date: "dato", definition: "definition", department: "afdeling",
  dkk: "kr.", document: "dokument", documents: "dokumenter", en: "engelsk", end: "slut", event: "hændelse",
  expected: "forventet", field: "felt", figure: "tal", file: "fil", funded: "finansieret", goal: "mål",
  group: "gruppe", hospital: "hospital", in: "i", indicator: "indikator", initiative: "indsats",
  initiatives: "indsatser", interval: "interval", issuer: "udgiver", item: "punkt", items: "punkter",
  iv: "IV", kind: "type", label: "navn", line: "linje", link: "link", listed: "opført", match: "træf", max: "maks.",
  min: "min.", normalised: "normaliseret", note: "note", number: "nummer", of: "af", only: "kun",
  organisation: "organisation", owner: "ejer", page: "side", partner: "partner", period: "periode", plan: "plan",
  plans: "planer", programme: "program", programmes: "programmer", purpose: "formål", question: "spørgsmål",
  quote: "citat", region: "region", resource: "ressource", responsible: "ansvarlig", sector: "sektor",
  since: "siden", source: "kilde", start: "start", status: "status", target: "mål", term: "begreb", text: "tekst",
  theme: "tema", thing: "emne", things: "emner", title: "titel", track: "spor", under: "under", unit: "enhed",
  value: "værdi", via: "via", wording: "ordlyd", year: "år",
};
// "quoteCount" reads "Antal citater": the plural of the counted word.
const DA_PLURALS = {
  citat: "citater", dokument: "dokumenter", ansvarlig: "ansvarlige", afdeling: "afdelinger", hospital: "hospitaler",
  organisation: "organisationer", program: "programmer", sektor: "sektorer", udgiver: "udgivere", plan: "planer",
  indsats: "indsatser", punkt: "punkter", emne: "emner",
};
const EN_UPPER = { dkk: "DKK", iv: "IV", iri: "IRI", url: "URL" };
// Danish writes two nouns as one word (statustekst, startlinje): every Danish word above is a noun but these.
const DA_NOT_NOUNS = new Set(["A", "B", "IV", "af", "ansvarlig", "bredere", "dansk", "engelsk", "finansieret",
  "forventet", "i", "kr.", "kun", "maks.", "min.", "normaliseret", "og", "opført", "siden", "som", "under", "vedrører",
  "via"]);
// Compounds that take a linking s.
const DA_COMPOUNDS = { "afslutning år": "afslutningsår" };

function danishPhrase(words) {
  const joined = [];
  for (const word of words) {
    const last = joined.length - 1;
    if (last >= 0 && !DA_NOT_NOUNS.has(word) && !DA_NOT_NOUNS.has(joined[last].split(" ").pop())) {
      joined[last] = DA_COMPOUNDS[`${joined[last]} ${word}`] || `${joined[last]}${word}`;
    } else {
      joined.push(word);
    }
  }
  return joined.join(" ");
}

// The variable's words: numberInDocument -> [number, in, document]; regionA -> [region, a]; trailing "Label" dropped.
function words(variable) {
  const name = variable.length > 5 && variable.endsWith("Label") ? variable.slice(0, -5) : variable;
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([a-zA-Z])(\d)/g, "$1 $2").split(/[\s_-]+/).filter(Boolean).map((word) => word.toLowerCase());
}

const capitalise = (phrase) => phrase.charAt(0).toUpperCase() + phrase.slice(1);

// A variable in words, in the chosen language: numberInDocument -> "Number in document" / "Nummer i dokument".
export function humanise(variable, lang = state.lang) {
  const parts = words(variable);
  if (!parts.length) return variable;
  if (lang !== "da") return capitalise(parts.map((word) => EN_UPPER[word] || word).join(" "));
  if (parts.length > 1 && parts[parts.length - 1] === "count") {
    const counted = parts.slice(0, -1).map((word) => DA_WORDS[word] || word);
    const last = counted.length - 1;
    counted[last] = DA_PLURALS[counted[last]] || counted[last];
    return `Antal ${danishPhrase(counted)}`;
  }
  return capitalise(danishPhrase(parts.map((word) => DA_WORDS[word] || word)));
}

// The header of a column: the saved query's own label for it (its `columns:` header) or the variable humanised.
export function columnTitle(variable, query) {
  const own = query && query.columns ? query.columns[variable] : null;
  return own ? text(own) : humanise(variable);
}

// Columns whose numbers are years, line or page numbers: written without a thousands separator.
const BARE = /(^|[a-z])([Yy]ear|[Ll]ine|[Pp]age|[Nn]umber)([A-Z]|$)|^(since|periodStart|periodEnd|period)$/;
const PERCENT_UNITS = new Set([`${ID}unit-percent`, "procent", "per cent", "percent", "%"]);
const MEASURE = /(^v|V)alue$/; // the columns a row's unit applies to (value, targetValue, figureValue)

// What kind of number a cell holds: "year" (bare), "percent" (the row's unit says so), "number", or null.
export function numberKind(variable, term, row) {
  if (!term || term.type === "uri" || term.type === "bnode") return null;
  if (term.datatype && term.datatype.endsWith("#gYear")) return "year";
  if (!term.datatype || !NUMERIC.test(term.datatype)) return null;
  if (BARE.test(variable)) return "year";
  if (MEASURE.test(variable)) {
    const unit = row.unit || row.unitLabel;
    if (unit && PERCENT_UNITS.has(unit.value.trim().toLowerCase())) return "percent";
  }
  return "number";
}

const formatters = new Map();

function formatter(kind, lang) {
  const key = `${kind}:${lang}`;
  if (!formatters.has(key)) {
    const options = kind === "percent" ? { style: "unit", unit: "percent", maximumFractionDigits: 2 }
      : { maximumFractionDigits: 2 };
    formatters.set(key, new Intl.NumberFormat(LOCALES[lang] || LOCALES.da, options));
  }
  return formatters.get(key);
}

// A number as the chosen language writes it; a year (or a value that is no number) as written in the data.
export function formatNumber(value, kind, lang = state.lang) {
  const number = Number(value);
  if (kind === "year" || kind === null || !Number.isFinite(number) || String(value).trim() === "") return value;
  return formatter(kind, lang).format(number);
}

// A number as a spreadsheet in the language reads it: the decimal comma for Danish, no thousands separator.
export function decimalComma(value) {
  return /^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? value.replace(".", ",") : value;
}
