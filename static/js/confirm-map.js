// The small map on the "confirm the new position" page: reads its point from data attributes
// (no inline script: the Content-Security-Policy forbids them). Without Leaflet or tiles the
// page still shows the coordinates in words.
(function () {
  "use strict";
  var box = document.getElementById("confirm-map");
  if (!box || typeof L === "undefined") { return; }
  var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
  if (!isFinite(lat) || !isFinite(lon)) { return; }
  var map = L.map(box, { scrollWheelZoom: false, maxZoom: 18 }).setView([lat, lon], 15);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution || "" }).addTo(map);
  }
  L.marker([lat, lon], { keyboard: false, title: "New position" }).addTo(map);
})();
