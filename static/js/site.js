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

  // Search: nothing is loaded until it is used. The first focus or click of the header button,
  // Ctrl-K / Cmd-K or "/" imports js/search.js (the dialog); the search page imports it at once.
  var searchButton = document.querySelector(".search-button[data-script]");
  var searchPage = document.querySelector(".search-page[data-script]");
  var searchModule;
  function loadSearch(el) {
    return searchModule || (searchModule = import(el.dataset.script));
  }
  // Keys typed after the shortcut while the dialog's script loads go into its box.
  var typed = null;
  function keepTyped(event) {
    if (event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      typed += event.key;
      event.preventDefault();
    } else if (event.key === "Backspace") {
      typed = typed.slice(0, -1);
      event.preventDefault();
    }
  }
  function openSearch() {
    if (typed !== null) return; // already opening: the keys go on into the box
    typed = "";
    document.addEventListener("keydown", keepTyped, true);
    var done = function () {
      document.removeEventListener("keydown", keepTyped, true);
      var text = typed;
      typed = null;
      return text;
    };
    loadSearch(searchButton).then(function (m) { m.open(searchButton, done()); },
      function () { done(); location.href = searchButton.dataset.page; }); // offline: the search page
  }
  if (searchButton) {
    searchButton.addEventListener("focus", function () { loadSearch(searchButton).catch(function () {}); });
    searchButton.addEventListener("click", openSearch);
    document.addEventListener("keydown", function (event) {
      var t = event.target;
      var key = event.key || ""; // autofill sends keydown without a key
      var typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
      var modifier = event.ctrlKey || event.metaKey || event.altKey;
      if (((event.ctrlKey || event.metaKey) && !event.altKey && key.toLowerCase() === "k") ||
          (key === "/" && !typing && !modifier)) {
        event.preventDefault();
        openSearch();
      }
    });
  }
  if (searchPage) {
    loadSearch(searchPage).then(function (m) { m.page(searchPage); }, function () {
      searchPage.querySelector(".search-status").textContent = searchPage.dataset.tError;
    });
  }

  // The wizard page: js/wizard.js asks the questions and shows the plan.
  var wizardPage = document.querySelector(".wizard-page[data-script]");
  if (wizardPage) {
    import(wizardPage.dataset.script).then(function (m) { return m.start(wizardPage); }, function () {
      wizardPage.querySelector(".wizard-status").textContent = JSON.parse(wizardPage.dataset.strings).error;
    });
  }

  // Arriving from a search result (?hl=words): mark the words in the page with the query
  // core's own matching, one <mark> per matched run inside each text node.
  var hl = new URLSearchParams(location.search).get("hl");
  var core = document.querySelector("[data-core]");
  var main = document.getElementById("main");
  if (hl && hl.trim() && core && main) {
    import(core.dataset.core).then(function (search) {
      // Marked only when the page holds every word of it, as a search result's page does: a
      // crafted link (?hl=<b>1</b>) must not mark every "1" on the page.
      var text = main.textContent;
      var all = search.parseQuery(hl).units.every(function (unit) {
        return search.highlight(text, unit.text).some(function (p) { return p[1]; });
      });
      if (!all) return;
      var walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, function (node) {
        return node.parentElement.closest("script, style, mark, svg") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      });
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var pieces = search.highlight(node.data, hl);
        if (!pieces.some(function (p) { return p[1]; })) return;
        var fragment = document.createDocumentFragment();
        pieces.forEach(function (p) {
          if (!p[1]) return fragment.append(p[0]);
          var mark = document.createElement("mark");
          mark.className = "search-hit";
          mark.textContent = p[0];
          fragment.append(mark);
        });
        node.replaceWith(fragment);
      });
    }).catch(function () { /* no highlighting */ });
  }
})();
