// "Use my location" on the accident report form: fills latitude and longitude from the phone's GPS.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-locate]");
    if (!button || !navigator.geolocation) { return; }
    event.preventDefault();
    var status = document.getElementById(button.getAttribute("data-locate-status"));
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_lat").value = position.coords.latitude.toFixed(6);
      document.getElementById("id_lng").value = position.coords.longitude.toFixed(6);
      button.disabled = false;
      if (status) { status.textContent = button.getAttribute("data-done"); }
    }, function () {
      button.disabled = false;
      if (status) { status.textContent = button.getAttribute("data-failed"); }
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
