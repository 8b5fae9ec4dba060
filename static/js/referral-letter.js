// The result page: names typed into the letter stay in this browser. Each field fills the
// matching blanks of the printed letter; the doctor's details may be remembered in local
// storage ("Forget me" removes them), the patient's only for this tab (session storage).
// Nothing here is ever sent to the server: the fields have no name and sit in no form.
(function () {
  "use strict";

  var DOCTOR_KEY = "referral-doctor";
  var PATIENT_KEY = "referral-patient";
  var inputs = Array.prototype.slice.call(document.querySelectorAll("[data-identity]"));
  var remember = document.getElementById("remember-doctor");
  var forget = document.getElementById("forget-doctor");
  var status = document.getElementById("identity-status");

  function isDoctor(input) { return input.hasAttribute("data-remember"); }

  function fill(input) {
    var key = input.getAttribute("data-identity");
    document.querySelectorAll('[data-fill="' + key + '"]').forEach(function (blank) {
      blank.textContent = input.value;
      blank.classList.toggle("filled", input.value.trim() !== "");
    });
  }

  function values(which) {
    var found = {};
    inputs.filter(which).forEach(function (input) {
      found[input.getAttribute("data-identity")] = input.value;
    });
    return found;
  }

  function read(storage, key) {
    try { return JSON.parse(storage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save() {
    try {
      window.sessionStorage.setItem(PATIENT_KEY, JSON.stringify(values(function (i) { return !isDoctor(i); })));
      if (remember && remember.checked) {
        window.localStorage.setItem(DOCTOR_KEY, JSON.stringify(values(isDoctor)));
      }
    } catch (e) { /* storage refused (private mode): the letter still fills */ }
  }

  var doctor = read(window.localStorage, DOCTOR_KEY);
  var patient = read(window.sessionStorage, PATIENT_KEY);
  if (remember) remember.checked = doctor !== null;
  inputs.forEach(function (input) {
    var stored = isDoctor(input) ? doctor : patient;
    var key = input.getAttribute("data-identity");
    if (stored && typeof stored[key] === "string") input.value = stored[key];
    fill(input);
    input.addEventListener("input", function () { fill(input); save(); });
  });

  if (remember) {
    remember.addEventListener("change", function () {
      if (remember.checked) { save(); } else { window.localStorage.removeItem(DOCTOR_KEY); }
    });
  }
  if (forget) {
    forget.addEventListener("click", function () {
      window.localStorage.removeItem(DOCTOR_KEY);
      inputs.filter(isDoctor).forEach(function (input) { input.value = ""; fill(input); });
      if (remember) remember.checked = false;
      if (status) status.textContent = "The doctor's details are forgotten in this browser.";
    });
  }

  // Print just the letter or just the handout; the browser's own Print gives both.
  function printOnly(part) {
    document.body.classList.add("print-only-" + part);
    window.print();
  }
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("print-only-letter", "print-only-handout");
  });
  [["print-letter", "letter"], ["print-handout", "handout"]].forEach(function (pair) {
    var button = document.getElementById(pair[0]);
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () { printOnly(pair[1]); });
  });
})();
