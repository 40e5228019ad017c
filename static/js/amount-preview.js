// As the firm types: under each amount field, the amount as the server reads it (or why it
// is refused); across the row, each amount and the row's total (amount + VAT) in words. The server's one parser does the
// reading (POST, so amounts stay out of URLs and logs). A refused amount stops the form
// from being sent, so the files chosen stay chosen. Without JavaScript the review page
// shows the same before anything is sealed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-amount-preview-url]");
  if (!form || !window.fetch || !window.JSON) { return; }
  var url = form.getAttribute("data-amount-preview-url");
  var csrf = form.querySelector("input[name=csrf_token]").value;

  // Under the field: the figure as read (or why it is refused); across the row: the words.
  function show(output, value, withWords) {
    if (!output) { return; }
    var label = output.getAttribute("data-label");
    output.classList.toggle("is-error", Boolean(value && value.error));
    if (!value || (value.error && withWords)) { output.textContent = ""; return; }
    if (value.error) { output.textContent = value.error; return; }
    output.textContent = (label ? label + " " : "") + value.text + (withWords ? " — " + value.words : "");
  }

  function watch(row) {
    var inputs = Array.prototype.slice.call(row.querySelectorAll("input[data-amount]"));
    var timer = null;
    function refresh() {
      var amounts = {};
      inputs.forEach(function (input) { amounts[input.name] = input.value; });
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ amounts: amounts })
      }).then(function (response) { return response.ok ? response.json() : null; }).then(function (body) {
        if (!body) { return; }
        inputs.forEach(function (input) {
          var value = body.amounts[input.name];
          show(row.querySelector("[data-preview-for='" + input.name + "']"), value, false);
          show(row.querySelector("[data-words-for='" + input.name + "']"), value, true);
          if (value && value.error) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
        });
        show(row.querySelector("[data-preview-total]"), body.total, true);
      }, function () { /* offline: the review page will show the amounts */ });
    }
    inputs.forEach(function (input) {
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
    });
    if (inputs.some(function (input) { return input.value; })) { refresh(); }
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-amount-row]"), watch);
  form.addEventListener("submit", function (event) {
    var refused = form.querySelector("input[data-amount][aria-invalid=true]");
    if (refused) {
      event.preventDefault();
      event.stopImmediatePropagation();  // before the large-file upload starts
      refused.focus();
    }
  }, true);
}());
