// Section pages, enhanced: a warning before leaving with unsaved changes, and a warning before the
// session times out that offers to stay signed in (the GOV.UK timeout-warning pattern). Without
// this script the page works the same; a post after the session ended is kept and restored.
(function () {
  "use strict";
  var form = document.querySelector("form.portal-section-form");
  if (!form) { return; }

  // Leaving with unsaved changes asks first; saving (any submit) does not.
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = form.getAttribute("data-unsaved-warning") || "";
  });

  // The session ends after this many idle seconds; warn two minutes before.
  var idle = parseInt(form.getAttribute("data-idle-seconds") || "0", 10);
  if (!idle || typeof HTMLDialogElement === "undefined") { return; }
  var warnAfter = Math.max(idle - 120, 30) * 1000;
  var timer;
  var dialog = document.getElementById("timeout-warning");
  if (!dialog) { return; }
  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { dialog.showModal(); }, warnAfter);
  }
  dialog.querySelector("[data-stay]").addEventListener("click", function () {
    // Any page fetched while signed in renews the session's idle time.
    window.fetch(form.getAttribute("data-keep-alive") || "/account", { credentials: "same-origin" })
      .then(function () { dialog.close(); arm(); });
  });
  arm();
}());
