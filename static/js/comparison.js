// Draws every [data-figure] element from the Plotly figures the page carries in
// #comparison-figures — the same figures the justification PDF exports. No inline scripts:
// the CSP forbids them.
(function () {
  "use strict";
  const source = document.getElementById("comparison-figures");
  if (!source || !window.Plotly) return;
  const figures = JSON.parse(source.textContent);
  const config = { displayModeBar: false, responsive: true };
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    const figure = figures[element.dataset.figure];
    if (figure) Plotly.newPlot(element, figure.data, figure.layout, config);
  });
})();
