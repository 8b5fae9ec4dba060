/* Markers and popups for the results map.
 *
 * The map itself (Leaflet, tiles, an empty marker cluster) is made by /map/base.js, built once
 * by folium, which names it in window.finderMap. The results come from the page's JSON block
 * (<script type="application/json" id="map-data">); every text from a listing is placed with
 * textContent or as a DOM property, never as HTML.
 */
(function () {
  "use strict";

  var holder = document.getElementById("map-data");
  if (!holder || !window.finderMap || !window.L) {
    return;
  }
  var data = JSON.parse(holder.textContent);
  var map = window.finderMap.map;
  var cluster = window.finderMap.cluster;

  function km(value) {
    return (value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en-AU")) + " km";
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function centerPopup(center) {
    var box = element("div", null, "map-popup");
    box.appendChild(element("strong", center.name));
    box.appendChild(element("p", km(center.distance_km) + " away, in " + center.locality));
    var link = element("a", "Details of this center");
    link.href = center.url;
    box.appendChild(link);
    return box;
  }

  var points = [];
  if (data.origin) {
    var here = [data.origin.lat, data.origin.lon];
    L.circleMarker(here, {radius: 9, color: "#a11d2b", weight: 3, fillOpacity: 0.6})
      .bindPopup(element("p", "Your place: " + data.origin.label))
      .addTo(map);
    points.push(here);
  }
  data.centers.forEach(function (center, index) {
    var where = [center.lat, center.lon];
    var marker = L.marker(where, {
      title: (index + 1) + ". " + center.name,
      alt: (index + 1) + ". " + center.name + ", " + km(center.distance_km),
    });
    marker.bindPopup(centerPopup(center));
    cluster.addLayer(marker);
    points.push(where);
  });

  if (points.length > 1) {
    map.fitBounds(points, {padding: [30, 30], maxZoom: 12, animate: false});
  } else if (points.length === 1) {
    map.setView(points[0], 9, {animate: false});
  }
})();
