// Draws the what-if page's grouped bars (fill rate per tier and lowest fill rate, one colour per
// strategy) from the JSON the page embeds in #whatif-data; the table beside it holds the figures.
// While the study runs, htmx swaps in its fragment until the figures come: draw then too.
(function () {
  "use strict";
  var COLORS = { fcfs: "#b35c00", proportional: "#7a7a7a", optimal: "#0b6e4f", edited: "#3a6fb0" };

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(data) {
    var canvas = document.getElementById("chart-whatif");
    if (!canvas || typeof Chart === "undefined" || Chart.getChart(canvas)) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          return { label: set.label, data: set.data, backgroundColor: COLORS[set.key] || "#444" };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: data.text.axis },
                       ticks: { callback: function (v) { return v + " %"; } } } },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          return ctx.dataset.label + ": " + ctx.parsed.y + " %";
        } } } }
      }
    });
  }

  function drawIfReady() {
    var data = readJson("whatif-data");
    if (data) { draw(data); }
  }

  document.addEventListener("DOMContentLoaded", drawIfReady);
  document.addEventListener("htmx:afterSettle", drawIfReady);
})();
