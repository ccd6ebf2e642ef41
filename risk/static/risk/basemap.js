// The district's base map without network: the town outlines, rivers and main roads of the district as
// simplified GeoJSON (shipped in static, cached by the service worker), drawn by Leaflet. When a tile
// service is configured (MAP_TILE_URL), its tiles are the base map instead. Shared by every Leaflet page.
(function () {
  "use strict";
  // A map page opened with signal is kept for use without it (a flood night in a town hall): the service
  // worker stores the page and its points as they are opened, and this base map at install.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  var STYLE = {
    district: { color: "#5d5d5d", weight: 2, dashArray: "6 4", fill: false },
    town: { color: "#9a9a9a", weight: 1, fill: false },
    river: { color: "#7fb3e0", weight: 4, opacity: 0.9 },
    motorway: { color: "#d9a441", weight: 3, opacity: 0.9 },
    trunk: { color: "#c9b27c", weight: 2.5, opacity: 0.9 },
    primary: { color: "#cfc6b4", weight: 2, opacity: 0.9 }
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // Adds the base map under everything else; resolves with the layer (or null with tiles or no data).
  window.RedlineBaseMap = function (map, config) {
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 18 }).addTo(map);
      return Promise.resolve(null);
    }
    if (!config.baseUrl) { return Promise.resolve(null); }
    map.createPane("rl-base");
    map.getPane("rl-base").style.zIndex = 250;
    return fetch(config.baseUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return null; }
        var layer = L.geoJSON(data, {
          pane: "rl-base",
          interactive: false,
          style: function (f) { return STYLE[f.properties.kind] || STYLE.primary; }
        });
        layer.eachLayer(function (l) {
          var kind = l.feature.properties.kind;
          if (kind !== "district" && kind !== "town") {
            l.options.interactive = true;
            l.bindTooltip(escapeHtml(l.feature.properties.name), { sticky: true });
          }
        });
        layer.addTo(map);
        el(map).classList.add("rl-offline-base");
        return layer;
      })
      .catch(function () { return null; });
  };

  function el(map) { return map.getContainer(); }
})();
