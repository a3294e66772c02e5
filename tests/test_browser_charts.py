"""The result chart in Chromium: built from the columns a reader would pick, honest about years, kinds of numbers,
missing values and long results (issue 13, finding 4). The chart's data is read from Chart.js itself
(Chart.getChart(canvas).data), not from pixels.
"""

import json
import urllib.request
from typing import TYPE_CHECKING, Any

from .browser_support import open_query
from .endpoint_support import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The chart as Chart.js holds it: type, x labels, and per data set its label, axis ids, data and kind of number.
_CHART = """async (base) => {
  const { Chart } = await import(`${base}/static/vendor/chart.js`);
  const canvas = document.querySelector('#chart canvas');
  const chart = canvas && Chart.getChart(canvas);
  if (!chart) return null;
  const horizontal = chart.options.indexAxis === 'y';
  return {
    type: chart.config.type, labels: chart.data.labels, horizontal,
    datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data, kind: d.kind,
      valueAxis: horizontal ? d.xAxisID : d.yAxisID, categoryAxis: horizontal ? d.yAxisID : d.xAxisID })),
    axisTitles: Object.fromEntries(Object.entries(chart.options.scales)
      .map(([id, scale]) => [id, scale.title && scale.title.display ? scale.title.text : null])),
  };
}"""


def chart_of(page: "Page", server: RunningServer) -> dict[str, Any]:
    page.wait_for_selector("#chart canvas")
    chart = page.evaluate(_CHART, server.url)
    assert chart is not None, "no Chart.js chart on the canvas"
    return dict(chart)


def run_saved(page: "Page", server: RunningServer, name: str) -> None:
    open_query(page, server, name)
    page.wait_for_selector(".result-table tbody tr")


def rows_of(server: RunningServer, name: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(f"{server.url}/api/queries/{name}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return list(json.load(response)["results"]["bindings"])


def test_a_year_column_is_the_x_axis_with_one_series_per_area(page: "Page", embedded_server: RunningServer) -> None:
    run_saved(page, embedded_server, "figures-by-indicator")
    chart = chart_of(page, embedded_server)
    # 002 lines 73-85, "Målopfyldelse – årsopgørelse 2020": Region Hovedstaden 83%, Midtjylland 77%, Nordjylland 81%,
    # Sjælland 72%, Syddanmark 84%, Hele landet 80%; the 2019 figures are for Region Sjælland and the whole country.
    assert chart["labels"] == ["2019", "2020"]
    series = {d["label"]: d["data"] for d in chart["datasets"]}
    assert series["Region Syddanmark"][1] == 84 and series["Region Sjælland"][1] == 72
    assert not any("year" in d["label"].lower() or "år" in d["label"].lower() for d in chart["datasets"])


def test_a_percentage_never_shares_an_axis_with_a_year(page: "Page", embedded_server: RunningServer) -> None:
    run_saved(page, embedded_server, "figures-by-indicator")
    chart = chart_of(page, embedded_server)
    values = [v for d in chart["datasets"] for v in d["data"] if v is not None]
    assert min(values) == 72 and max(values) == 84  # 002 lines 81 and 83: "Region Sjælland 72%", "Syddanmark 84%"
    assert {d["valueAxis"] for d in chart["datasets"]} == {"y"}  # every series on the per-cent axis, nothing else
    assert chart["axisTitles"]["y"] == "procent"
    # Charting the same rows by area instead: the years are still not offered as a measure.
    page.locator("#chart .chart-picker summary").click()
    page.select_option("#chart-x", "areaLabel")
    measures = page.locator('#chart input[name="chart-measure"]')
    offered = [measures.nth(i).get_attribute("value") for i in range(measures.count())]
    assert "year" not in offered and "periodStart" not in offered and "value" in offered
    by_area = chart_of(page, embedded_server)
    assert by_area["horizontal"] and all(v is None or 0 <= v <= 100 for d in by_area["datasets"] for v in d["data"])


def test_missing_values_are_gaps_not_zero(page: "Page", embedded_server: RunningServer) -> None:
    run_saved(page, embedded_server, "figures-by-indicator")
    chart = chart_of(page, embedded_server)
    series = {d["label"]: d["data"] for d in chart["datasets"]}
    # 002 gives Region Hovedstaden's figure for 2020 only (line 75, "Region Hovedstaden 83%"): 2019 is a gap.
    assert series["Region Hovedstaden"] == [None, 83]
    assert 0 not in [v for data in series.values() for v in data]


def test_measures_of_different_kinds_get_their_own_axes(page: "Page", embedded_server: RunningServer) -> None:
    run_saved(page, embedded_server, "screening-figures")
    chart = chart_of(page, embedded_server)
    axis_of_kind: dict[str, set[str]] = {}
    for dataset in chart["datasets"]:
        axis_of_kind.setdefault(dataset["kind"], set()).add(dataset["valueAxis"])
    # screening-figures mixes counts ("antal": videos, languages) and per cents (participation) in its value column.
    assert {"antal", "percent"} <= set(axis_of_kind)
    assert all(len(axes) == 1 for axes in axis_of_kind.values())
    assert axis_of_kind["antal"] != axis_of_kind["percent"]


def test_legend_labels_are_the_columns_in_words(page: "Page", embedded_server: RunningServer) -> None:
    run_saved(page, embedded_server, "theme-overview")
    variables = ["planItems", "initiatives", "programmes"]  # theme-overview.rq's SELECT
    danish = [d["label"] for d in chart_of(page, embedded_server)["datasets"]]
    assert len(danish) == 3 and not set(danish) & set(variables)
    page.locator('.lang-switch button[data-lang="en"]').click()
    page.locator("html[lang=en]").wait_for(state="attached")
    english = [d["label"] for d in chart_of(page, embedded_server)["datasets"]]
    assert english == ["Plan items", "Initiatives", "Programmes"]


def test_a_result_of_more_than_sixty_rows_is_charted_whole_and_says_it_scrolls(
        page: "Page", embedded_server: RunningServer) -> None:
    name = "status-counts-per-recommendation"
    rows = rows_of(embedded_server, name)
    assert len(rows) >= 60
    run_saved(page, embedded_server, name)
    chart = chart_of(page, embedded_server)
    assert len(chart["labels"]) == len(rows)
    assert chart["datasets"][0]["data"] == [int(r["initiatives"]["value"]) for r in rows]
    note = page.locator("#chart .chart-note").first.inner_text()
    assert str(len(rows)) in note
    scroller = page.locator("#chart .chart-scroll")
    assert scroller.evaluate("node => node.scrollHeight > node.clientHeight")


def test_the_columns_picked_survive_a_language_switch(page: "Page", embedded_server: RunningServer) -> None:
    run_saved(page, embedded_server, "figures-by-indicator")
    page.locator("#chart .chart-picker summary").click()
    page.select_option("#chart-x", "areaLabel")
    assert chart_of(page, embedded_server)["horizontal"]
    page.locator('.lang-switch button[data-lang="en"]').click()
    page.locator("html[lang=en]").wait_for(state="attached")
    chart = chart_of(page, embedded_server)
    assert chart["horizontal"] and chart["axisTitles"]["x"] == "per cent"
