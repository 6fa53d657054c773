// The transparency page's charts, from static files only (the CSP forbids inline scripts):
// draws every [data-figure] element from the Plotly figures the page carries in
// #transparency-figures. The data table under each chart holds the same figures.
(function () {
  "use strict";
  function drawCharts() {
    const source = document.getElementById("transparency-figures");
    if (!source || !window.Plotly) return;
    const figures = JSON.parse(source.textContent);
    const config = { displayModeBar: false, responsive: true };
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      const figure = figures[element.dataset.figure];
      if (figure) Plotly.newPlot(element, figure.data, figure.layout, config);
    });
  }
  drawCharts();
})();
