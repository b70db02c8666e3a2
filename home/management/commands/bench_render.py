"""What each main page costs the server's Python, in-process, as a ratio of the baseline page.

    DJANGO_SETTINGS_MODULE=config.settings.bench python manage.py bench_render

The page benchmark (bench_pages) measures throughput against a running server, which moves with
whatever else the machine is doing. This one counts, for one request of each page, the Python
function calls it makes (exact and the same on every run for the same code and data, so two
versions of the code can be compared on a busy machine) and its CPU time (the best of three runs
of --requests requests, `time.process_time`, the database's own work excluded). Same roles and
pages as bench_pages; the test client stands in for the browser (log-in by session, second
factor passed)."""

import cProfile
import logging
import pstats
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.models import User
from home.management.commands.bench_pages import Command as PageBenchmark

DEVICE = "bench_render"


class Command(BaseCommand):
    help = "Python calls and CPU time of each main page, in-process, against the baseline page."

    def add_arguments(self, parser):
        parser.add_argument("--staff", default="jiedao")
        parser.add_argument("--secretary", help="default: the busiest branch's secretary")
        parser.add_argument("--requests", type=int, default=10, help="per timing run")
        parser.add_argument("--only", help="only the pages whose name holds this")

    def handle(self, *args, **options):
        try:
            baseline = reverse("bench_baseline")
        except NoReverseMatch as error:
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=config.settings.bench.") from error
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        logging.getLogger("django.request").setLevel(logging.ERROR)  # a 403 is reported below
        pages = PageBenchmark()
        secretary = options["secretary"] or pages._busiest_secretary()
        self.stdout.write(f"{pages._volumes()} · {options['requests']} requests per timing run")
        self.stdout.write("")
        self.stdout.write("| role | page | calls | × baseline | CPU ms | × baseline | KB |")
        self.stdout.write("|---|---|---:|---:|---:|---:|---:|")
        try:
            self._run(options, pages, secretary, baseline)
        finally:
            # The device stands in for the second factor during this run only: left behind,
            # the page benchmark would find the secretary asked for a second factor (302).
            StaticDevice.objects.filter(name=DEVICE).delete()

    def _run(self, options, pages, secretary: str, baseline: str) -> None:
        for role, username in (("staff", options["staff"]), ("secretary", secretary)):
            client = self._logged_in(username)
            base_calls, base_cpu, _size = self._measure(client, baseline, options["requests"])
            for name, path in pages._pages():
                if options["only"] and options["only"] not in name:
                    continue
                measured = self._measure(client, path, options["requests"])
                if measured is None:
                    self.stdout.write(f"| {role} | {name} | not shown to this role | | | | |")
                    continue
                calls, cpu, size = measured
                self.stdout.write(
                    f"| {role} | {name} | {calls:,} | {calls / base_calls:.1f} | {cpu:.1f} "
                    f"| {cpu / base_cpu:.1f} | {size // 1024} |"
                )
            self.stdout.write(
                f"| {role} | *baseline* | {base_calls:,} | 1.0 | {base_cpu:.1f} | 1.0 | |"
            )

    def _logged_in(self, username: str) -> Client:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=DEVICE, defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def _measure(self, client: Client, path: str, requests: int):
        for _ in range(3):
            response = client.get(path)
        if response.status_code != 200:
            return None
        profile = cProfile.Profile()
        profile.enable()
        client.get(path)
        profile.disable()
        calls = pstats.Stats(profile).total_calls
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for _ in range(requests):
                client.get(path)
            best = min(best, (time.process_time() - started) * 1000 / requests)
        return calls, best, len(response.content)
