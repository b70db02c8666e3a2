// Small behaviours for every page. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // A table that scrolls sideways (on a phone) can be scrolled from the keyboard too: it joins the
  // tab order while it overflows, and only then (WCAG 2.1.1; axe's scrollable-region-focusable).
  function focusableWhenScrolling() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // A select marked data-autosubmit submits its form as soon as it changes (the language switch).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
      var button = select.form.querySelector(".portal-language-submit");
      if (button) { button.classList.add("d-none"); }
    });
    focusableWhenScrolling();
    window.addEventListener("resize", focusableWhenScrolling);
    document.body.addEventListener("htmx:afterSettle", focusableWhenScrolling);
  });
})();
