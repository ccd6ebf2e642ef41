// Small behaviours shared by every page; page-specific scripts live beside their templates' blocks.
(function () {
  "use strict";
  // Confirm dangerous actions: <button data-confirm="…">
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Auto-submit filter forms on change (HTMX does the request when the form has hx-get).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && !form.hasAttribute("hx-get")) { form.requestSubmit(); }
  });
  // The language switch returns to the page as it is now (HTMX filters may have changed the address).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "language-form") { return; }
    var next = form.querySelector("input[name=next]");
    if (next) { next.value = window.location.pathname + window.location.search; }
  }, true);
  // Render every <div data-chart='{"option": …}'> with ECharts when it is on the page.
  function renderCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) { return; }
      var src = document.getElementById(el.dataset.chart);
      if (!src) { return; }
      var chart = window.echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });
  window.Redline = { renderCharts: renderCharts };
})();
