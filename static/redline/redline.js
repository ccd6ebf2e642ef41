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
  // Logging out clears what this browser keeps (Clear-Site-Data), the field outbox included: captures not
  // yet sent would be lost without a word, so the user is asked first, with their number, on whichever
  // page they log out from. idb and the outbox are loaded only then (field pages have them already).
  function loadScripts(srcs) {
    return srcs.reduce(function (chain, src) {
      return chain.then(function () {
        return new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = src;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        });
      });
    }, Promise.resolve());
  }
  function unsynced(guard) {
    var ready = window.redlineOutbox ? Promise.resolve() :
      loadScripts((window.idb ? [] : [guard.dataset.idbSrc]).concat([guard.dataset.outboxSrc]));
    return ready.then(function () { return window.redlineOutbox ? window.redlineOutbox.count() : 0; });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var guard = document.querySelector("form[data-logout-guard]");
    if (event.defaultPrevented || !guard || !window.indexedDB || !window.Promise || !form.getAttribute ||
        form.getAttribute("action") !== guard.getAttribute("action")) { return; }
    event.preventDefault();
    if (form.dataset.checking) { return; }  // a second tap while the first is counting
    form.dataset.checking = "1";
    unsynced(guard).then(function (n) {
      delete form.dataset.checking;
      if (!n || window.confirm(guard.dataset.unsyncedConfirm.replace("{n}", n))) { form.submit(); }
    }, function () {
      // No IndexedDB after all (a private window) or the scripts could not load: nothing to count.
      delete form.dataset.checking;
      form.submit();
    });
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
