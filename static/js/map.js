// The optional map pin of a location form (market/templates/places/_location.html).
// Loaded only when MAP_TILE_URL is set; without it (or without JS) the latitude and
// longitude fields are typed by hand or left empty for the subdistrict's centre.
(function () {
  "use strict";
  var island = document.getElementById("map-data");
  if (!island || !window.L) { return; }
  var cfg = JSON.parse(island.textContent);
  if (!cfg.tiles) { return; }

  function districtCentre() {
    var codes = Object.keys(cfg.places), lat = 0, lon = 0;
    if (!codes.length) { return [0, 0]; }
    codes.forEach(function (c) { lat += cfg.places[c][0]; lon += cfg.places[c][1]; });
    return [lat / codes.length, lon / codes.length];
  }

  document.querySelectorAll("[data-map]").forEach(function (box) {
    var lat = document.getElementById(box.dataset.lat);
    var lon = document.getElementById(box.dataset.lon);
    var sub = document.getElementById(box.dataset.subdistrict);
    if (!lat || !lon) { return; }

    function centre() {
      if (lat.value && lon.value && !isNaN(lat.value) && !isNaN(lon.value)) {
        return [parseFloat(lat.value), parseFloat(lon.value)];
      }
      return (sub && cfg.places[sub.value]) || districtCentre();
    }

    box.hidden = false;
    var map = L.map(box).setView(centre(), 15);
    L.tileLayer(cfg.tiles, { maxZoom: 19 }).addTo(map);
    var marker = L.marker(centre(), { draggable: true }).addTo(map);

    function pin(where) {
      marker.setLatLng(where);
      lat.value = where.lat.toFixed(6);
      lon.value = where.lng.toFixed(6);
    }
    map.on("click", function (e) { pin(e.latlng); });
    marker.on("dragend", function () { pin(marker.getLatLng()); });
    if (sub) {
      sub.addEventListener("change", function () {
        var c = cfg.places[sub.value];
        if (!c) { return; }
        lat.value = "";  // a new subdistrict: its centre, until pinned again
        lon.value = "";
        map.setView(c, 15);
        marker.setLatLng(c);
      });
    }
    var details = box.closest("details");
    if (details) {
      details.addEventListener("toggle", function () { map.invalidateSize(); });
    }
  });
})();
