// Draws the comparison page's charts from the JSON the page carries in #comparison-data.
// No inline scripts (the CSP forbids them); amounts arrive as exact decimal strings.
(function () {
  "use strict";
  const source = document.getElementById("comparison-data");
  if (!source || !window.Plotly) return;
  const data = JSON.parse(source.textContent);
  const config = { displayModeBar: false, responsive: true };
  const rupees = { tickprefix: "₹", separatethousands: true, automargin: true };
  const layout = (extra) => Object.assign({ margin: { t: 10, r: 10, b: 40, l: 10 }, height: 340, font: { family: "system-ui, sans-serif", size: 12 } }, extra);

  const tco = data.tco_years;
  const tcoChart = document.getElementById("chart-tco");
  if (tco && tcoChart) {
    const bar = (name, values, color) => ({ type: "bar", name, x: tco.years, y: values.map(Number), marker: { color }, hovertemplate: "%{x}: ₹%{y:,.2f}<extra>" + name + "</extra>" });
    Plotly.newPlot(tcoChart, [
      bar("Usage", tco.usage, "#0d3b66"),
      bar("One-time", tco.one_time, "#f4a259"),
      bar("Tax", tco.tax, "#8cb369"),
    ], layout({ barmode: "stack", yaxis: rupees, legend: { orientation: "h", y: -0.15 } }), config);
  } else if (tcoChart) {
    tcoChart.textContent = "No award, so no cost to chart.";
  }

  const cqChart = document.getElementById("chart-cost-quality");
  if (cqChart && data.cost_quality.length) {
    const series = (label, points, symbol, color) => ({
      type: "scatter", mode: "markers", name: label,
      x: points.map((p) => Number(p.cost)), y: points.map((p) => Number(p.quality)),
      text: points.map((p) => p.name), marker: { symbol, size: 11, color, line: { width: 1, color: "#222" } },
      hovertemplate: "%{text}<br>₹%{x:,.0f}, quality %{y}<extra>" + label + "</extra>",
    });
    const points = data.cost_quality;
    Plotly.newPlot(cqChart, [
      series("Eligible", points.filter((p) => p.eligible && !p.awarded), "circle", "#0d3b66"),
      series("Excluded", points.filter((p) => !p.eligible), "x", "#c1121f"),
      series("Recommended", points.filter((p) => p.awarded), "star", "#f4d35e"),
    ], layout({
      xaxis: Object.assign({ title: { text: "Evaluated cost (" + data.cost_basis.toUpperCase() + ", ₹)" } }, rupees),
      yaxis: { title: { text: "Certified quality score" }, range: [0, 100], automargin: true },
      legend: { orientation: "h", y: -0.25 },
    }), config);
  } else if (cqChart) {
    cqChart.textContent = "No offer has certified quality evidence in every language of this workload.";
  }

  const awards = document.getElementById("chart-awards");
  if (awards && data.award_frequencies.length) {
    Plotly.newPlot(awards, [{
      type: "bar", orientation: "h",
      x: data.award_frequencies.map((f) => Number(f.share) * 100),
      y: data.award_frequencies.map((f) => f.offer_id),
      text: data.award_frequencies.map((f) => f.name),
      marker: { color: "#0d3b66" }, hovertemplate: "%{text}: %{x:.1f} % of scenarios<extra></extra>",
    }], layout({ height: 240, xaxis: { title: { text: "Share of scenarios won (%)" }, range: [0, 100] }, yaxis: { automargin: true } }), config);
  }
})();
