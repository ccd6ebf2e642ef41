// Evidence forms: where the phone allows it, record the location with the photos (R-HAZ evidence:
// server time, uploader and location). Nothing is sent unless the user's browser grants the position.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-geolocate]");
    if (!form || !navigator.geolocation) { return; }
    var lat = form.querySelector("input[name=lat]");
    var lng = form.querySelector("input[name=lng]");
    if (!lat || !lng) { return; }
    form.addEventListener("change", function (event) {
      if (event.target.type !== "file" || lat.value) { return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
      }, function () { /* no position: the photos are kept without one */ }, { timeout: 10000, maximumAge: 60000 });
    });
  });
})();
