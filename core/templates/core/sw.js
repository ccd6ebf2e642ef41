// The field app's service worker: static files from the cache, field pages from the network when there is
// one and from the cache when there is none (the day's tasks, checklists and the hazard form keep working
// without signal). Captures made offline are queued by the page itself (offline.js) in IndexedDB.
importScripts("{{ workbox|escapejs }}");
workbox.setConfig({ modulePathPrefix: "{{ prefix|escapejs }}", debug: false });

// Each module names its pages (core.extensions.offline_pages).
const FIELD_PAGES = new RegExp({{ pages_json|safe }});
const FIELD_DATA = new RegExp({{ data_json|safe }});
const FIELD_CACHE = "redline-field";

workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("/static/"),
  new workbox.strategies.CacheFirst({ cacheName: "redline-static" })
);
// Pages and the data they fetch (a map's points) share one store, so that a page opened without signal
// draws what it drew when it was last opened with signal.
workbox.routing.registerRoute(
  ({ request, url }) => url.origin === self.location.origin && (
    request.mode === "navigate" ? FIELD_PAGES.test(url.pathname) : FIELD_DATA.test(url.pathname)
  ),
  new workbox.strategies.NetworkFirst({ cacheName: FIELD_CACHE, networkTimeoutSeconds: 6 })
);

// Stored at install: the district's base map and the map scripts, so that the map draws without signal.
const PRECACHE = {{ precache_json|safe }};
self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open("redline-static").then((cache) => Promise.all(
    PRECACHE.map((u) => cache.add(u).catch(() => null))
  )));
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "warm" && Array.isArray(data.urls)) {
    // The day's pages, fetched while there is signal, so they open in a plant room without it.
    event.waitUntil(caches.open(FIELD_CACHE).then((cache) => Promise.all(
      data.urls.map((u) => fetch(u, { credentials: "same-origin" }).then((r) => (r.ok ? cache.put(u, r) : null)).catch(() => null))
    )));
  }
  if (data.type === "clear") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))));
  }
});
