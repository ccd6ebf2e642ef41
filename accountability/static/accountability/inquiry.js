// The record of inquiry, question by question: "add a question" appends a blank pair from the page's
// template, so that the officer types the record as the paper form has it (问/答).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-exchange-add]");
    if (!add) { return; }
    var fieldset = add.closest("fieldset");
    var list = fieldset.querySelector("[data-exchange-list]");
    var row = fieldset.querySelector("template[data-exchange-template]").content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    row.querySelector("textarea").focus();
  });
})();
