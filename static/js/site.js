// The theme's progressive enhancements. The site works without them: navigation, reading and
// language switching are plain HTML. This adds the light/dark toggle, collapses the navigation
// behind its menu button on narrow screens, and marks the current heading in the on-page
// table of contents.
(function () {
  "use strict";
  var root = document.documentElement;

  // Light/dark toggle: follows the system until the reader chooses, then remembers.
  var toggle = document.querySelector(".theme-toggle");
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : systemDark.matches;
  }
  function showState() {
    if (toggle) toggle.setAttribute("aria-pressed", String(isDark()));
  }
  if (toggle) {
    toggle.hidden = false;
    showState();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("walletdesk-theme", next); } catch (e) { /* not remembered */ }
      showState();
    });
    systemDark.addEventListener("change", showState);
  }

  // Navigation: open on wide screens, behind the menu button on narrow ones.
  var menu = document.querySelector(".nav-menu");
  var narrow = window.matchMedia("(max-width: 48rem)");
  function fitMenu() {
    if (menu) menu.open = !narrow.matches;
  }
  fitMenu();
  narrow.addEventListener("change", fitMenu);

  // Table of contents: mark the heading being read.
  var tocLinks = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    tocLinks.forEach(function (link) { byId[decodeURIComponent(link.hash.slice(1))] = link; });
    var headings = Array.prototype.slice.call(document.querySelectorAll("main h2[id], main h3[id]"))
      .filter(function (h) { return byId[h.id]; });
    var visible = {};
    var mark = function () {
      var current = headings.filter(function (h) { return visible[h.id]; })[0];
      if (!current) return;
      tocLinks.forEach(function (link) { link.removeAttribute("aria-current"); });
      byId[current.id].setAttribute("aria-current", "location");
    };
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { visible[entry.target.id] = entry.isIntersecting; });
      mark();
    }, { rootMargin: "0px 0px -60% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
  }
})();
