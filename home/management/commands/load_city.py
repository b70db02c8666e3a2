import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from home import city, demo


class Command(BaseCommand):
    help = (
        "Add city-scale data on top of the demo (at --scale 1.0: 2,000 projects and branches, "
        "100,000 members, 1,000,000 activity logs, 3,000,000 attendance rows, 20,000 "
        "coordination items, both assessment cycles over every branch) and print the time and "
        "the rows per table."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0 is the full city; 0.01 a small one."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off. The log-ins share the demo's published password.",
        )

    def handle(self, *args, scale: float, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to create log-ins with a published password. "
                "Use --force if this really is a demo or benchmark server."
            )
        if not 0 < scale <= 10:
            raise CommandError("--scale is a fraction of the city, between 0 and 10.")
        if city.already_loaded():
            raise CommandError(
                "The city is already loaded in this database: load it into a fresh one."
            )
        started = time.monotonic()
        if not User.objects.filter(username="jiedao").exists():
            self.stdout.write("Loading the demo first …")
            demo.load()
        demo_seconds = time.monotonic() - started
        counts, seconds = city.load(scale=scale)
        self.stdout.write(
            self.style.SUCCESS(
                f"City loaded at scale {scale:g} in {seconds:.1f} s"
                + (f" (after the demo, {demo_seconds:.1f} s)" if demo_seconds > 1 else "")
                + f": {sum(counts.values()):,} rows."
            )
        )
        for table, rows in sorted(counts.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {table:<42} {rows:>10,}")
        self.stdout.write(
            f"Secretaries log in as {city.SECRETARY_USERNAME.format(1)} … "
            f"{city.SECRETARY_USERNAME.format(counts['accounts_user'])} "
            f"(password: {demo.DEMO_PASSWORD})."
        )
