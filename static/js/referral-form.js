// The referral form's progressive enhancement: add and remove reaction fieldsets, move focus
// to the list of problems, and send the browser's date. Without JavaScript the "Add another
// reaction" button asks the server for the form with one more fieldset.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // The user's own date, so the letter is dated where they are, not where the server is.
  var today = document.getElementById("client-today");
  if (today) {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    today.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  var list = document.getElementById("reaction-list");
  var template = document.getElementById("reaction-template");
  var addButton = document.getElementById("add-reaction");
  var status = document.getElementById("reaction-status");
  if (!list || !template || !addButton) return;
  var max = parseInt(list.getAttribute("data-max"), 10) || 20;

  function fieldsets() { return list.querySelectorAll("fieldset.reaction"); }

  function nextIndex() {
    var highest = -1;
    fieldsets().forEach(function (set) {
      highest = Math.max(highest, parseInt(set.getAttribute("data-index"), 10));
    });
    return highest + 1;
  }

  // Legends and button names follow the order shown; field names keep their index.
  function refresh() {
    var sets = fieldsets();
    sets.forEach(function (set, position) {
      set.querySelectorAll(".reaction-number").forEach(function (span) {
        span.textContent = String(position + 1);
      });
      var remove = set.querySelector(".remove-reaction");
      remove.hidden = sets.length < 2;
    });
    addButton.hidden = false;
    addButton.disabled = sets.length >= max;
  }

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  addButton.addEventListener("click", function (event) {
    event.preventDefault();  // without JavaScript the server adds the fieldset instead
    if (fieldsets().length >= max) return;
    var index = String(nextIndex());
    // The template holds only our own markup with empty values: safe to rewrite as text.
    var html = template.innerHTML.split("__i__").join(index).split("__n__").join("0");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var set = holder.querySelector("fieldset.reaction");
    list.appendChild(set);
    refresh();
    announce("Reaction " + fieldsets().length + " added.");
    set.querySelector("input[type=text]").focus();
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-reaction");
    if (!button) return;
    var set = button.closest("fieldset.reaction");
    var number = set.querySelector(".reaction-number").textContent;
    set.remove();
    refresh();
    announce("Reaction " + number + " removed.");
    addButton.focus();
  });

  refresh();
})();
