// The comparison page's behaviour, from static files only (the CSP forbids inline scripts):
// draws every [data-figure] element from the Plotly figures the page carries in
// #comparison-figures — the same figures the justification PDF exports; sorts a table.sortable
// by the column whose heading button is pressed; prints the page, every <details> open.
(function () {
  "use strict";
  const STATUS_ORDER = { "status-fail": 0, "status-warning": 1, "status-pass": 2 };

  function drawCharts() {
    const source = document.getElementById("comparison-figures");
    if (!source || !window.Plotly) return;
    const figures = JSON.parse(source.textContent);
    const config = { displayModeBar: false, responsive: true };
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      const figure = figures[element.dataset.figure];
      if (figure) Plotly.newPlot(element, figure.data, figure.layout, config);
    });
  }

  function sortKey(cell, type) {
    if (type === "number") {
      const value = parseFloat(cell.dataset.sort);
      return isNaN(value) ? Infinity : value;
    }
    if (type === "status") {
      for (const name in STATUS_ORDER) if (cell.classList.contains(name)) return STATUS_ORDER[name];
      return 3; // not checked
    }
    return cell.textContent.trim().toLowerCase();
  }

  function sortBy(table, header) {
    const column = Array.prototype.indexOf.call(header.parentNode.children, header);
    const type = header.querySelector("button").dataset.sortType;
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    const body = table.tBodies[0];
    const rows = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, index: index, key: sortKey(row.cells[column], type) };
    });
    rows.sort(function (a, b) {
      if (a.key < b.key) return ascending ? -1 : 1;
      if (a.key > b.key) return ascending ? 1 : -1;
      return a.index - b.index;
    });
    rows.forEach(function (entry) { body.appendChild(entry.row); });
    table.querySelectorAll("thead th[aria-sort]").forEach(function (th) {
      th.setAttribute("aria-sort", th === header ? (ascending ? "ascending" : "descending") : "none");
    });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th button.sort").forEach(function (button) {
      button.addEventListener("click", function () { sortBy(table, button.closest("th")); });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // A printed page shows everything: the closed <details> open for printing, then close again.
  let opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  drawCharts();
})();
