// Nothing typed is lost: a form marked data-autosave keeps its text fields in this device's
// storage as they are typed, and offers them back if the page is opened again before the form
// was sent (a dropped connection on site, a closed tab). Files are not kept.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var key = "portal-draft:" + form.dataset.autosave;
      var notice = document.querySelector("[data-draft-notice]");
      var fields = function () {
        return Array.prototype.filter.call(form.elements, function (el) {
          // Hidden fields are left out, except the revision and the values the form was shown
          // with: a restored draft stays based on them, so a change saved by someone else in
          // the meantime is shown as a conflict instead of being overwritten.
          if (el.type === "hidden") { return el.name && el.hasAttribute("data-draft-keep"); }
          return el.name && el.type !== "file" && el.type !== "submit";
        });
      };
      var save = function () {
        var data = {};
        fields().forEach(function (el) {
          if (el.type === "radio" || el.type === "checkbox") {
            if (el.checked) { data[el.name + "=" + el.value] = true; }
          } else {
            data[el.name] = el.value;
          }
        });
        try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
      };
      var stored = null;
      try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
      // A form sent back with errors already holds what was typed: the server's copy wins.
      if (stored && !form.hasAttribute("data-bound")) {
        fields().forEach(function (el) {
          if (el.type === "radio" || el.type === "checkbox") {
            if (Object.prototype.hasOwnProperty.call(stored, el.name + "=" + el.value)) { el.checked = true; }
          } else if (Object.prototype.hasOwnProperty.call(stored, el.name)) {
            el.value = stored[el.name];
          }
        });
        if (notice) { notice.classList.remove("d-none"); }
      }
      var discard = document.querySelector("[data-draft-discard]");
      if (discard) {
        discard.addEventListener("click", function () {
          localStorage.removeItem(key);
          window.location.reload();
        });
      }
      form.addEventListener("input", save);
      form.addEventListener("change", save);
      form.addEventListener("submit", function () {
        // Kept until the server has it: the next page load (the saved log) clears it.
        sessionStorage.setItem("portal-draft-sent", key);
      });
    });
    var sent = sessionStorage.getItem("portal-draft-sent");
    if (sent && !document.querySelector("form[data-autosave]")) {
      localStorage.removeItem(sent);
      sessionStorage.removeItem("portal-draft-sent");
    }
  });
})();
