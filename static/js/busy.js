// Long form posts (a matching run at city scale takes about a minute): once a form with
// data-busy is sent, disable its button and say what is happening, so nobody presses twice.
document.querySelectorAll("form[data-busy]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var status = document.getElementById(form.dataset.busyStatus);
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      // after this event the browser has taken the form's data: the post goes ahead
      setTimeout(function () { button.disabled = true; }, 0);
    });
    if (status) {
      status.textContent = form.dataset.busy;
      status.hidden = false;
    }
    form.setAttribute("aria-busy", "true");
  });
});
