// Entry of static/vendor/chart.js: Chart.js with every controller, element and scale registered.
export { Chart } from "chart.js/auto";
