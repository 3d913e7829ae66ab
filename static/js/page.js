// Small behaviours shared by every page, wired from data attributes (the Content-Security-Policy
// allows no inline script or onclick= handler):
// - [data-print] buttons open the browser's print dialog (delivery note, daily report);
// - a [data-select-all=NAME] checkbox ticks or unticks every checkbox named NAME (proposals);
// - a form (or a submit button) with data-confirm="question" asks before an irreversible action;
//   answering "Cancel" sends nothing;
// - the [data-menu-toggle] button opens and closes the header's menu on narrow screens.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

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

  // One listener for every form, present and future (htmx swaps): the question is the
  // submitting button's data-confirm, else the form's.
  function confirmations() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var button = event.submitter;
      var question = (button && button.dataset && button.dataset.confirm) || form.dataset.confirm;
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }, true);
  }

  function menu() {
    document.querySelectorAll("[data-menu-toggle]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("aria-controls"));
      if (!target) { return; }
      button.addEventListener("click", function () {
        var open = target.classList.toggle("open");
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
    });
  }

  function init() {
    printButtons();
    selectAll();
    menu();
  }

  confirmations();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
