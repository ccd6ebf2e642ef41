// The four-colour risk map: enterprises as points coloured by level, clustered when zoomed out.
// Data comes from the scoped JSON endpoint; with no tile source the towns' shapes are the background.
// The endpoint is bounded: the map sends its bounds and zoom and gets points when they fit under the
// server's cap, or clusters (per town zoomed out, per grid cell closer in) counted by the server. When the
// first answer already holds every point of the scope ("complete"), the map never asks again.
(function () {
  "use strict";
  var el = document.getElementById("risk-map");
  var configEl = document.getElementById("risk-map-config");
  if (!el || !configEl || !window.L) { return; }
  var config = JSON.parse(configEl.textContent);
  var map = L.map(el, { zoomControl: true, minZoom: 9, maxZoom: 18 }).setView(config.center, 12);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.attribution || "", maxZoom: 18 }).addTo(map);
  }
  var RANK = { red: 4, orange: 3, yellow: 2, blue: 1, "": 0 };
  var HEX = { red: "#d32f2f", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0", "": "#9e9e9e" };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // A cluster takes the colour of its highest level, so a red enterprise is never hidden by zooming out.
  var clusters = L.markerClusterGroup({
    maxClusterRadius: 45,
    iconCreateFunction: function (cluster) {
      var top = "";
      cluster.getAllChildMarkers().forEach(function (m) {
        if (RANK[m.options.level] > RANK[top]) { top = m.options.level; }
      });
      var n = cluster.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 38 : 46;
      return L.divIcon({
        html: '<div class="rl-cluster" style="width:' + size + "px;height:" + size + "px;background:" + HEX[top] + '">' + n + "</div>",
        className: "",
        iconSize: [size, size]
      });
    }
  });
  map.addLayer(clusters);

  function drawTowns(towns) {
    var bounds = [];
    towns.forEach(function (t) {
      if (t.boundary && t.boundary.length > 2) {
        var poly = L.polygon(t.boundary, { color: "#6d6d6d", weight: 1, fillColor: "#ffffff", fillOpacity: config.tileUrl ? 0.05 : 0.7 });
        poly.addTo(map);
        bounds = bounds.concat(t.boundary);
      }
      if (t.lat != null && t.lng != null) {
        L.tooltip({ permanent: true, direction: "center", className: "rl-town-label" })
          .setLatLng([t.lat, t.lng]).setContent(escapeHtml(t.name)).addTo(map);
        bounds.push([t.lat, t.lng]);
      }
    });
    return bounds;
  }

  function drawEnterprises(items) {
    var markers = items.map(function (e) {
      var marker = L.marker([e.lat, e.lng], {
        level: e.level,
        title: e.name,
        icon: L.divIcon({ className: "", html: '<div class="rl-risk-marker" style="background:' + e.colour + '"></div>', iconSize: [14, 14] })
      });
      var level = e.level ? e.level_display : el.dataset.labelNone;
      var html = "<strong>" + escapeHtml(e.name) + "</strong><br>" + escapeHtml(e.town) + "<br>" +
        escapeHtml(el.dataset.labelLevel) + ": " + escapeHtml(level) +
        (e.reason ? "<br><small>" + escapeHtml(e.reason) + "</small>" : "") +
        '<br><a href="' + encodeURI(e.url) + '">' + escapeHtml(el.dataset.labelOpen) + "</a>";
      marker.bindPopup(html);
      return marker;
    });
    clusters.addLayers(markers);
    return items.map(function (e) { return [e.lat, e.lng]; });
  }

  function showCounts(data) {
    var counts = { none: data.unassessed };
    data.counts.forEach(function (c) { counts[c.colour] = c.count; });
    document.querySelectorAll("#map-legend [data-count]").forEach(function (span) {
      span.textContent = counts[span.dataset.count] || 0;
    });
  }

  // Server-side clusters: a count in the colour of the highest level; a click zooms in on it.
  var serverClusters = L.layerGroup().addTo(map);
  function drawClusters(items) {
    items.forEach(function (c) {
      var size = c.count < 10 ? 30 : c.count < 100 ? 38 : c.count < 1000 ? 46 : 54;
      var marker = L.marker([c.lat, c.lng], {
        title: (c.label ? c.label + " · " : "") + c.count,
        icon: L.divIcon({
          html: '<div class="rl-cluster" style="width:' + size + "px;height:" + size + "px;background:" + HEX[c.level || ""] + '">' + c.count + "</div>",
          className: "",
          iconSize: [size, size]
        })
      });
      marker.on("click", function () { map.setView([c.lat, c.lng], Math.min(map.getZoom() + 2, 18)); });
      serverClusters.addLayer(marker);
    });
    return items.map(function (c) { return [c.lat, c.lng]; });
  }

  function draw(data) {
    clusters.clearLayers();
    serverClusters.clearLayers();
    showCounts(data);
    return data.mode === "points" ? drawEnterprises(data.enterprises) : drawClusters(data.clusters);
  }

  function dataUrl(withBounds) {
    var url = new URL(el.dataset.source, window.location.href);
    if (withBounds) {
      var b = map.getBounds();
      url.searchParams.set("bbox", [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (n) { return n.toFixed(5); }).join(","));
      url.searchParams.set("zoom", String(map.getZoom()));
    }
    return url.toString();
  }

  function load(withBounds) {
    return fetch(dataUrl(withBounds), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); });
  }

  var complete = false;
  var pending = null;
  var latest = 0;
  load(false).then(function (data) {
    complete = data.complete;
    var bounds = drawTowns(data.towns).concat(draw(data));
    if (bounds.length) { map.fitBounds(bounds, { padding: [12, 12] }); }
    map.on("moveend", function () {
      if (complete) { return; }
      clearTimeout(pending);
      pending = setTimeout(function () {
        var ticket = ++latest;
        load(true).then(function (next) { if (ticket === latest) { draw(next); } });
      }, 250);
    });
  });
})();
