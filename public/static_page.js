// The pages served without the app's wasm (sign-in, registration and the
// welcome page of a visitor; see `serves_without_wasm` in src/app/mod.rs):
// their forms and links are plain HTML, and this drives the header's two
// buttons, which the wasm drives on every other page (src/ui/theme.rs and
// src/app/layout.rs do the same there).
(function () {
  var root = document.documentElement;

  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var current =
        root.getAttribute("data-theme") ||
        (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
      var next = current === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        localStorage.setItem("evistream-theme", next);
      } catch (e) {
        // Storage can be refused; the choice then holds for this page only.
      }
    });
  }

  var menu = document.querySelector(".menu-button");
  var nav = document.getElementById("main-nav");
  if (menu && nav) {
    menu.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      menu.setAttribute("aria-expanded", String(open));
    });
  }
})();
