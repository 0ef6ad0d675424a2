// Applies the reader's saved light/dark choice before the page is painted (no flash). Without
// a saved choice the page follows the system setting through CSS alone.
(function () {
  // Scripts run: the theme toggle may show (CSS keeps its place, so nothing shifts).
  document.documentElement.classList.add("js");
  try {
    var theme = localStorage.getItem("walletdesk-theme");
    if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
  } catch (e) { /* storage blocked: follow the system */ }
})();
