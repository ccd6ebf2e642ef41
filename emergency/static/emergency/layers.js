// The preparedness map: warehouses, teams, waterlogging points and shelters as switchable layers on the
// risk module's Leaflet setup (same vendor files, same town shapes as the background when no tiles).
(function () {
  "use strict";
  var el = document.getElementById("emergency-map");
  var configEl = document.getElementById("emergency-map-config");
  if (!el || !configEl || !window.L) { return; }
  var config = JSON.parse(configEl.textContent);
  var map = L.map(el, { zoomControl: true, minZoom: 9, maxZoom: 18 }).setView(config.center, 11);
  if (window.RedlineBaseMap) { window.RedlineBaseMap(map, config); }
  var COLOURS = { warehouses: "#6a1b9a", teams: "#c62828", points: "#1565c0", shelters: "#2e7d32" };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  fetch(el.dataset.source, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    var bounds = [];
    data.towns.forEach(function (t) {
      if (t.boundary && t.boundary.length > 2) {
        L.polygon(t.boundary, { color: "#6d6d6d", weight: 1, fillColor: "#ffffff", fillOpacity: config.tileUrl ? 0.05 : 0.7 }).addTo(map);
        bounds = bounds.concat(t.boundary);
      }
    });
    var overlays = {};
    Object.keys(COLOURS).forEach(function (key) {
      var group = L.layerGroup();
      (data.layers[key] || []).forEach(function (row) {
        L.circleMarker([row.lat, row.lng], { radius: 7, color: "#fff", weight: 1, fillColor: COLOURS[key], fillOpacity: 0.9 })
          .bindPopup("<strong>" + escapeHtml(row.name) + "</strong><br>" + escapeHtml(row.label))
          .addTo(group);
        bounds.push([row.lat, row.lng]);
      });
      group.addTo(map);
      var label = el.dataset["label" + key.charAt(0).toUpperCase() + key.slice(1)] || key;
      overlays['<span style="color:' + COLOURS[key] + '">●</span> ' + escapeHtml(label)] = group;
    });
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    if (bounds.length) { map.fitBounds(bounds, { padding: [12, 12] }); }
  });
})();
