// A table people can work with: click a header to sort by it, type to filter the rows, page through them. It knows
// nothing of SPARQL: the model says what each cell shows, what it sorts by and what text a filter matches.
import { element } from "./dom.js";
import { defineStrings, t } from "./i18n.js";

defineStrings({
  da: {
    "table.filter": "Filtrér rækker", "table.filterPlaceholder": "Filtrér rækkerne…", "table.pageSize": "Rækker pr. side",
    "table.all": "alle", "table.previous": "Forrige", "table.next": "Næste",
    "table.range": "Rækker {first}–{last} af {count}", "table.filtered": " (filtreret fra {total})",
    "table.none": "Ingen rækker passer til filteret.", "table.sortBy": "Sortér efter {column}",
    "table.pages": "Sider",
  },
  en: {
    "table.filter": "Filter rows", "table.filterPlaceholder": "Filter the rows…", "table.pageSize": "Rows per page",
    "table.all": "all", "table.previous": "Previous", "table.next": "Next",
    "table.range": "Rows {first}–{last} of {count}", "table.filtered": " (filtered from {total})",
    "table.none": "No rows match the filter.", "table.sortBy": "Sort by {column}",
    "table.pages": "Pages",
  },
});

export const PAGE_SIZES = [25, 50, 100, 250, 0]; // 0: every row on one page
const DEFAULT_PAGE_SIZE = 50;
// Text sorts the Danish way (æ, ø, å after z; "10" after "9"), whatever the language of the page.
const collator = new Intl.Collator("da", { numeric: true, sensitivity: "base" });

const isEmpty = (key) => key === null || key === undefined || key === "";

function compare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

// model: {columns: [{id, title}], rows, cell(row, column) -> <td>, sortValue(row, column), text(row, column)}.
// Returns {element, refresh(model)}: refresh redraws with a new model (labels arrived, language changed) and keeps
// the sort order, the filter and the page.
export function createTable(initialModel) {
  let model = initialModel;
  const view = { sortBy: null, direction: "ascending", filter: "", page: 0, pageSize: DEFAULT_PAGE_SIZE };
  const filterInput = element("input", { type: "search", id: "table-filter", class: "table-filter" });
  const filterLabel = element("label", { for: "table-filter", class: "visually-hidden" });
  const sizeSelect = element("select", { id: "table-page-size" });
  const sizeLabel = element("label", { for: "table-page-size", class: "page-size-label" });
  const scroll = element("div", { class: "table-scroll" });
  const pager = element("nav", { class: "pager" });
  const root = element("div", { class: "table-view" },
    element("div", { class: "table-tools" }, filterLabel, filterInput, sizeLabel, sizeSelect), scroll, pager);

  let typing = null; // a long result is filtered once the reader pauses, not at every key
  filterInput.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      view.filter = filterInput.value;
      view.page = 0;
      draw();
    }, model.rows.length > 2000 ? 200 : 0);
  });
  sizeSelect.addEventListener("change", () => {
    view.pageSize = Number(sizeSelect.value);
    view.page = 0;
    draw();
  });

  function sortBy(column) {
    view.direction = view.sortBy === column.id && view.direction === "ascending" ? "descending" : "ascending";
    view.sortBy = column.id;
    draw();
    // the header was drawn anew: give the focus back to the button the reader pressed
    scroll.querySelector(`th[data-column="${CSS.escape(column.id)}"] button`)?.focus();
  }

  function visibleRows() {
    const words = view.filter.trim().toLocaleLowerCase("da").split(/\s+/).filter(Boolean);
    let rows = model.rows;
    if (words.length) {
      rows = rows.filter((row) => {
        const haystack = model.columns.map((column) => model.text(row, column)).join("\u0000").toLocaleLowerCase("da");
        return words.every((word) => haystack.includes(word));
      });
    }
    const column = model.columns.find((c) => c.id === view.sortBy);
    if (column) {
      const sign = view.direction === "ascending" ? 1 : -1;
      const keyed = rows.map((row, index) => ({ row, index, key: model.sortValue(row, column) }));
      // empty cells last either way; ties keep the query's own order (the sort is stable)
      keyed.sort((a, b) => {
        if (isEmpty(a.key) || isEmpty(b.key)) {
          return isEmpty(a.key) === isEmpty(b.key) ? a.index - b.index : isEmpty(a.key) ? 1 : -1;
        }
        return sign * compare(a.key, b.key) || a.index - b.index;
      });
      rows = keyed.map((item) => item.row);
    }
    return rows;
  }

  function header() {
    return element("tr", {}, ...model.columns.map((column) => {
      const sorted = view.sortBy === column.id;
      return element("th", { scope: "col", "aria-sort": sorted ? view.direction : null, "data-column": column.id,
        class: column.numeric ? "number" : null },
      element("button", { type: "button", class: "sort", title: t("table.sortBy", { column: column.title }),
        onclick: () => sortBy(column) }, column.title,
      element("span", { class: "sort-mark", "aria-hidden": "true" },
        sorted ? (view.direction === "ascending" ? " ▲" : " ▼") : "")));
    }));
  }

  function draw() {
    filterLabel.textContent = t("table.filter");
    filterInput.placeholder = t("table.filterPlaceholder");
    sizeLabel.textContent = t("table.pageSize");
    sizeSelect.replaceChildren(...PAGE_SIZES.map((size) => element("option",
      { value: String(size), selected: size === view.pageSize }, size ? String(size) : t("table.all"))));
    const rows = visibleRows();
    const size = view.pageSize || rows.length || 1;
    const pages = Math.max(1, Math.ceil(rows.length / size));
    view.page = Math.min(view.page, pages - 1);
    const first = view.page * size;
    const shown = rows.slice(first, first + size);
    const body = shown.map((row) => element("tr", {}, ...model.columns.map((column) => model.cell(row, column))));
    scroll.replaceChildren(rows.length
      ? element("table", { class: "result-table" }, element("thead", {}, header()), element("tbody", {}, ...body))
      : element("p", { class: "placeholder" }, t("table.none")));
    const range = rows.length
      ? t("table.range", { first: first + 1, last: first + shown.length, count: rows.length })
        + (rows.length < model.rows.length ? t("table.filtered", { total: model.rows.length }) : "")
      : "";
    const go = (page, which) => () => {
      view.page = page;
      draw();
      const same = pager.querySelector(`button.${which}`);
      (same.disabled ? pager.querySelector("button:not(:disabled)") : same)?.focus();
    };
    pager.setAttribute("aria-label", t("table.pages"));
    pager.replaceChildren(
      element("button", { type: "button", class: "previous", disabled: view.page === 0,
        onclick: go(view.page - 1, "previous") }, t("table.previous")),
      element("span", { class: "range" }, range),
      element("button", { type: "button", class: "next", disabled: view.page >= pages - 1,
        onclick: go(view.page + 1, "next") }, t("table.next")));
    pager.hidden = pages === 1 && !view.filter;
  }

  draw();
  return {
    element: root,
    refresh(newModel) {
      model = newModel;
      draw();
    },
  };
}
