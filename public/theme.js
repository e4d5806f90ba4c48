// Applies the remembered light/dark choice before the page paints. Without a
// stored choice the CSS follows the system setting.
(function () {
  // JavaScript runs: the "not interactive yet" notice and the phone menu
  // apply (without it, forms still work and the menu is always open).
  document.documentElement.setAttribute("data-js", "true");
  try {
    var theme = localStorage.getItem("evistream-theme");
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (e) {
    // Storage can be disabled; the system theme then applies.
  }
})();
