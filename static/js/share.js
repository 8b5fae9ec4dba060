/* "Copy link" and "Print the shortlist" on the results page. Both buttons stay hidden
 * without JavaScript; the address bar and the browser's print command still work. */
(function () {
  "use strict";

  var copy = document.getElementById("copy-link");
  var print = document.getElementById("print-list");
  var status = document.getElementById("copy-status");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function copyWithSelection(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(field);
    return done;
  }

  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var link = window.location.href;
      var fallback = function () {
        say(copyWithSelection(link) ? "Link copied." : "Copy this link from the address bar: " + link);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(function () { say("Link copied."); }, fallback);
      } else {
        fallback();
      }
    });
  }
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
