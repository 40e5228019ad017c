// Keeps "time left" current without reloading. The server already wrote the right text,
// so without JavaScript (or without Intl.DurationFormat) the page stays correct as served.
(function () {
  "use strict";
  var nodes = document.querySelectorAll("[data-deadline]");
  if (!nodes.length || typeof Intl === "undefined" || !Intl.DurationFormat) { return; }
  var lang = document.documentElement.lang || "fr";
  var format = new Intl.DurationFormat(lang, { style: "long" });
  function update() {
    nodes.forEach(function (node) {
      var left = Math.max(0, Date.parse(node.getAttribute("data-deadline")) - Date.now());
      var minutes = Math.floor(left / 60000);
      var days = Math.floor(minutes / 1440);
      var hours = Math.floor((minutes % 1440) / 60);
      var parts = days ? { days: days, hours: hours } : { hours: hours, minutes: minutes % 60 };
      node.querySelector("[data-left]").textContent = format.format(parts);
    });
  }
  update();
  window.setInterval(update, 30000);
}());
