// Live reporting clocks: every <span data-countdown="epoch seconds"> shows the time left, or turns overdue.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = parseInt(el.getAttribute("data-countdown"), 10) * 1000;
      if (isNaN(due)) { return; }
      var minutes = Math.floor(Math.abs(due - now) / 60000);
      var text = Math.floor(minutes / 60) + ":" + pad(minutes % 60);
      if (due >= now) {
        el.textContent = el.getAttribute("data-left").replace("{time}", text);
      } else {
        el.textContent = el.getAttribute("data-late").replace("{time}", text);
        el.classList.remove("text-bg-primary");
        el.classList.add("text-bg-danger");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 30000); });
})();
