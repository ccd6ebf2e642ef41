// The pairing page posts itself as soon as a browser opens it: the wall screen needs no click, while a
// link preview that only fetches the URL (and runs no script) leaves the one-time link unspent.
(function () {
  "use strict";
  var form = document.querySelector("form[data-auto-submit]");
  if (form) { form.submit(); }
})();
