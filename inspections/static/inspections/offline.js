// Offline-first field capture. Pages of the day come from the service worker's cache when there is no
// signal; what the inspector captures meanwhile (checklist answers, item photos, hazard reports) is kept in
// IndexedDB (idb) with an idempotency key, shown as "未同步 N", and sent in order when the connection
// returns. The server answers a retry with the first answer (core/idempotency.py), so nothing is
// registered twice; a conflict (409) or a refusal (400) stays listed for the user, never silently dropped.
(function () {
  "use strict";
  var outbox = window.redlineOutbox;  // static/redline/outbox.js: absent without IndexedDB
  if (!outbox) { return; }
  var box = document.getElementById("offline-queue");
  var dbPromise = outbox.db();
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
  var all = outbox.all;
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
        li.textContent = (r.state === "conflict" ? text("conflict") : text("refused")) + " " + (r.message || "") + " ";
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

  // After a reload without signal the page comes from the cache: show the answers given since, the
  // newest answer time each item is known by, and any conflict still to resolve.
  function reapply(rows) {
    freshTokens();
    rows.forEach(function (r) {
      if (r.kind === "start" && r.state === "pending") { showStarted(r.url); }
      if (r.kind === "details" && r.state === "pending") { refill(r); }
      if (r.kind === "finish" && r.state === "pending") { showFinished(r.url); }
      if (r.kind !== "answer" || (r.state !== "pending" && r.state !== "conflict")) { return; }
      var form = document.querySelector("form[hx-post='" + r.url + "']");
      if (!form) { return; }
      if (r.state === "conflict" && r.conflict) { showConflict(form, r.conflict); }
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

  // The place and people typed without signal, back in their form after a reload.
  function refill(entry) {
    var form = document.querySelector("form[hx-post='" + entry.url + "']");
    if (!form) { return; }
    entry.fields.forEach(function (f) {
      var el = form.elements[f[0]];
      if (el && el.type !== "hidden" && el.type !== "file" && document.activeElement !== el) { el.value = f[1]; }
    });
  }

  // An inspection started without signal: the start is queued, and the checklist, already on the task page,
  // is answered at the task's addresses; the queue sends the start first (oldest first) when the signal
  // returns, then the answers.
  function showStarted(url) {
    var form = document.querySelector("form[data-offline-start][action='" + url + "']");
    var panel = document.getElementById("offline-start");
    if (!form || !panel) { return; }
    form.hidden = true;
    panel.hidden = false;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-start]") || navigator.onLine) { return; }
    event.preventDefault();
    form.querySelector("input[name=started_at]").value = new Date().toISOString();
    var url = form.getAttribute("action");
    queue(form, "start", "start:" + url).then(function () { showStarted(url); });
  });

  // Finishing without signal (issue 20): 完成检查 opens the finish on this page instead of the server's page.
  // The failed items' hazards are confirmed here, and the finish is queued with the answers it stands on
  // (seen-<item>), sent after every other capture. The server refuses it (409) if its answers differ.
  function finishPanel() { return document.getElementById("offline-finish"); }
  function finishForm() { var p = finishPanel(); return p && p.querySelector("form[data-offline-finish]"); }
  function answers() {
    var out = [];
    document.querySelectorAll("[data-field-forms] form[data-autosave][hx-post*='/items/']").forEach(function (form) {
      var match = /\/items\/(\d+)\/$/.exec(form.getAttribute("hx-post"));
      if (!match) { return; }
      var chosen = form.querySelector("input[name=result]:checked:not([disabled])") || form.querySelector("input[type=hidden][name=result]") || form.querySelector("input[name=result]:checked");
      var note = form.querySelector("textarea[name=note]");
      out.push({ id: match[1], result: chosen ? chosen.value : "pending", note: note ? note.value : "", number: form.closest("[data-item-number]").dataset.itemNumber });
    });
    return out;
  }
  function openFinish() {
    var panel = finishPanel();
    answers().forEach(function (a) {
      var set = panel.querySelector("[data-finish-item='" + a.id + "']");
      if (!set) { return; }
      set.hidden = set.disabled = a.result !== "fail";
      set.querySelector("textarea").placeholder = a.note;
    });
    panel.hidden = false;
    panel.scrollIntoView();
  }
  function finishProblem(form) {
    var panel = finishPanel();
    if (form.elements.not_operating.checked) { return ""; }
    var open = answers().filter(function (a) { return a.result === "pending"; }).map(function (a) { return a.number; });
    if (open.length) { return panel.dataset.pendingText.replace("{numbers}", open.join("、")); }
    var place = document.querySelector("[data-field-forms] [name=place]");
    return place && !place.value.trim() ? panel.dataset.placeText : "";
  }
  function showFinished(url, sent) {
    var form = finishForm(), panel = finishPanel();
    if (!form || form.getAttribute("action") !== url) { return; }
    panel.hidden = false;
    form.hidden = true;
    panel.querySelector("[data-role=queued]").hidden = false;
    if (sent) {
      panel.querySelector("[data-role=queued-text]").textContent = panel.dataset.sentText;
      panel.querySelector("[data-role=withdraw]").hidden = true;
    }
    document.querySelectorAll("[data-field-forms]").forEach(function (el) { el.inert = true; });
    document.querySelectorAll("[data-finish-link]").forEach(function (el) { el.hidden = true; });
  }
  function withdraw() {
    var form = finishForm(), panel = finishPanel();
    remove("finish:" + form.getAttribute("action")).then(function () {
      form.hidden = false;
      panel.querySelector("[data-role=queued]").hidden = true;
      document.querySelectorAll("[data-field-forms]").forEach(function (el) { el.inert = false; });
      document.querySelectorAll("[data-finish-link]").forEach(function (el) { el.hidden = false; });
      return render();
    });
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) { return; }
    if (target.closest("[data-finish-link]") && finishForm()) {
      event.preventDefault();
      var href = target.closest("[data-finish-link]").getAttribute("href");
      // With signal, what is still queued goes first, so the server's finish page shows it.
      if (navigator.onLine) { sync().then(function () { window.location.assign(href); }); } else { openFinish(); }
    }
    if (target.closest("#offline-finish [data-role=close]")) { finishPanel().hidden = true; }
    if (target.closest("#offline-finish [data-role=withdraw]")) { withdraw(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-finish]")) { return; }
    event.preventDefault();
    var error = form.querySelector("[data-role=error]");
    var problem = finishProblem(form);
    error.textContent = problem;
    error.hidden = !problem;
    if (problem) { error.scrollIntoView(); return; }
    var seen = form.querySelector("[data-role=seen]");
    seen.innerHTML = "";
    answers().forEach(function (a) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "seen-" + a.id;
      input.value = a.result;
      seen.appendChild(input);
    });
    var url = form.getAttribute("action");
    queue(form, "finish", "finish:" + url).then(function () { showFinished(url); return sync(); });
  });

  // Conflicts (issue 20): each answer carries the server's `updated_at` it was based on (`based_on`). A
  // changed answer comes back 409 with both answers; the inspector keeps theirs or takes the server's.
  function tokenKey(url) { return "redline-answer-read:" + url; }
  function remember(url, token) {
    if (!token) { return; }
    try { window.localStorage.setItem(tokenKey(url), token); } catch (e) { /* storage full or off */ }
  }
  function formToken(form) { return form && form.querySelector("input[name=based_on]"); }
  function freshTokens() {
    // A page from the cache may be older than the answers saved since: use the newest time known.
    document.querySelectorAll("form[data-autosave][hx-post*='/items/']").forEach(function (form) {
      var input = formToken(form), known = null;
      try { known = window.localStorage.getItem(tokenKey(form.getAttribute("hx-post"))); } catch (e) { known = null; }
      if (input && known && Date.parse(known) > Date.parse(input.value || 0)) { input.value = known; }
    });
  }
  function tokenFrom(html, form) {
    var el = document.createElement("div");
    el.innerHTML = html;
    var fresh = el.querySelector("input[name=based_on]");
    var input = formToken(form);
    if (fresh && input) { input.value = fresh.value; }
    return fresh ? fresh.value : "";
  }
  function statusOf(form) { return document.querySelector(form.getAttribute("hx-target")); }
  function showConflict(form, html) {
    var status = statusOf(form);
    if (status && !status.querySelector("[data-conflict]")) { status.innerHTML = html; }
  }
  function entryFor(url) {
    return dbPromise.then(function (db) { return db.get("outbox", "answer:" + url); });
  }
  function choose(button) {
    var panel = button.closest("[data-conflict]");
    var status = panel.parentNode;
    var form = document.querySelector("form[data-autosave][hx-target='#" + status.id + "']");
    if (!form) { return; }
    var url = form.getAttribute("hx-post");
    var input = formToken(form);
    if (input) { input.value = panel.dataset.token; }  // the server's answer is now the one read
    remember(url, panel.dataset.token);
    var mine = button.dataset.conflictChoice === "mine";
    if (!mine) {
      var radio = form.querySelector("input[name=result][value='" + panel.dataset.result + "']");
      if (radio) { radio.checked = true; }
      var note = form.querySelector("textarea[name=note]");
      if (note) { note.value = panel.dataset.note || ""; }
    }
    status.textContent = mine ? "" : text("taken");
    entryFor(url).then(function (entry) { return entry ? remove(entry.id) : null; }).then(function () {
      // Keep mine: sent again (or queued again without signal), now based on the server's answer.
      if (mine && window.htmx) { window.htmx.trigger(form, "change"); }
      return render();
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-conflict-choice]");
    if (button) { choose(button); }
  });
  // Online, a 409 of the autosave is shown like an offline one (htmx leaves error answers unswapped).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    var form = elt && elt.closest && elt.closest("form[data-autosave]");
    if (form && event.detail.xhr && event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosave][hx-post*='/items/']");
    if (form && event.detail.successful) { remember(form.getAttribute("hx-post"), (formToken(form) || {}).value); }
  });

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
      var form = document.querySelector("form[hx-post='" + entry.url + "']");
      if (entry.kind === "answer" && (response.ok || response.status === 409)) {
        return response.text().then(function (html) {
          if (response.ok) {
            remember(entry.url, tokenFrom(html, form));
            return remove(entry.id);
          }
          entry.state = "conflict";
          entry.conflict = html;
          if (form) { showConflict(form, html); }
          return put(entry);
        });
      }
      if (response.type === "opaqueredirect" || response.ok) {
        if (entry.kind === "finish") { showFinished(entry.url, true); }
        return remove(entry.id);
      }
      if (response.status >= 400 && response.status < 500) {
        return response.text().then(function (t) {
          var el = document.createElement("div");
          el.innerHTML = t;
          var alert = el.querySelector("[role=alert], .invalid-feedback, [data-testid=field-error]");
          entry.state = response.status === 409 ? "conflict" : "refused";
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
      // The start before what was captured in it, the finish after everything it stands on.
      var rank = function (r) { return r.kind === "start" ? 0 : r.kind === "finish" ? 2 : 1; };
      var pending = rows.filter(function (r) { return r.state === "pending"; })
        .sort(function (a, b) { return rank(a) - rank(b) || a.created - b.created; });
      return pending.reduce(function (chain, entry) { return chain.then(function () { return send(entry); }); }, Promise.resolve());
    }).catch(function () { /* the connection dropped again: the rest stays queued */ })
      .then(function () { syncing = null; return render(); });
    return syncing;
  }

  // Checklist answers, photos and the place and people (HTMX forms): without signal they go to the queue
  // instead; the newest answer of an item, and the newest details, replace the ones queued before.
  function captureKind(form) {
    var url = form.getAttribute("hx-post") || "";
    if (/\/details\/$/.test(url)) { return "details"; }
    if (url.indexOf("/items/") < 0) { return ""; }
    return form.hasAttribute("data-autosave") ? "answer" : "photo";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine) { return; }
    var form = event.target.closest && event.target.closest("form[data-autosave], form[data-photo-form]");
    var kind = form ? captureKind(form) : "";
    if (!kind) { return; }
    event.preventDefault();
    var answer = kind !== "photo";
    queue(form, kind, answer ? kind + ":" + form.getAttribute("hx-post") : null).then(function () {
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

  // Logging out with captures not yet sent asks first: the shell does it on every page (redline.js).

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
  window.redlineOffline = { sync: sync, count: outbox.count };
})();
