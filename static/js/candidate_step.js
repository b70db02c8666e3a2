// The next step of a candidate: only the fields the chosen step needs are shown (a contact, the
// meeting's decision, the training's days and hours …). Without JavaScript every field shows and
// the server says which one a step needs.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("step-fields");
    var kind = document.querySelector("form[data-candidate-step] select[name=kind]");
    if (!data || !kind) { return; }
    var needs = JSON.parse(data.textContent);
    var optional = [];
    Object.keys(needs).forEach(function (step) {
      needs[step].forEach(function (name) {
        if (optional.indexOf(name) < 0) { optional.push(name); }
      });
    });
    function show() {
      var wanted = needs[kind.value] || [];
      optional.forEach(function (name) {
        var field = document.getElementById("div_id_" + name);
        if (field) { field.classList.toggle("d-none", wanted.indexOf(name) < 0); }
      });
    }
    kind.addEventListener("change", show);
    show();
  });
})();
