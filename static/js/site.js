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
    showState();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("walletdesk-theme", next); } catch (e) { /* not remembered */ }
      showState();
    });
    systemDark.addEventListener("change", showState);
  }

  // Navigation on narrow screens: the menu link (which works without scripts by targeting the
  // navigation) becomes a button that shows and hides it.
  var menuButton = document.querySelector(".menu-button");
  var nav = document.getElementById("site-nav");
  if (menuButton && nav) {
    menuButton.setAttribute("role", "button");
    menuButton.setAttribute("aria-expanded", "false");
    menuButton.addEventListener("click", function (event) {
      event.preventDefault();
      var open = nav.classList.toggle("open");
      menuButton.setAttribute("aria-expanded", String(open));
    });
  }

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
