// A paired wall screen (大屏终端) refreshes its live part every minute through HTMX. Two answers need more
// than HTMX's defaults:
// - 403: the display may no longer show (stopped, or its owner may no longer open the cockpit). The answer
//   is a part that says so and polls no more; swap it in instead of leaving stale figures on the wall.
// - an answer from another address: a login session that ended on this browser redirected the poll to the
//   login page. Never swap that into the wall; load the wall again (the session is gone by then).
(function () {
  "use strict";
  var live = document.body.dataset.liveUrl;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var path = xhr.responseURL ? new URL(xhr.responseURL).pathname : live;
    if (path !== live) {
      event.detail.shouldSwap = false;
      window.location.reload();
      return;
    }
    if (xhr.status === 403) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
