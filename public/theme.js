// Applies the remembered light/dark choice before the page paints. Without a
// stored choice the CSS follows the system setting.
(function () {
  try {
    var theme = localStorage.getItem("evistream-theme");
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (e) {
    // Storage can be disabled; the system theme then applies.
  }
})();
