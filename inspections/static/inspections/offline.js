// Offline-first field capture. Pages of the day come from the service worker's cache when there is no
// signal; what the inspector captures meanwhile (checklist answers, item photos, hazard reports) is kept in
// IndexedDB (idb) with an idempotency key, shown as "未同步 N", and sent in order when the connection
// returns. The server answers a retry with the first answer (core/idempotency.py), so nothing is
// registered twice; a conflict (409) or a refusal (400) stays listed for the user, never silently dropped.
(function () {
  "use strict";
  if (!window.idb || !window.indexedDB) { return; }
  var box = document.getElementById("offline-queue");
  var dbPromise = window.idb.openDB("redline-field", 1, {
    upgrade: function (db) { db.createObjectStore("outbox", { keyPath: "id" }); }
  });
  var syncing = null;  // the sync in flight, so a second call waits for it instead of racing it

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID().replace(/-/g, ""); }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function text(name, n) {
    var t = (box && box.dataset[name]) || "";
    return t.replace("{n}", n);
  }
  function fields(form, submitter) {
    var out = [];
    new FormData(form, submitter || undefined).forEach(function (value, name) {
      if (value instanceof File) {
        if (value.size) { out.push([name, value, value.name]); }
      } else {
        out.push([name, value]);
      }
    });
    return out;
  }
  function put(entry) {
    return dbPromise.then(function (db) { return db.put("outbox", entry); }).then(render);
  }
  function all() {
    return dbPromise.then(function (db) { return db.getAll("outbox"); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.created - b.created; });
    });
  }
  function remove(id) { return dbPromise.then(function (db) { return db.delete("outbox", id); }); }

  function queue(form, kind, id, submitter) {
    var entry = {
      id: id || kind + ":" + newKey(),
      key: newKey(),
      url: form.getAttribute("hx-post") || form.getAttribute("action") || window.location.pathname,
      kind: kind,
      fields: fields(form, submitter),
      created: Date.now(),
      state: "pending",
      message: ""
    };
    return put(entry);
  }

  function render() {
    if (!box) { return Promise.resolve(); }
    return all().then(function (rows) {
      var pending = rows.filter(function (r) { return r.state === "pending"; }).length;
      var problems = rows.filter(function (r) { return r.state !== "pending"; });
      box.querySelector("[data-role=count]").textContent = pending ? text("unsynced", pending) : (navigator.onLine ? "" : text("offline"));
      var list = box.querySelector("[data-role=problems]");
      list.innerHTML = "";
      problems.forEach(function (r) {
        var li = document.createElement("li");
        li.dataset.testid = "offline-problem";
        li.textContent = (r.state === "conflict" ? text("conflict") : text("refused") + " " + r.message) + " ";
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "btn btn-link btn-sm p-0 align-baseline";
        drop.textContent = text("discard");
        drop.addEventListener("click", function () { remove(r.id).then(render); });
        li.appendChild(drop);
        list.appendChild(li);
      });
      box.classList.toggle("d-none", !pending && !problems.length && navigator.onLine);
      box.dataset.pending = String(pending);
      reapply(rows);
    });
  }

  // After a reload without signal the page comes from the cache: show the answers given since.
  function reapply(rows) {
    rows.forEach(function (r) {
      if (r.kind !== "answer" || r.state !== "pending") { return; }
      var form = document.querySelector("form[hx-post='" + r.url + "']");
      if (!form) { return; }
      r.fields.forEach(function (f) {
        if (f[0] === "result") {
          var radio = form.querySelector("input[name=result][value='" + f[1] + "']");
          if (radio) { radio.checked = true; }
        }
        if (f[0] === "note") {
          var note = form.querySelector("textarea[name=note]");
          if (note && document.activeElement !== note) { note.value = f[1]; }
        }
      });
    });
  }

  function send(entry) {
    var body = new FormData();
    entry.fields.forEach(function (f) {
      if (f.length === 3) { body.append(f[0], f[1], f[2]); } else { body.append(f[0], f[1]); }
    });
    var csrf = (entry.fields.filter(function (f) { return f[0] === "csrfmiddlewaretoken"; })[0] || [])[1] || "";
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Idempotency-Key": entry.key, "X-CSRFToken": csrf, "HX-Request": "true" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.ok) { return remove(entry.id); }
      if (response.status === 409) { entry.state = "conflict"; return put(entry); }
      if (response.status >= 400 && response.status < 500) {
        return response.text().then(function (t) {
          var el = document.createElement("div");
          el.innerHTML = t;
          var alert = el.querySelector("[role=alert], .invalid-feedback, [data-testid=field-error]");
          entry.state = "refused";
          entry.message = alert ? alert.textContent.trim().slice(0, 200) : String(response.status);
          return put(entry);
        });
      }
      throw new Error("server " + response.status); // 5xx: keep it and try again later
    });
  }

  function sync() {
    if (syncing) { return syncing; }
    if (!navigator.onLine) { return Promise.resolve(); }
    syncing = all().then(function (rows) {
      var pending = rows.filter(function (r) { return r.state === "pending"; });
      return pending.reduce(function (chain, entry) { return chain.then(function () { return send(entry); }); }, Promise.resolve());
    }).catch(function () { /* the connection dropped again: the rest stays queued */ })
      .then(function () { syncing = null; return render(); });
    return syncing;
  }

  // Checklist answers and photos (HTMX forms): without signal they go to the queue instead.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine) { return; }
    var form = event.target.closest && event.target.closest("form[data-autosave], form[data-photo-form]");
    if (!form || !form.getAttribute("hx-post") || form.getAttribute("hx-post").indexOf("/items/") < 0) { return; }
    event.preventDefault();
    var answer = form.hasAttribute("data-autosave");
    queue(form, answer ? "answer" : "photo", answer ? "answer:" + form.getAttribute("hx-post") : null).then(function () {
      var status = document.querySelector(form.getAttribute("hx-target"));
      if (status && answer) { status.textContent = text("queued"); }
      if (!answer) {
        var target = document.querySelector(form.getAttribute("hx-target"));
        if (target) {
          var note = document.createElement("div");
          note.className = "small text-warning";
          note.dataset.testid = "photo-queued";
          note.textContent = text("queued");
          target.appendChild(note);
        }
        form.reset();
      }
    });
  });

  // The hazard form: offline, it is kept whole (photos included) and the form is emptied for the next one.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-queue]")) { return; }
    if (navigator.onLine) {
      // Online too, a double tap or a retried post registers one hazard.
      if (!form.querySelector("input[name=idempotency_key]")) {
        var key = document.createElement("input");
        key.type = "hidden";
        key.name = "idempotency_key";
        key.value = newKey();
        form.appendChild(key);
      }
      return;
    }
    event.preventDefault();
    queue(form, "hazard", null, event.submitter).then(function () {
      form.reset();
      window.scrollTo(0, 0);
      var done = document.createElement("div");
      done.className = "alert alert-success py-2 small";
      done.setAttribute("role", "status");
      done.dataset.testid = "hazard-queued";
      done.textContent = text("queued");
      form.parentNode.insertBefore(done, form);
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // The day's pages: this page's links to tasks and inspections, and the hazard form.
      var urls = ["/hazards/new/", window.location.pathname];
      document.querySelectorAll("a[href^='/inspections/tasks/'], a[href^='/inspections/records/']").forEach(function (a) {
        var href = a.getAttribute("href").split("#")[0];
        if (/\/\d+\/$/.test(href) && urls.indexOf(href) < 0 && urls.length < 40) { urls.push(href); }
      });
      if (registration.active && navigator.onLine) { registration.active.postMessage({ type: "warm", urls: urls }); }
    }).catch(function () {});
  }
  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  window.setInterval(sync, 20000);
  document.addEventListener("DOMContentLoaded", function () { render().then(sync); });
  window.redlineOffline = { sync: sync, count: function () { return all().then(function (r) { return r.length; }); } };
})();
