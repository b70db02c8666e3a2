// Small behaviours for every page. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // The heading a table sits under (its caption, else the nearest heading before it).
  function headingOf(element) {
    var caption = element.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        var heading = before.matches("h1, h2, h3, h4, h5, h6") ? before : before.querySelector("h1, h2, h3, h4, h5, h6");
        if (heading) { return heading.textContent.trim(); }
      }
    }
    return document.title;
  }
  // A table that scrolls sideways (on a phone) can be scrolled from the keyboard too: while it
  // overflows, and only then, it joins the tab order as a region named by its heading (WCAG 2.1.1).
  function focusableWhenScrolling() {
    document.querySelectorAll(".table-responsive").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", headingOf(region));
      } else if (region.getAttribute("role") === "region") {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        region.removeAttribute("aria-label");
      }
    });
  }

  // The category axis of a chart of branches. When each name has room (a desktop, a few
  // branches) it is written level, wrapped over two lines at most; on a phone (a chart narrower
  // than 576px) or with many branches, slanted and cut short with "…", and only as many shown
  // as fit without overlapping. Every bar keeps its tooltip with the full name.
  window.portalCategoryAxis = function (names, width) {
    var room = (width - 112) / Math.max(names.length, 1);  // 112: the two value axes
    var label = width >= 576 && room >= 72
      ? { interval: 0, rotate: 0, width: room - 12, overflow: "break", lineHeight: 14 }
      : { interval: "auto", rotate: 45, margin: 12, width: 72, overflow: "truncate", ellipsis: "…", hideOverlap: true, fontSize: 11 };
    return { type: "category", data: names, axisLabel: label };
  };

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
