// Report clocks that tick without a reload: each <span data-countdown="epoch seconds"> inside a clock
// badge shows the time left, or how long it is overdue, and the badge turns red when it passes. Without
// this script the server's text stays, as of when the page was drawn.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    return Math.floor(minutes / 60) + ":" + pad(minutes % 60);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = parseInt(el.getAttribute("data-countdown"), 10) * 1000;
      if (isNaN(due)) { return; }
      var late = due < now;
      var template = el.getAttribute(late ? "data-late" : "data-left");
      if (!template) { return; }
      el.textContent = template.replace("{time}", span(due - now));
      var badge = el.closest("[data-clock]");
      if (late && badge) {
        badge.classList.remove("text-bg-info", "text-bg-light");
        badge.classList.add("text-bg-danger");
      }
    });
  }
  function start() { tick(); window.setInterval(tick, 15000); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
