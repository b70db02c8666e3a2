// The activity form: attendance marked in a few taps (everyone, nobody, a Party group), the
// fields a kind requires marked as it is chosen, the title suggested from the kind and the
// date, and the error summary brought into view. Without it the form works the same: members
// not marked are recorded absent, an empty title is made on the server.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-activity-form]");
    if (!form) { return; }
    var rows = Array.prototype.slice.call(form.querySelectorAll(".portal-att-row"));
    var tools = form.querySelector("[data-attendance-tools]");
    var count = form.querySelector("[data-attendance-count]");
    var kind = form.querySelector("select[name=kind]");
    var group = form.querySelector("select[name=party_group]");
    var heldOn = form.querySelector("input[name=held_on]");
    var title = form.querySelector("input[name=title]");

    var radio = function (row, value) { return row.querySelector("input[type=radio][value=" + value + "]"); };
    var changed = function () {
      // draft.js keeps the form on this device when it changes.
      form.dispatchEvent(new Event("change", { bubbles: true }));
    };
    var updateCount = function () {
      if (!count) { return; }
      var present = rows.filter(function (row) { var r = radio(row, "present"); return r && r.checked; }).length;
      count.textContent = count.dataset.template.replace("{present}", present).replace("{total}", rows.length);
    };
    var mark = function (row, value) {
      var r = radio(row, value);
      if (r) { r.checked = true; }
      row.classList.toggle("has-reason", value === "leave");
    };
    var markGroup = function (groupId) {
      rows.forEach(function (row) { if (row.dataset.group === String(groupId)) { mark(row, "present"); } });
    };
    var nobodyMarked = function () { return !form.querySelector(".portal-att-row input[type=radio]:checked"); };

    if (tools && rows.length) {
      // Marked here at once; without JavaScript the toggles send the form to be marked.
      tools.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) { return; }
        event.preventDefault();
        if (button.dataset.mark) { rows.forEach(function (row) { mark(row, button.dataset.mark); }); }
        if (button.dataset.markGroup) { markGroup(button.dataset.markGroup); }
        updateCount();
        changed();
      });
    }
    rows.forEach(function (row) {
      row.addEventListener("change", function (event) {
        if (event.target.type === "radio") { row.classList.toggle("has-reason", event.target.value === "leave" || row.querySelector(".portal-att-reason").value !== ""); }
        updateCount();
      });
    });
    if (group) {
      group.addEventListener("change", function () {
        // A meeting of a Party group starts from its members.
        if (group.value && nobodyMarked()) { markGroup(group.value); updateCount(); changed(); }
      });
    }

    // Fields a kind requires are marked while it is chosen.
    var requiredFor = function () {
      var option = kind && kind.selectedOptions[0];
      form.querySelectorAll("[data-required-when]").forEach(function (wrapper) {
        var needed = !!(option && option.hasAttribute("data-needs-" + wrapper.dataset.requiredWhen));
        wrapper.classList.toggle("is-required", needed);
        var input = wrapper.querySelector("input, select");
        if (input) { input.setAttribute("aria-required", needed ? "true" : "false"); }
      });
    };

    // The title is suggested from the kind and the date until the secretary types one.
    var suggested = "";
    var suggestion = function () {
      var option = kind && kind.selectedOptions[0];
      if (!option || !option.value || !title) { return ""; }
      var day = heldOn && heldOn.value ? heldOn.value.split("-") : null;
      if (!day || day.length !== 3) { return ""; }
      return title.dataset.titlePattern
        .replace("%(year)s", String(parseInt(day[0], 10)))
        .replace("%(month)s", String(parseInt(day[1], 10)))
        .replace("%(kind)s", option.textContent.trim());
    };
    if (title) { suggested = title.value === suggestion() ? title.value : ""; }
    var suggestTitle = function () {
      if (!title) { return; }
      if (title.value === "" || title.value === suggested) {
        suggested = suggestion();
        title.value = suggested;
      }
    };
    if (kind) { kind.addEventListener("change", function () { requiredFor(); suggestTitle(); }); }
    if (heldOn) { heldOn.addEventListener("change", suggestTitle); }
    requiredFor();
    if (title && title.value === "") { suggestTitle(); }
    updateCount();

    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
