// Field inspection page: a save that fails (lost connection, server restart) is retried until it lands.
// Every item is saved on the server as it changes, so a closed browser loses nothing already saved; this
// covers the answers given while the phone was offline.
(function () {
  "use strict";
  var pending = new Set();
  var statusFor = function (form) {
    return document.querySelector(form.getAttribute("hx-target"));
  };
  function markUnsaved(form) {
    pending.add(form);
    var status = statusFor(form);
    if (status) {
      status.innerHTML = "";
      var span = document.createElement("span");
      span.className = "text-warning";
      var page = document.getElementById("field-page");
      span.textContent = (page && page.dataset.unsavedText) || "Not saved yet: retrying when online";
      status.appendChild(span);
    }
  }
  function retry() {
    if (!window.htmx || !navigator.onLine) { return; }
    pending.forEach(function (form) {
      pending.delete(form);
      window.htmx.trigger(form, "change");
    });
  }
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.target.closest("form[data-autosave]");
    if (form) { markUnsaved(form); }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.target.closest("form[data-autosave]");
    // 5xx are retried; 4xx are answers (shown by the server's message) and are not.
    if (form && event.detail.xhr && event.detail.xhr.status >= 500) { markUnsaved(form); }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest("form[data-autosave]");
    if (form) { pending.delete(form); }
  });
  window.addEventListener("online", retry);
  window.setInterval(retry, 15000);
  window.addEventListener("beforeunload", function (event) {
    if (pending.size) { event.preventDefault(); event.returnValue = ""; }
  });
})();
