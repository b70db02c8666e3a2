from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home import demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: loading twice changes nothing) and print the log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off. The demo log-ins share a published password.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo log-ins with a published password. "
                "Use --force if this really is a demo server."
            )
        ctx = demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo log-ins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, what in ctx.logins:
            self.stdout.write(f"  {username:<12} {role} - {what}")
