import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from home import demo


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Load the demo data (idempotent: loading twice changes nothing) and print the log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off. The demo log-ins share a published password.",
        )
        parser.add_argument(
            "--today",
            type=_day,
            help="Place the demo's dates as on this day (YYYY-MM-DD, not after today), to "
            "reproduce the demo of that day. Default: today in the portal's time zone.",
        )

    def handle(self, *args, force: bool = False, today: datetime.date | None = None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create demo log-ins with a published password. "
                "Use --force if this really is a demo server."
            )
        if today and today > timezone.localdate():
            # The services refuse what is dated in the future (an activity held tomorrow).
            raise CommandError(
                f"--today {today.isoformat()} is after today ({timezone.localdate().isoformat()})."
            )
        ctx = demo.load(today)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded (dates as on {ctx.today.isoformat()}).")
        )
        self.stdout.write(f"Demo log-ins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, what in ctx.logins:
            self.stdout.write(f"  {username:<12} {role} - {what}")
