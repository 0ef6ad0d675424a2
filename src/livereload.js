// walletdesk serve: reloads the page after a rebuild, reloads only the stylesheets after a
// CSS-only change, and shows the build errors over the page until the next good build.
// Served by the preview server only; built sites never include it.
(function () {
  "use strict";
  var OVERLAY_ID = "walletdesk-errors";
  var source = new EventSource(new URL("/__walletdesk/events", location.href));

  function removeOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function showOverlay(errors) {
    removeOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    Object.assign(box.style, {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20, 20, 20, 0.92)", color: "#fff", padding: "2rem",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
    });
    var title = document.createElement("h2");
    title.textContent = "walletdesk: the last change did not build (" + errors.length +
      (errors.length === 1 ? " problem" : " problems") + "). The page shows the last good build.";
    Object.assign(title.style, { font: "bold 16px/1.4 system-ui, sans-serif", margin: "0 0 1rem", color: "#ff8a80" });
    box.appendChild(title);
    errors.forEach(function (text) {
      var pre = document.createElement("pre");
      pre.className = "walletdesk-error";
      pre.textContent = text;
      Object.assign(pre.style, { whiteSpace: "pre-wrap", margin: "0 0 1rem", padding: "0.75rem",
        background: "rgba(255, 255, 255, 0.08)", borderLeft: "4px solid #ff5252" });
      box.appendChild(pre);
    });
    document.body.appendChild(box);
  }

  function reloadStyles() {
    var stamp = Date.now();
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("walletdesk", stamp);
      link.href = url.href;
    });
  }

  source.addEventListener("message", function (event) {
    var update = JSON.parse(event.data);
    if (update.kind === "errors") {
      showOverlay(update.errors);
      return;
    }
    removeOverlay();
    if (update.kind === "styles") {
      reloadStyles();
    } else if (update.kind === "pages") {
      var here = decodeURI(location.pathname);
      if (update.paths === null || update.paths.some(function (p) { return decodeURI(p) === here; })) {
        location.reload();
      }
    }
  });
})();
