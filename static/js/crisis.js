/* Crisis help at once (issue 17): when a safety item on this page is answered
   positively, the crisis box from <template id="crisis-template"> is shown right
   after that question, without a reload and without moving the focus. The box is
   a role="alert" region, so screen readers announce it. Progressive enhancement:
   without this script the server shows the same box on the next page. The field
   names and the values that count come from the JSON block #crisis-triggers. */
(function () {
  "use strict";
  var blob = document.getElementById("crisis-triggers");
  var template = document.getElementById("crisis-template");
  var form = document.getElementById("questionnaire-form");
  if (!blob || !template || !form || !("content" in template)) { return; }
  var triggers = JSON.parse(blob.textContent);
  var shown = false;

  function positive(input) {
    var values = triggers[input.name];
    if (!values) { return false; }
    if ((input.type === "radio" || input.type === "checkbox") && !input.checked) {
      return false;
    }
    return values.indexOf(input.value) !== -1;
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (shown || !input || !input.name || !positive(input)) { return; }
    shown = true;
    var question = input.closest("fieldset") || input.closest(".mb-3") || input.parentNode;
    var box = template.content.firstElementChild.cloneNode(true);
    question.insertAdjacentElement("afterend", box);
  });
})();
