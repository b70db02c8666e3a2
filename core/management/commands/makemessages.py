"""`makemessages` that also reads the Jinja2 row templates (`*.jinja`, core/jinja_env.py).

Their strings are written `{{ _("...") }}`, a form Django's own extraction reads in any
template, so the only change is the extension."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    def handle(self, *args, **options):
        if options.get("domain", "django") == "django":
            options["extensions"] = [*(options.get("extensions") or ["html", "txt", "py"]), "jinja"]
        return super().handle(*args, **options)
