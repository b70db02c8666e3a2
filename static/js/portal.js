// Small behaviours for every page. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // A select marked data-autosubmit submits its form as soon as it changes (the language switch).
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
      var button = select.form.querySelector(".portal-language-submit");
      if (button) { button.classList.add("d-none"); }
    });
  });
})();
