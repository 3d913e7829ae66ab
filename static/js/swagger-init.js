// Starts Swagger UI on the API docs page (/api/v1/docs) from the JSON the page embeds in
// #swagger-ui-config: flask-smorest's own page starts it with an inline script, which the
// Content-Security-Policy (script-src 'self') blocks.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui-config");
  var data = JSON.parse(node.textContent);
  var config = { url: data.url, dom_id: data.dom_id };
  Object.keys(data.override || {}).forEach(function (key) { config[key] = data.override[key]; });
  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle(config);
  });
})();
