// Small behaviours shared by every page, wired from data attributes (the Content-Security-Policy
// allows no inline script or onclick= handler):
// - [data-print] buttons open the browser's print dialog (delivery note, daily report);
// - a [data-select-all=NAME] checkbox ticks or unticks every checkbox named NAME (proposals).
(function () {
  "use strict";

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function selectAll() {
    document.querySelectorAll("input[type=checkbox][data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        var selector = "input[type=checkbox][name='" + box.dataset.selectAll + "']";
        document.querySelectorAll(selector).forEach(function (other) { other.checked = box.checked; });
      });
    });
  }

  function init() {
    printButtons();
    selectAll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
