// A bar chart beside the table.
import { $, element, svgElement } from "./dom.js";
import { NUMERIC } from "./state.js";

const MAX_BARS = 40;
const MAX_SERIES = 3;

// A bar chart beside the table when the result has a label column and numeric columns (up to three, side by side).
export function drawChart(variables, rows) {
  const figure = $("chart");
  const isNumeric = (v) => rows.some((r) => r[v]) && rows.every((r) => !r[v] || (r[v].datatype && NUMERIC.test(r[v].datatype)));
  const series = variables.filter(isNumeric).slice(0, MAX_SERIES);
  const labelVar = variables.find((v) => !isNumeric(v)
    && rows.every((r) => r[v] && (r[v].type === "literal" || r[v].type === "typed-literal")));
  if (!series.length || !labelVar || rows.length < 2 || rows.length > MAX_BARS) {
    figure.hidden = true;
    return;
  }
  const value = (row, v) => (row[v] ? Number(row[v].value) : 0);
  const max = Math.max(...rows.flatMap((r) => series.map((v) => value(r, v))), 0) || 1;
  const barHeight = 14, gap = 8, labelWidth = 190, barWidth = 260, width = labelWidth + barWidth + 60;
  const groupHeight = series.length * barHeight + gap;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${rows.length * groupHeight + 4}`, role: "img",
    "aria-label": `${series.join(", ")} by ${labelVar}` });
  rows.forEach((row, i) => {
    const top = i * groupHeight + 2;
    const label = row[labelVar].value;
    svg.append(svgElement("text", { x: labelWidth - 6, y: top + (series.length * barHeight) / 2 + 4, "text-anchor": "end" },
      label.length > 30 ? `${label.slice(0, 29)}…` : label));
    series.forEach((v, j) => {
      const length = Math.max(0, (value(row, v) / max) * barWidth);
      const rect = svgElement("rect", { x: labelWidth, y: top + j * barHeight, height: barHeight - 2, width: length,
        class: `bar series-${j}` });
      rect.append(svgElement("title", {}, series.length === 1 ? `${label}: ${value(row, v)}` : `${label} · ${v}: ${value(row, v)}`));
      svg.append(rect, svgElement("text", { x: labelWidth + length + 4, y: top + j * barHeight + barHeight - 4 },
        String(value(row, v))));
    });
  });
  const legend = series.length > 1
    ? element("span", { class: "legend" }, ...series.map((v, j) => element("span", { class: `key series-${j}` }, v)))
    : null;
  figure.replaceChildren(element("figcaption", {}, `${series.join(", ")} by ${labelVar}`, legend), svg);
  figure.hidden = false;
}
