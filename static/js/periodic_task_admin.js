// The crontab help of the periodic task form in the admin (from django-celery-beat's inline
// script, moved here for the Content-Security-Policy): show the chosen schedule in words.
(function () {
  "use strict";
  const $ = window.django && window.django.jQuery;
  const crontabs = document.getElementById("readable-crontabs");
  if (!$ || !crontabs) {
    return;
  }
  const readable = JSON.parse(crontabs.textContent);
  const help = JSON.parse(document.getElementById("crontab-help").textContent);
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    const words = readable[$("#id_crontab").val()];
    const target = $(".field-crontab .help");
    target.text(help);
    if (words) {
      target.append($("<br>"), document.createTextNode(words));
    }
  });
})();
