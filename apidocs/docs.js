// /docs: Swagger UI on /openapi.json, set up as FastAPI set it up (deep
// links, extensions shown), with no validator badge (it would load an image
// from validator.swagger.io).
//
// The original's operations had no tags, so its deep links name the tag
// "default" (/docs#/default/get_live_odds_api_live_odds_get, which its
// dashboard links to).  Ours are tagged by family: such a link is rewritten
// to the operation's own tag before Swagger UI reads it, and opens the same
// operation.
"use strict";

function dhDeepLink(spec) {
  const m = /^#\/default\/([A-Za-z0-9_]+)$/.exec(window.location.hash);
  if (!m) return;
  for (const item of Object.values(spec.paths || {})) {
    for (const op of Object.values(item)) {
      if (op && op.operationId === m[1] && op.tags && op.tags.length) {
        const tag = op.tags[0].trim().replace(/\s/g, "%20");
        window.history.replaceState(null, "", "#/" + tag + "/" + m[1]);
        return;
      }
    }
  }
}

fetch("/openapi.json", { headers: { Accept: "application/json" } })
  .then((r) => {
    if (!r.ok) throw new Error("/openapi.json answered " + r.status);
    return r.json();
  })
  .then((spec) => {
    dhDeepLink(spec);
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: "#swagger-ui",
      layout: "BaseLayout",
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    });
  })
  .catch((e) => {
    const note = document.querySelector(".dh-docs-note");
    if (note) note.textContent = "The API description could not be loaded: " + e.message;
  });
