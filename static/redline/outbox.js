// The field app's outbox: captures made without signal, kept in IndexedDB (through idb) until they are sent.
// One store for the two scripts that read it: the field pages' queue (inspections/static/…/offline.js) and
// the logout guard of every page (redline.js loads this file, and idb, only when someone logs out).
(function () {
  "use strict";
  if (!window.idb || !window.indexedDB || window.redlineOutbox) { return; }
  var NAME = "redline-field";
  var opened = null;

  function db() {
    if (!opened) {
      opened = window.idb.openDB(NAME, 1, {
        upgrade: function (d) { d.createObjectStore("outbox", { keyPath: "id" }); }
      });
    }
    return opened;
  }
  // Every entry, oldest first: pending ones, and conflicts and refusals still to resolve.
  function all() {
    return db().then(function (d) { return d.getAll("outbox"); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.created - b.created; });
    });
  }
  // What logging out would lose. A browser that never opened a field page has no outbox: it is not
  // created just to be counted.
  function count() {
    var known = window.indexedDB.databases ? window.indexedDB.databases() : Promise.resolve(null);
    return known.then(function (list) {
      if (list && !opened && !list.some(function (d) { return d.name === NAME; })) { return 0; }
      return all().then(function (rows) { return rows.length; });
    });
  }
  window.redlineOutbox = { db: db, all: all, count: count };
})();
