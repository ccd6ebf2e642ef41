// Assessment forms: show only the factor fields of the chosen method (LEC: L, E, C; matrix: L, S).
(function () {
  "use strict";
  function update(form) {
    var checked = form.querySelector("input[type=radio][name$='method']:checked");
    var method = checked ? checked.value : "";
    form.querySelectorAll("select[name$='lec_l'], select[name$='lec_e'], select[name$='lec_c'], select[name$='ls_l'], select[name$='ls_s']").forEach(function (select) {
      var forLec = /lec_[lec]$/.test(select.name);
      var show = (method === "lec" && forLec) || (method === "ls" && !forLec);
      var wrapper = select.closest(".mb-3") || select;
      wrapper.hidden = !show;
    });
  }
  document.querySelectorAll("[data-assessment]").forEach(function (root) {
    var form = root.closest("form") || root;
    update(form);
    form.addEventListener("change", function (event) {
      if (event.target.name && /method$/.test(event.target.name)) { update(form); }
    });
  });
})();
