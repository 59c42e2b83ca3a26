/* The error summary of a questionnaire page: it takes the focus when the page opens,
   so it is read out first, and each of its links moves the focus to the field and
   brings the whole question into view (the label or legend, not just the input). */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var question = field.closest("fieldset") || field.closest("[id^='div_id_']") || field;
    question.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
