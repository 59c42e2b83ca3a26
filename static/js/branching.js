/* Live show/hide of questions whose show_if depends on answers on this page.
   Progressive enhancement: the server decides the same on every page load and POST
   (questionnaires/flow.py), so the page works without this script. No inline code:
   the rules come from the JSON block #branching-data (CSP-friendly). */
(function () {
  "use strict";
  var blob = document.getElementById("branching-data");
  var form = document.getElementById("questionnaire-form");
  if (!blob || !form) { return; }
  var data = JSON.parse(blob.textContent);
  var onPage = {};
  data.page.forEach(function (code) { onPage[code] = true; });

  function fieldName(code) { return data.prefix + "-" + code; }

  function pageValue(code) {
    var inputs = form.querySelectorAll('[name="' + fieldName(code) + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { return number(input.value); }
      } else if (input.value !== "") {
        return number(input.value);
      }
    }
    return null;
  }

  function number(raw) {
    // As the server reads it: full-width digits, and a decimal comma ("2,5").
    var text = String(raw).normalize("NFKC").trim().replace(/^(-?[0-9]+),([0-9]+)$/, "$1.$2");
    var n = Number(text);
    return text !== "" && !isNaN(n) && /^[-0-9.]+$/.test(text) ? n : raw;
  }

  function compare(op, left, right) {
    switch (op) {
      case "eq": return left === right;
      case "ne": return left !== right;
      case "gt": return left > right;
      case "ge": return left >= right;
      case "lt": return left < right;
      case "le": return left <= right;
      case "in": return right.indexOf(left) !== -1;
      case "between": return right[0] <= left && left < right[1];
    }
    return false;
  }

  /* Same reading as the engine: a condition sees only answers to shown items. */
  function evaluate(condition, counted) {
    if (condition.all) { return condition.all.every(function (c) { return evaluate(c, counted); }); }
    if (condition.any) { return condition.any.some(function (c) { return evaluate(c, counted); }); }
    var value = null;
    if (condition.ref.indexOf("item:") === 0) {
      var code = condition.ref.slice(5);
      value = counted.hasOwnProperty(code) ? counted[code] : null;
    } else if (condition.ref === "age") {
      value = data.age;
    } else {
      return false;
    }
    if (condition.op === "answered") { return value !== null; }
    if (value === null) { return false; }
    return compare(condition.op, value, condition.value);
  }

  function update() {
    var counted = {};
    data.order.forEach(function (code) {
      var condition = data.conditions[code];
      var shown = !condition || evaluate(condition, counted);
      var value = onPage[code] ? pageValue(code) : (data.saved.hasOwnProperty(code) ? data.saved[code] : null);
      if (shown && value !== null) { counted[code] = value; }
      if (onPage[code]) {
        var wrapper = document.getElementById("div_id_" + fieldName(code));
        if (wrapper) { wrapper.classList.toggle("d-none", !shown); }
      }
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
