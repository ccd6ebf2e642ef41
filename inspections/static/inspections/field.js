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
  // A photo the server refuses (400: not a photo, too large…) comes back with its message: show it, and
  // empty the file input either way, so no file name stays next to a photo that was not attached.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    form = form && form.closest && form.closest("form[data-photo-form]");
    if (form && event.detail.xhr && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-photo-form]");
    if (form) { form.reset(); }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.target.closest && event.target.closest("form[data-photo-form]");
    if (!form) { return; }
    var target = document.querySelector(form.getAttribute("hx-target"));
    var page = document.getElementById("field-page");
    if (target) {
      var alert = document.createElement("div");
      alert.className = "text-danger small";
      alert.setAttribute("role", "alert");
      alert.textContent = (page && page.dataset.photoUnsentText) || "The photo was not sent.";
      var old = target.querySelector("[role=alert]");
      if (old) { old.remove(); }
      target.insertBefore(alert, target.firstChild);
    }
  });
  window.addEventListener("online", retry);
  window.setInterval(retry, 15000);
  window.addEventListener("beforeunload", function (event) {
    if (pending.size) { event.preventDefault(); event.returnValue = ""; }
  });
})();
