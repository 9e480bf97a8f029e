// A table wider than the screen scrolls inside its .table-wrap box. Let the keyboard reach such a
// box and scroll it (a focusable region named after the table's caption); boxes that do not
// scroll stay out of the tab order. Measured again when the window changes size.
(function () {
  "use strict";

  function markScrollingBoxes() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("data-scrolls", "");
        if (caption) {
          box.setAttribute("aria-label", caption.textContent.replace(/\s+/g, " ").trim());
        }
      } else if (!scrolls && box.hasAttribute("data-scrolls")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scrolls");
      }
    });
  }

  markScrollingBoxes();
  window.addEventListener("resize", markScrollingBoxes);
})();
