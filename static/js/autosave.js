/* Autosave for long pages: every N seconds (data-autosave) and when the page is
   hidden, post the same form with action=autosave if anything changed. The server
   saves the valid answers and answers 204. Without this script the answers are
   still saved on every page POST. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var seconds = parseInt(form.getAttribute("data-autosave"), 10) || 30;
  var status = document.getElementById("autosave-status");
  var dirty = false;
  var saving = false;

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });

  function payload() {
    var body = new FormData(form);
    body.set("action", "autosave");
    return body;
  }

  function save() {
    if (!dirty || saving) { return; }
    saving = true;
    dirty = false;
    fetch(form.action, {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      var answered = response.headers.get("X-Answered");
      if (answered !== null && form.elements.answered) {
        form.elements.answered.value = answered;  // what an empty box may clear now
      }
      if (status && response.status === 204) {
        status.textContent = status.getAttribute("data-saved") || "Saved";
      } else {
        dirty = true;
      }
    }).catch(function () { dirty = true; }).then(function () { saving = false; });
  }

  window.setInterval(save, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty && navigator.sendBeacon) {
      navigator.sendBeacon(form.action, payload());
      dirty = false;
    }
  });
})();
