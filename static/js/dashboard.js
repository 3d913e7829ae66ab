// Draws the coordinator dashboard's charts from the JSON the page embeds (#dashboard-data),
// and the small supply/demand chart of the public home page (#home-data).
(function () {
  "use strict";
  var COLORS = { supply: "#0b6e4f", demand: "#b35c00", allocated: "#3a6fb0", low: "#b00020" };

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(canvasId, config) {
    var canvas = document.getElementById(canvasId);
    if (!canvas || typeof Chart === "undefined") { return; }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
      config.options || {});
    new Chart(canvas, config);
  }

  function percentAxis() {
    return { y: { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + " %"; } } } };
  }

  function dashboard(data) {
    var t = data.text;
    draw("chart-items", { type: "bar", data: { labels: data.items.labels, datasets: [
      { label: t.supply, data: data.items.supply, backgroundColor: COLORS.supply },
      { label: t.demand, data: data.items.demand, backgroundColor: COLORS.demand },
      { label: t.allocated, data: data.items.allocated, backgroundColor: COLORS.allocated }
    ] } });
    draw("chart-tiers", { type: "bar", data: { labels: data.tiers.labels, datasets: [
      { label: t.fill_rate, data: data.tiers.fill_rate, backgroundColor: COLORS.allocated }
    ] }, options: { scales: percentAxis() } });
    draw("chart-reasons", { type: "bar", data: { labels: data.reasons.labels, datasets: [
      { label: t.units, data: data.reasons.units, backgroundColor: COLORS.demand }
    ] }, options: { indexAxis: "y" } });
    draw("chart-runs", { type: "line", data: { labels: data.runs.labels, datasets: [
      { label: t.fill_rate, data: data.runs.fill_rate, borderColor: COLORS.allocated, spanGaps: true },
      { label: t.lowest_fill_rate, data: data.runs.lowest_fill_rate, borderColor: COLORS.low, spanGaps: true }
    ] }, options: { scales: percentAxis() } });
  }

  function home(data) {
    draw("chart-home", { type: "bar", data: { labels: data.labels, datasets: [
      { label: data.text.supply, data: data.supply, backgroundColor: COLORS.supply },
      { label: data.text.demand, data: data.demand, backgroundColor: COLORS.demand }
    ] }, options: { scales: { y: { type: "logarithmic" } } } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = readJson("dashboard-data");
    if (data) { dashboard(data); }
    var homeData = readJson("home-data");
    if (homeData) { home(homeData); }
  });
})();
