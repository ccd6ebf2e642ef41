// The cockpit's trend clicks down: each point of a chart marked data-chart-links carries the URL of its
// month's list, and a click on it opens that list (the months under the chart are the same links).
(function () {
  "use strict";
  function bind(root) {
    if (!window.echarts) { return; }
    if (window.Redline) { window.Redline.renderCharts(root); }  // idempotent: draws what is not drawn yet
    (root || document).querySelectorAll("[data-chart-links]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (!chart || el.dataset.linked) { return; }
      chart.on("click", function (point) {
        if (point.data && point.data.url) { window.location.href = point.data.url; }
      });
      el.dataset.linked = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { bind(document); });
  document.addEventListener("htmx:afterSwap", function (event) { bind(event.target); });
})();
