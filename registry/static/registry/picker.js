// Searchable enterprise picker: a search box above an enterprise <select data-enterprise-picker="URL">.
// The district has thousands of enterprises, so the search runs on the server (name, credit code, pinyin
// initials, within the user's scope); choosing a result sets the <select>, which stays the form's field
// (and works without JavaScript). Choosing an enterprise fills its sector (and town) in the same form.
(function () {
  "use strict";
  var seq = 0;

  function fill(form, name, value) {
    if (!name || !value) { return; }
    var field = form.querySelector("[name='" + name + "']");
    if (!field || field.value === String(value)) { return; }
    if (field.tagName === "SELECT" && !field.querySelector("option[value='" + value + "']")) { return; }
    field.value = String(value);
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choose(select, item) {
    if (!select.querySelector("option[value='" + item.id + "']")) {
      var option = document.createElement("option");
      option.value = item.id;
      option.textContent = item.name;
      select.appendChild(option);
    }
    select.value = String(item.id);
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var form = select.form;
    if (form) {
      fill(form, select.dataset.sectorField, item.sector);
      fill(form, select.dataset.townField, item.town_id);
    }
  }

  function setUp(select) {
    var url = select.dataset.enterprisePicker;
    seq += 1;
    var listId = "picker-list-" + seq;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control mb-1";
    box.autocomplete = "off";
    box.placeholder = select.dataset.pickerLabel || "";
    box.setAttribute("aria-label", select.dataset.pickerLabel || "");
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-controls", listId);
    box.setAttribute("aria-expanded", "false");
    box.dataset.testid = "enterprise-search";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "list-group mb-1 rl-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(list, select);
    var timer = null;
    var last = null;

    function render(results) {
      list.innerHTML = "";
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "list-group-item small text-muted";
        none.textContent = select.dataset.pickerEmpty || "";
        list.appendChild(none);
      }
      results.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.tabIndex = 0;
        li.dataset.id = item.id;
        var name = document.createElement("div");
        name.textContent = item.name;
        var meta = document.createElement("div");
        meta.className = "small text-muted";
        meta.textContent = [item.town, item.credit_code].filter(Boolean).join(" · ");
        li.appendChild(name);
        li.appendChild(meta);
        var pick = function () {
          choose(select, item);
          box.value = item.name;
          list.hidden = true;
          box.setAttribute("aria-expanded", "false");
        };
        li.addEventListener("click", pick);
        li.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
        });
        list.appendChild(li);
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = box.value.trim();
      if (!query) { list.hidden = true; box.setAttribute("aria-expanded", "false"); return; }
      timer = window.setTimeout(function () {
        last = query;
        fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (last === query) { render(data.results || []); } })
          .catch(function () { /* offline: the <select> below still works */ });
      }, 200);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("[role=option]");
        if (first) { event.preventDefault(); first.focus(); }
      }
      if (event.key === "Enter") { event.preventDefault(); }
    });
    // Picked straight from the <select>: its sector and town still follow.
    select.addEventListener("change", function (event) {
      if (!event.isTrusted || !select.value) { return; }
      fetch(url + "?id=" + encodeURIComponent(select.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          var item = (data.results || [])[0];
          if (item && select.form) {
            fill(select.form, select.dataset.sectorField, item.sector);
            fill(select.form, select.dataset.townField, item.town_id);
          }
        })
        .catch(function () {});
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-enterprise-picker]").forEach(setUp);
  });
})();
