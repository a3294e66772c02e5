// A chart of the result that tells the truth, drawn with Chart.js (static/vendor/chart.js, bundled from npm).
//
// The reader picks the columns (a small form above the chart): the label or x column and the measures. By default:
// a year column is the x axis (lines, or grouped bars for a few years) with one series per value of a label column
// (areaLabel: one line per region); otherwise a label column gives one bar per row. Measures are numeric columns that
// are not years, line/page numbers or identifiers, and never IRIs. A missing value is a gap (null), never 0. Series
// are named by the column's title in words (the query's own label, else the variable humanised), never its variable.
// Measures of different kinds (an amount, a percentage, a count, or the units a unit column gives per row) each get
// their own y axis, titled with the kind; a third kind is left out, saying so. A long result is charted whole, in a
// chart that scrolls, saying so.
import { Chart } from "../vendor/chart.js";
import { $, element } from "./dom.js";
import { columnTitle, formatNumber, numberKind } from "./formatting.js";
import { defineStrings, t } from "./i18n.js";
import { state } from "./state.js";

const PALETTE = ["#9b1c3a", "#1f77b4", "#2ca02c", "#ff7f0e", "#6f4e9c", "#17becf", "#8c564b", "#7f7f7f",
  "#bcbd22", "#e377c2"];
const MAX_SERIES = PALETTE.length;
const LINE_FROM_YEARS = 4; // fewer distinct years read better as grouped bars than as lines of one or two points
const MAX_LABEL = 40;
const MAX_HEIGHT = 480; // px: a taller chart scrolls inside its frame (front.css gives .chart-scroll.scrolls this height)
const YEAR = /(^|[a-z])[Yy]ear([A-Z]|$)|^(year|since|periodStart|periodEnd|år)$/;
const AMOUNT = /DKK|[Aa]mount|[Bb]udget|beløb/;
const PERCENT = /[Pp]ercent|[Pp]ct|[Ss]hare|procent|andel/;
const UNIT_COLUMNS = ["unitLabel", "unit"];
const UNIT_APPLIES = /(^v|V)alue$/; // the columns a row's unit is the unit of (value, targetValue, figureValue)
const LINK = /^(source\/|https?:|urn:)/; // addresses are no labels
const BARE_TEXT = /(Line|Link|File)$/; // line numbers and file names joined as text ("12 | 14") are no labels
const AUXILIARY_COUNT = /.Count$/; // quoteCount, concernsCount: how many values a row joined, not a measure

defineStrings({
  da: {
    "chart.caption": "{measures} efter {x}",
    "chart.by": "{measures} efter {x} og {series}",
    "chart.x": "Etiket / x-akse",
    "chart.series": "Serier efter",
    "chart.noSeries": "(ingen)",
    "chart.measures": "Mål",
    "chart.pick": "Vælg kolonner til grafen",
    "chart.scroll": "Alle {count} rækker er med; rul i grafen for at se dem.",
    "chart.leftOut": "Ikke tegnet (en tredje slags tal, som ville dele akse med andre): {columns}. Vælg dem for sig.",
    "chart.tooMany": "Kun de første {count} serier er tegnet.",
    "chart.combined": "Flere rækker har samme {x}: deres tal er lagt sammen (beløb og antal) eller som gennemsnit.",
    "chart.kind.percent": "procent", "chart.kind.amount": "beløb (kr.)", "chart.kind.count": "antal",
    "chart.kind.number": "værdi",
    "chart.alt": "Graf: {caption}. Tallene står i tabellen.",
  },
  en: {
    "chart.caption": "{measures} by {x}",
    "chart.by": "{measures} by {x} and {series}",
    "chart.x": "Label / x axis",
    "chart.series": "Series by",
    "chart.noSeries": "(none)",
    "chart.measures": "Measures",
    "chart.pick": "Choose the columns of the chart",
    "chart.scroll": "All {count} rows are charted; scroll the chart to see them.",
    "chart.leftOut": "Not drawn (a third kind of number, which would share an axis with others): {columns}. Choose "
      + "them on their own.",
    "chart.tooMany": "Only the first {count} series are drawn.",
    "chart.combined": "Several rows share a {x}: their numbers are added up (amounts and counts) or averaged.",
    "chart.kind.percent": "per cent", "chart.kind.amount": "amount (DKK)", "chart.kind.count": "count",
    "chart.kind.number": "value",
    "chart.alt": "Chart: {caption}. The numbers are in the table.",
  },
});

let shown = null; // {variables, rows, choice}: what the chart shows, to draw it again in another language

const isResource = (term) => term && (term.type === "uri" || term.type === "bnode");
const present = (rows, v) => rows.filter((row) => row[v]);

function columnTitleOf(variable) {
  const query = state.current && state.current.name ? state.queries.find((q) => q.name === state.current.name) : null;
  return columnTitle(variable, query);
}

// What each column can be in a chart: "resource", "year", "bare" (line/page numbers, identifiers), "measure",
// "label" (short text), "text" (long text), or "empty".
function roleOf(variable, rows) {
  const values = present(rows, variable);
  if (!values.length) return "empty";
  if (values.some((row) => isResource(row[variable]))) return "resource";
  const kinds = new Set(values.map((row) => numberKind(variable, row[variable], row)));
  if (kinds.has(null)) {
    const length = values.reduce((sum, row) => sum + row[variable].value.length, 0) / values.length;
    const link = values.some((row) => LINK.test(row[variable].value)) || BARE_TEXT.test(variable);
    return length <= 60 && !link ? "label" : "text";
  }
  if (kinds.has("year")) {
    const gYear = values.every((row) => (row[variable].datatype || "").endsWith("#gYear"));
    return gYear || YEAR.test(variable) ? "year" : "bare";
  }
  return "measure";
}

function distinct(rows, variable) {
  return new Set(present(rows, variable).map((row) => row[variable].value));
}

// The kind of number a measure holds in a row: the row's unit where a unit column gives one, else from its name.
function kindOf(variable, row) {
  const unitColumn = UNIT_COLUMNS.find((name) => row[name]);
  if (unitColumn && UNIT_APPLIES.test(variable)) {
    const unit = row[unitColumn].value.trim();
    return numberKind(variable, row[variable], row) === "percent" ? "percent" : unit;
  }
  if (AMOUNT.test(variable)) return "amount";
  if (PERCENT.test(variable) || numberKind(variable, row[variable], row) === "percent") return "percent";
  if (row[variable].datatype && row[variable].datatype.endsWith("#integer")) return "count";
  return "number";
}

function kindTitle(kind) {
  const key = `chart.kind.${kind}`;
  const title = t(key);
  return title === key ? kind : title;
}

// The columns the chart can use, and the choice it starts with.
function defaults(variables, rows) {
  const roles = Object.fromEntries(variables.map((v) => [v, roleOf(v, rows)]));
  const labels = variables.filter((v) => roles[v] === "label" && !UNIT_COLUMNS.includes(v));
  const years = variables.filter((v) => roles[v] === "year" && present(rows, v).length === rows.length);
  const measures = variables.filter((v) => roles[v] === "measure");
  // The label column: the short text with most distinct values (bars named apart), a resource's label on a tie.
  const isLabel = (v) => (v.endsWith("Label") ? 1 : 0);
  const byDistinct = [...labels].sort((a, b) => distinct(rows, b).size - distinct(rows, a).size
    || isLabel(b) - isLabel(a));
  let x = byDistinct[0] || null;
  let series = null;
  // A year column is the x axis when every row has a year and, with at most one label column to split by, each
  // year (and label) holds one row: one line per label value, one point per year.
  for (const year of years) {
    const unique = (by) => new Set(rows.map((row) => `${row[year].value}\u0000${by ? (row[by] || {}).value : ""}`)).size
      === rows.length;
    if (unique(null)) { x = year; series = null; break; }
    const splitBy = labels.filter((v) => distinct(rows, v).size > 1 && unique(v))
      .sort((a, b) => distinct(rows, a).size - distinct(rows, b).size)[0];
    if (splitBy) { x = year; series = splitBy; break; }
  }
  const main = measures.filter((v) => !AUXILIARY_COUNT.test(v));
  const chosen = (main.length ? main : measures);
  const firstKind = chosen.length ? kindOf(chosen[0], present(rows, chosen[0])[0]) : null;
  const sameKind = chosen.filter((v) => kindOf(v, present(rows, v)[0]) === firstKind);
  return {
    labels, years: variables.filter((v) => roles[v] === "year"), measures,
    choice: { x, series, measures: series ? sameKind.slice(0, 1) : sameKind },
  };
}

// Where the label column repeats itself (one row per item and status), the other short text that tells the rows
// apart best, shown beside it ("5 · I gang").
function companion(rows, x, labels) {
  if (!x || distinct(rows, x).size === rows.length) return null;
  const apart = (v) => new Set(rows.map((row) => `${(row[x] || {}).value}\u0000${(row[v] || {}).value}`)).size;
  return labels.filter((v) => v !== x).sort((a, b) => apart(b) - apart(a))[0] || null;
}

function shorten(label) {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

// The series to draw: one per measure (and unit) or, split by a label column, one per measure and label value.
// Values are numbers or null (a gap); several rows on one x are added up (amounts, counts) or averaged.
function buildData(rows, choice, isYear) {
  const xValue = (row) => (row[choice.x] ? row[choice.x].value : null);
  let xs = [];
  if (isYear) xs = [...new Set(rows.map(xValue).filter((v) => v !== null))].sort((a, b) => Number(a) - Number(b));
  const series = new Map();
  let combined = false;
  rows.forEach((row, index) => {
    const at = isYear ? xs.indexOf(xValue(row)) : index;
    if (at < 0) return;
    for (const measure of choice.measures) {
      if (!row[measure]) continue;
      const kind = kindOf(measure, row);
      const part = choice.series && row[choice.series] ? row[choice.series].value : null;
      const key = `${measure}\u0000${kind}\u0000${part || ""}`;
      if (!series.has(key)) series.set(key, { measure, kind, part, sums: new Map() });
      const sums = series.get(key).sums;
      const [sum, count] = sums.get(at) || [0, 0];
      if (count) combined = true;
      sums.set(at, [sum + Number(row[measure].value), count + 1]);
    }
  });
  const length = isYear ? xs.length : rows.length;
  const value = (row, v) => (v && row[v] ? row[v].value : "");
  const labels = isYear ? xs
    : rows.map((row) => [value(row, choice.x), value(row, choice.also)].filter(Boolean).join(" · "));
  const built = [...series.values()].map((s) => ({
    ...s,
    data: Array.from({ length }, (_, i) => {
      if (!s.sums.has(i)) return null;
      const [sum, count] = s.sums.get(i);
      return s.kind === "amount" || s.kind === "count" ? sum : sum / count;
    }),
  }));
  return { labels, series: built, combined };
}

function seriesLabel(s, choice, unitsOf) {
  const measure = columnTitleOf(s.measure);
  const unit = unitsOf.get(s.measure) > 1 ? ` (${kindTitle(s.kind)})` : "";
  if (s.part === null) return `${measure}${unit}`;
  return choice.measures.length > 1 || unit ? `${measure}${unit} – ${s.part}` : s.part;
}

function picker(variables, options) {
  const { choice } = shown;
  const xChoices = [...options.years, ...options.labels.filter((v) => !options.years.includes(v))];
  const redraw = () => draw();
  const xSelect = element("select", { id: "chart-x", onchange: (event) => {
    choice.x = event.target.value;
    if (!options.years.includes(choice.x)) choice.series = null;
    redraw();
  } }, ...xChoices.map((v) => element("option", { value: v, selected: v === choice.x }, columnTitleOf(v))));
  const seriesSelect = element("select", { id: "chart-series", disabled: !options.years.includes(choice.x),
    onchange: (event) => { choice.series = event.target.value || null; redraw(); } },
  element("option", { value: "" }, t("chart.noSeries")),
  ...options.labels.map((v) => element("option", { value: v, selected: v === choice.series }, columnTitleOf(v))));
  const boxes = options.measures.map((v) => element("label", { class: "measure" },
    element("input", { type: "checkbox", name: "chart-measure", value: v, checked: choice.measures.includes(v),
      onchange: (event) => {
        choice.measures = options.measures.filter((m) => (m === v ? event.target.checked : choice.measures.includes(m)));
        redraw();
      } }), " ", columnTitleOf(v)));
  return element("details", { class: "chart-picker" },
    element("summary", {}, t("chart.pick")),
    element("div", { class: "chart-fields" },
      element("label", { for: "chart-x" }, t("chart.x"), " ", xSelect),
      element("label", { for: "chart-series" }, t("chart.series"), " ", seriesSelect),
      element("fieldset", {}, element("legend", {}, t("chart.measures")), ...boxes)));
}

function draw() {
  const figure = $("chart");
  const previous = Chart.getChart(figure.querySelector("canvas"));
  if (previous) previous.destroy();
  const { variables, rows, choice, options } = shown;
  if (!choice.x || !choice.measures.length) {
    figure.replaceChildren(picker(variables, options));
    figure.hidden = !options.measures.length || !choice.x && !options.labels.length;
    return;
  }
  const isYear = options.years.includes(choice.x);
  choice.also = isYear ? null : companion(rows, choice.x, options.labels);
  const { labels, series, combined } = buildData(rows, choice, isYear);
  const kinds = [...new Set(series.map((s) => s.kind))];
  const drawn = series.filter((s) => kinds.indexOf(s.kind) < 2).slice(0, MAX_SERIES);
  const leftOut = [...new Set(series.filter((s) => kinds.indexOf(s.kind) >= 2).map((s) => columnTitleOf(s.measure)))];
  const unitsOf = new Map(choice.measures.map((m) => [m,
    new Set(series.filter((s) => s.measure === m).map((s) => s.kind)).size]));
  const horizontal = !isYear; // one bar per row, labels down the side: long labels stay readable, long results scroll
  const line = isYear && labels.length >= LINE_FROM_YEARS;
  const valueAxes = horizontal ? ["x", "x1"] : ["y", "y1"];
  const datasets = drawn.map((s, i) => ({
    label: seriesLabel(s, choice, unitsOf), data: s.data, kind: s.kind,
    [horizontal ? "xAxisID" : "yAxisID"]: valueAxes[kinds.indexOf(s.kind)],
    [horizontal ? "yAxisID" : "xAxisID"]: horizontal ? "y" : "x",
    borderColor: PALETTE[i], backgroundColor: line ? PALETTE[i] : `${PALETTE[i]}cc`, spanGaps: false, pointRadius: 3,
    skipNull: true, // a bar group leaves no empty slot for a gap
  }));
  const valueAxis = (kind, position, grid) => ({
    type: "linear", position, beginAtZero: true, grace: "5%", grid: { drawOnChartArea: grid },
    title: { display: true, text: kindTitle(kind) },
    ticks: { callback: (value) => formatNumber(value, kind === "percent" ? "percent" : "number") },
  });
  const categoryAxis = {
    type: "category",
    ticks: { autoSkip: !horizontal, callback(value) { return shorten(this.getLabelForValue(value)); } },
  };
  const scales = {
    [horizontal ? "y" : "x"]: horizontal ? categoryAxis
      : { ...categoryAxis, title: { display: true, text: columnTitleOf(choice.x) } },
    [valueAxes[0]]: valueAxis(kinds[0], horizontal ? "bottom" : "left", true),
    ...(kinds.length > 1 ? { [valueAxes[1]]: valueAxis(kinds[1], horizontal ? "top" : "right", false) } : {}),
  };
  const measuresTitle = choice.measures.map(columnTitleOf).join(", ");
  const caption = choice.series
    ? t("chart.by", { measures: measuresTitle, x: columnTitleOf(choice.x), series: columnTitleOf(choice.series) })
    : t("chart.caption", { measures: measuresTitle, x: columnTitleOf(choice.x) });
  const height = horizontal ? 70 + labels.length * (12 + 10 * Math.min(datasets.length, 3)) : 340;
  const scrolls = horizontal && height > MAX_HEIGHT;
  const canvas = element("canvas", { role: "img", "aria-label": t("chart.alt", { caption }) });
  const frame = element("div", { class: "chart-frame" }, canvas);
  const scroller = element("div", { class: `chart-scroll${scrolls ? " scrolls" : ""}` }, frame);
  const notes = [
    scrolls ? t("chart.scroll", { count: rows.length }) : null,
    combined ? t("chart.combined", { x: columnTitleOf(choice.x) }) : null,
    leftOut.length ? t("chart.leftOut", { columns: leftOut.join(", ") }) : null,
    series.length > drawn.length + leftOut.length ? t("chart.tooMany", { count: MAX_SERIES }) : null,
  ].filter(Boolean);
  figure.replaceChildren(element("figcaption", {}, caption),
    ...notes.map((note) => element("p", { class: "chart-note" }, note)), picker(variables, options), scroller);
  figure.hidden = false;
  frame.style.height = `${Math.round(height)}px`; // CSSOM, which the page's style-src 'self' allows
  const chart = new Chart(canvas, {
    type: line ? "line" : "bar",
    data: { labels, datasets },
    options: {
      indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
      scales,
      plugins: {
        legend: { display: datasets.length > 1 || isYear, position: "bottom" },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw === null ? "–"
          : formatNumber(item.raw, item.dataset.kind === "percent" ? "percent" : "number")}` } },
      },
    },
  });
  canvas.dataset.kinds = kinds.join(",");
  return chart;
}

// Called by results.js with every table result: chart it when it has something to chart, else hide the chart.
export function drawChart(variables, rows) {
  if (shown && shown.rows === rows && shown.variables.join() === variables.join()) {
    draw(); // the same result drawn again (in another language): keep the columns the reader picked
    return;
  }
  const figure = $("chart");
  const previous = Chart.getChart(figure.querySelector("canvas"));
  if (previous) previous.destroy();
  const options = rows.length >= 2 ? defaults(variables, rows) : null;
  if (!options || !options.measures.length || (!options.labels.length && !options.years.length)) {
    shown = null;
    figure.replaceChildren();
    figure.hidden = true;
    return;
  }
  shown = { variables, rows, options, choice: options.choice };
  draw();
}

document.addEventListener("languagechange", () => { if (shown && !$("chart").hidden) draw(); });
