/* The search form, enhanced: autocomplete on the location and drug fields (the WAI-ARIA
 * combobox pattern with a listbox popup: arrow keys move through the options, Enter picks one,
 * Escape closes the list) and a "use my location" button. Without JavaScript, or when the
 * browser refuses to share the location, the plain form still works.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_CHARS = 2;

  function optionText(item) {
    if (item.label) {  // a place
      return {label: item.label, value: item.label};
    }
    var label = item.matched && item.matched.toLowerCase() !== item.name.toLowerCase()
      ? item.matched + " (" + item.name + ")" : item.name;
    return {label: label + ": " + item["class"].name.toLowerCase(), value: item.matched || item.name};
  }

  function combobox(input) {
    var url = input.getAttribute("data-autocomplete");
    var wrapper = document.createElement("div");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var values = [];
    var active = -1;
    var timer = null;
    var ticket = 0;

    wrapper.className = "combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    list.id = input.id + "-options";
    list.className = "combobox-options";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = document.querySelector("label[for='" + input.id + "']");
    list.setAttribute("aria-label", (label ? label.textContent : input.name) + " suggestions");
    wrapper.appendChild(list);
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({block: "nearest"});
    }

    function show(items) {
      list.textContent = "";
      values = [];
      items.forEach(function (item, i) {
        var text = optionText(item);
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = text.label;
        option.dataset.index = String(i);
        values.push(text.value);
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = items.length
        ? items.length + " suggestion" + (items.length === 1 ? "" : "s") + ": use the up and down arrows"
        : "";
    }

    function choose(index) {
      input.value = values[index];
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }

    function fetchOptions() {
      var query = input.value.trim();
      var mine = ++ticket;
      if (query.length < MIN_CHARS) {
        show([]);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(query), {headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (mine === ticket && document.activeElement === input) {
            show(body ? (body.places || body.matches || []) : []);
          }
        })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchOptions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          if (values.length) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else {
            fetchOptions();
          }
          return;
        }
        highlight(event.key === "ArrowDown" ? active + 1 : (active < 0 ? -1 : active - 1));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();  // pick the option; the next Enter submits the form
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 200);  // a click on an option lands first
    });
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep the focus in the field
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        choose(Number(option.dataset.index));
        input.focus();
      }
    });
  }

  function useMyLocation() {
    var button = document.getElementById("use-location");
    var status = document.getElementById("geo-status");
    var field = document.getElementById("location");
    var lat = document.getElementById("lat");
    var lon = document.getElementById("lon");
    if (!button || !status || !field || !lat || !lon) {
      return;
    }
    field.addEventListener("input", function () {  // typed text wins over old coordinates
      lat.value = "";
      lon.value = "";
    });
    if (!("geolocation" in navigator)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Asking your browser for your location…";
      navigator.geolocation.getCurrentPosition(function (position) {
        // Three decimals (about 100 m) is enough to find the nearest centers.
        var latitude = position.coords.latitude.toFixed(3);
        var longitude = position.coords.longitude.toFixed(3);
        lat.value = latitude;
        lon.value = longitude;
        field.value = latitude + ", " + longitude;
        status.textContent = "Location found. Press Find centers to search near it.";
      }, function (error) {
        var why = error && error.code === 1 ? "you did not allow it" : "it is not available";
        status.textContent = "We could not use your location (" + why + "). " +
          "Type your town, suburb or postcode instead.";
        field.focus();
      }, {timeout: 10000, maximumAge: 600000});
    });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(combobox);
  useMyLocation();
})();
