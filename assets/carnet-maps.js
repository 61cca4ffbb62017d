// Draws every interactive map of the page with the Leaflet copy served by
// the site itself, over OpenStreetMap tiles. Pop-ups are built from DOM
// nodes and textContent: a value from the data is shown as text, never
// read as HTML. Until a map is drawn (or if scripts are off), its static
// image stays visible; print always uses the static image.
(function () {
  "use strict";

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var TILE_CREDIT = "&copy; les contributeurs " +
    "<a href=\"https://www.openstreetmap.org/copyright\">d'OpenStreetMap</a>";
  var OUTLINE_STYLE = {
    color: "#555555", weight: 2, fill: true,
    fillColor: "#f3f1ea", fillOpacity: 0.25
  };

  function readJson(container, className) {
    var node = container.querySelector(
      "script[type='application/json']." + className
    );
    return node ? JSON.parse(node.textContent) : null;
  }

  function safeHttpUrl(value) {
    if (typeof value !== "string") {
      return null;
    }
    try {
      var url = new URL(value);
      if (url.protocol === "http:" || url.protocol === "https:") {
        return url.href;
      }
    } catch (error) {
      return null;
    }
    return null;
  }

  function popupContent(feature, config) {
    var box = document.createElement("div");
    var values = feature.properties.popup || {};
    config.popup_labels.forEach(function (label, position) {
      var value = values[label];
      if (value === null || value === undefined || value === "") {
        return;
      }
      var line = document.createElement(position === 0 ? "strong" : "div");
      if (position > 0) {
        var name = document.createElement("span");
        name.className = "carnet-map-label";
        name.textContent = label + " : ";
        line.appendChild(name);
      }
      line.appendChild(document.createTextNode(String(value)));
      box.appendChild(line);
    });
    var href = safeHttpUrl(feature.properties.link);
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.rel = "noopener noreferrer";
      link.textContent = config.link_label;
      var holder = document.createElement("div");
      holder.appendChild(link);
      box.appendChild(holder);
    }
    return box;
  }

  function markerTitle(feature, config) {
    var first = config.popup_labels[0];
    var value = first ? feature.properties.popup[first] : "";
    return value === null || value === undefined ? "" : String(value);
  }

  function drawMap(container) {
    var target = container.querySelector(".carnet-leaflet");
    var points = readJson(container, "carnet-map-points");
    var config = readJson(container, "carnet-map-config");
    if (!target || !points || !config || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    // The map needs a visible, sized container before Leaflet measures it.
    container.classList.add("carnet-drawn");
    var map = L.map(target, { scrollWheelZoom: false });
    L.tileLayer(TILES, { maxZoom: 19, attribution: TILE_CREDIT })
      .addTo(map);

    var layers = [];
    if (config.outline) {
      layers.push(L.geoJSON(config.outline, {
        style: OUTLINE_STYLE, interactive: false
      }).addTo(map));
    }
    var markers = L.geoJSON(points, {
      pointToLayer: function (feature, latlng) {
        var title = markerTitle(feature, config);
        return L.marker(latlng, { title: title, alt: title });
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popupContent(feature, config));
      }
    }).addTo(map);
    layers.push(markers);

    // Frame the monuments; the outline alone frames an empty map.
    var bounds = markers.getBounds();
    if (!bounds.isValid()) {
      bounds = L.featureGroup(layers).getBounds();
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
  }

  function drawAll() {
    document.querySelectorAll(".carnet-map").forEach(function (container) {
      try {
        drawMap(container);
      } catch (error) {
        container.classList.remove("carnet-drawn");
        console.warn("Carte non dessinée, image fixe conservée :", error);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
