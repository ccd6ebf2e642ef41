// The four-colour risk map: town areas filled with the colour of their highest risk, enterprises as points
// coloured by level, clustered when zoomed out. Data comes from the scoped JSON endpoint; the base map is
// the configured tile service or, without one, the district's own outlines, rivers and roads (basemap.js).
// The endpoint is bounded: the map sends its bounds and zoom and gets points when they fit under the
// server's cap, or clusters (per town zoomed out, per grid cell closer in) counted by the server. When the
// first answer already holds every point of the scope ("complete"), the map never asks again.
// Clusters show their counts per colour (not only their worst colour), and town names sit in a pane above
// the clusters, at a point inside each town's area, so that no cluster hides a name.
(function () {
  "use strict";
  var el = document.getElementById("risk-map");
  var configEl = document.getElementById("risk-map-config");
  if (!el || !configEl || !window.L) { return; }
  var config = JSON.parse(configEl.textContent);
  var map = L.map(el, { zoomControl: true, minZoom: 9, maxZoom: 18 }).setView(config.center, 12);
  window.RedlineBaseMap(map, config);
  map.createPane("rl-areas").style.zIndex = 300;
  map.createPane("rl-labels").style.zIndex = 640;
  map.getPane("rl-labels").style.pointerEvents = "none";
  var ORDER = ["red", "orange", "yellow", "blue", ""];
  var HEX = { red: "#d32f2f", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0", "": "#9e9e9e" };
  var NAMES = config.colourNames || {};

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // A cluster as a row of chips, one per colour present, each with its count: the mix, not a red blob.
  function mixIcon(counts, anchorBelow) {
    var chips = ORDER.filter(function (c) { return counts[c]; }).map(function (c) {
      return '<span class="rl-chip rl-chip-' + (c || "none") + '" style="background:' + HEX[c] + '">' + counts[c] + "</span>";
    });
    var title = ORDER.filter(function (c) { return counts[c]; }).map(function (c) { return (NAMES[c || "none"] || c) + " " + counts[c]; }).join(" · ");
    var width = Math.max(chips.length, 1) * 30 + 6;
    return L.divIcon({
      html: '<div class="rl-cluster-mix" title="' + escapeHtml(title) + '" aria-label="' + escapeHtml(title) + '">' + chips.join("") + "</div>",
      className: "",
      iconSize: [width, 24],
      // Town clusters hang below the town's name instead of on it.
      iconAnchor: anchorBelow ? [width / 2, -12] : [width / 2, 12]
    });
  }

  var clusters = L.markerClusterGroup({
    maxClusterRadius: 70,
    showCoverageOnHover: false,
    iconCreateFunction: function (cluster) {
      var counts = {};
      cluster.getAllChildMarkers().forEach(function (m) { counts[m.options.level || ""] = (counts[m.options.level || ""] || 0) + 1; });
      return mixIcon(counts, false);
    }
  });
  map.addLayer(clusters);

  function townPopup(t) {
    var lines = ORDER.slice(0, 4).map(function (c) {
      return '<span class="rl-chip" style="background:' + HEX[c] + '">' + ((t.by_colour || {})[c] || 0) + "</span> " + escapeHtml(NAMES[c] || c);
    });
    return "<strong>" + escapeHtml(t.name) + "</strong><br>" + escapeHtml(el.dataset.labelArea) + ": " +
      escapeHtml(t.level ? NAMES[t.level] : el.dataset.labelNone) + '<div class="small my-1">' + lines.join("<br>") + "</div>" +
      '<a href="' + encodeURI(t.url) + '" data-testid="town-points-link">' + escapeHtml(el.dataset.labelPoints) + " " + t.points + "</a>";
  }

  function drawTowns(towns) {
    var bounds = [];
    towns.forEach(function (t) {
      if (t.boundary && t.boundary.length > 2) {
        var coloured = t.in_scope && t.level;
        var poly = L.polygon(t.boundary, {
          pane: "rl-areas",
          color: coloured ? t.colour : "#8d8d8d",
          weight: t.in_scope ? 2 : 1,
          fillColor: coloured ? t.colour : "#ffffff",
          fillOpacity: coloured ? (config.tileUrl ? 0.22 : 0.32) : (config.tileUrl ? 0.05 : 0.5),
          className: "rl-town-area rl-town-" + (coloured ? t.level : "none")
        });
        poly.feature = { properties: { id: t.id, level: t.level } };
        if (t.in_scope) { poly.bindPopup(townPopup(t)); }
        poly.addTo(map);
        bounds = bounds.concat(t.boundary);
      }
      var at = t.label_at || (t.lat != null ? [t.lat, t.lng] : null);
      if (at) {
        L.marker(at, {
          pane: "rl-labels",
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "rl-town-label", html: "<span>" + escapeHtml(t.name) + "</span>", iconSize: null })
        }).addTo(map);
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

  // Server-side clusters: the counts per colour; a click zooms in on it.
  var serverClusters = L.layerGroup().addTo(map);
  function drawClusters(items) {
    items.forEach(function (c) {
      var marker = L.marker([c.lat, c.lng], {
        title: (c.label ? c.label + " · " : "") + c.count,
        icon: mixIcon(c.by_level || {}, c.key.indexOf("town-") === 0)
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
    el.dataset.ready = "1";
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
