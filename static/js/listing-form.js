// The listing editor: a search box that narrows the language list, and the two
// "we confirm this listing is current" boxes (top and bottom) kept in step.
(function () {
  "use strict";
  var search = document.getElementById("language-search");
  if (search) {
    search.parentElement.hidden = false;
    search.addEventListener("input", function () {
      var wanted = search.value.trim().toLowerCase();
      document.querySelectorAll(".language-list [data-language]").forEach(function (row) {
        var box = row.querySelector("input");
        row.hidden = wanted !== "" && !box.checked && row.dataset.language.indexOf(wanted) === -1;
      });
    });
  }
  var boxes = document.querySelectorAll("[data-confirm-current]");
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      boxes.forEach(function (other) { other.checked = box.checked; });
    });
  });
})();
