// Under each amount field, as the firm types: the amount as the server reads it, in figures
// and in words, and the total of the row (amount + VAT). The server's one parser does the
// reading (POST, so amounts stay out of URLs and logs). A refused amount stops the form
// from being sent, so the files chosen stay chosen. Without JavaScript the review page
// shows the same before anything is sealed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-amount-preview-url]");
  if (!form || !window.fetch || !window.JSON) { return; }
  var url = form.getAttribute("data-amount-preview-url");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var totalLabel = form.getAttribute("data-msg-total") || "";

  function show(output, value, label) {
    if (!output) { return; }
    output.classList.toggle("is-error", Boolean(value && value.error));
    output.textContent = !value ? "" : value.error ? value.error : (label ? label + " " : "") + value.text + " — " + value.words;
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
          show(row.querySelector("[data-preview-for='" + input.name + "']"), value);
          if (value && value.error) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
        });
        show(row.querySelector("[data-preview-total]"), body.total, totalLabel);
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
