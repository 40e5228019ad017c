// The review page's "print or save" button (the browser's own print dialog, which also
// saves as PDF). Without JavaScript the browser's menu does the same; the button stays hidden.
(function () {
  "use strict";
  var button = document.getElementById("print-page");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
