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
  // A cluster is a button naming how many centers it holds ("3 centers"), not a bare digit.
  cluster.options.iconCreateFunction = function (group) {
    var count = group.getChildCount();
    var icon = L.divIcon({
      html: "<div><span aria-hidden=\"true\">" + count + "</span></div>",
      className: "marker-cluster marker-cluster-small",
      iconSize: L.point(40, 40),
    });
    return icon;
  };
  cluster.on("animationend", nameClusters);
  map.on("zoomend", nameClusters);

  function nameClusters() {
    document.querySelectorAll(".marker-cluster").forEach(function (node) {
      var count = node.textContent.trim();
      node.setAttribute("aria-label", count + " centers");
      node.title = count + " centers";
    });
  }

  function km(value) {
    if (value === null || value === undefined) {
      return "";
    }
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
    box.appendChild(element("p", center.distance_km === null ? center.locality :
      km(center.distance_km) + " away, in " + center.locality));
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
      .bindTooltip(element("span", "You: " + data.origin.label), {permanent: true, direction: "right"})
      .addTo(map);
    points.push(here);
  }
  data.centers.forEach(function (center, index) {
    var where = [center.lat, center.lon];
    var label = (index + 1) + ". " + center.name + (center.distance_km === null ? "" : ", " + km(center.distance_km));
    var marker = L.marker(where, {
      title: (index + 1) + ". " + center.name,
      alt: label,
      // the number as in the list; the label comes from `title`, the digit is a text node
      icon: L.divIcon({className: "numbered-marker", html: "", iconSize: [30, 30], iconAnchor: [15, 15]}),
    });
    marker.on("add", function () {
      var node = marker.getElement();
      if (node) {
        node.textContent = String(index + 1);
        node.setAttribute("aria-label", label);
      }
    });
    marker.bindPopup(centerPopup(center));
    cluster.addLayer(marker);
    points.push(where);
  });

  nameClusters();
  if (points.length > 1) {
    map.fitBounds(points, {padding: [30, 30], maxZoom: 12, animate: false});
  } else if (points.length === 1) {
    map.setView(points[0], 9, {animate: false});
  }
})();
