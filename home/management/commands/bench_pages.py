"""Benchmark the main pages against a running server, each as a ratio of a baseline page.

    scripts/bench_pages.sh              # starts gunicorn (bench settings), runs this, stops it
    python manage.py bench_pages --url http://127.0.0.1:8001

The server must run with config.settings.bench (the baseline page /__bench__/baseline and the
X-Queries header). The command logs in through the log-in form as street staff and as a branch
secretary (by default the secretary of the branch with the most activity logs), staff with the
code of an authenticator the command adds to them (named bench_pages), then for each
page runs a burst of the baseline page, a burst of the page and a burst of the baseline again,
each at --connections parallel connections, bounded by --requests and --seconds. It prints one
Markdown table: requests per second, the ratio to the mean of the two baseline bursts around it,
p50 and p99 latency, queries and bytes per page, and failures (a status other than 200, a
timeout or a closed connection).

Only 127.0.0.1 and localhost are accepted: this is a load generator."""

import datetime
import http.client
import os
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import User
from activities.models import ActivityLog, Campaign
from assessments.models import Cycle
from branches.models import Branch, Seat
from core.demo import DEMO_PASSWORD
from members.models import Member

BASELINE = "/__bench__/baseline"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
BENCH_DEVICE = "bench_pages"


@dataclass
class Burst:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0
    queries: str = "?"
    size: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


class Session:
    """A logged-in browser: its cookie header, reused by every connection of a burst."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _post_form(self, path: str, fields: dict[str, str]) -> int:
        """GET the form (for its CSRF token), POST it; returns the POST's status."""
        conn = self.connection()
        conn.request("GET", path, headers={"Cookie": self.cookie_header})
        response = conn.getresponse()
        page = response.read().decode()
        self._remember(response)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise CommandError(f"No form at {path} (status {response.status}).")
        conn = self.connection()
        conn.request(
            "POST",
            path,
            body=urlencode({**fields, "csrfmiddlewaretoken": token[1]}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": self.cookie_header,
                "Referer": f"http://{self.host}:{self.port}{path}",
            },
        )
        response = conn.getresponse()
        response.read()
        self._remember(response)
        return response.status

    def log_in(self, username: str, password: str, device: TOTPDevice | None) -> None:
        """The log-in form, then the second factor's form with the code the device shows now."""
        status = self._post_form(
            reverse("accounts:login"), {"username": username, "password": password}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise CommandError(f"{username} could not log in (status {status}).")
        if device is not None:
            code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            status = self._post_form(
                reverse("accounts:two_factor_verify"),
                {"token": f"{code.token():0{device.digits}d}"},
            )
            if status != 302:
                raise CommandError(f"{username}: the second factor failed (status {status}).")

    def get(self, conn: http.client.HTTPConnection, path: str) -> tuple[int, int, str]:
        conn.request("GET", path, headers={"Cookie": self.cookie_header})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body), response.headers.get("X-Queries", "?")


def burst(session: Session, path: str, *, connections: int, requests: int, seconds: float) -> Burst:
    """`connections` threads GET the page until `requests` were sent or `seconds` passed."""
    result = Burst()
    lock = threading.Lock()
    sent = 0
    deadline = time.monotonic() + seconds

    def work():
        nonlocal sent
        conn = session.connection()
        while True:
            with lock:
                if sent >= requests or time.monotonic() > deadline:
                    return
                sent += 1
            started = time.monotonic()
            try:
                status, size, queries = session.get(conn, path)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = session.connection()
                with lock:
                    result.failures += 1
                continue
            took = time.monotonic() - started
            with lock:
                if status == 200:
                    result.latencies.append(took)
                    result.size, result.queries = size, queries
                else:
                    result.failures += 1

    threads = [threading.Thread(target=work) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def drain(session: Session, connections: int, *, limit: float = 180.0) -> float:
    """Wait until the workers are idle again: requests of a slow page whose client gave up are
    still being served, and would slow down the next burst. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        probe = burst(session, BASELINE, connections=connections, requests=connections, seconds=1)
        if not probe.failures and probe.latencies and max(probe.latencies) < 0.5:
            break
    return time.monotonic() - started


def machine() -> str:
    memory = "?"
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
            memory = f"{kb / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {memory} memory"


class Command(BaseCommand):
    help = "Requests/s, p50/p99, queries and bytes of the main pages, as ratios of a baseline."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8001")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--requests", type=int, default=400, help="at most, per burst")
        parser.add_argument("--seconds", type=float, default=5.0, help="at most, per burst")
        parser.add_argument("--timeout", type=float, default=60.0, help="per request")
        parser.add_argument("--staff", default="jiedao")
        parser.add_argument(
            "--secretary", default="", help="default: the secretary of the busiest branch"
        )
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument("--only", default="", help="run only the pages whose name has this")

    def handle(self, *args, **options):
        url = urlsplit(options["url"])
        if url.hostname not in LOCAL_HOSTS:
            raise CommandError("The benchmark only runs against 127.0.0.1 or localhost.")
        port = url.port or 80
        secretary = options["secretary"] or self._busiest_secretary()
        bounds = {
            "connections": options["connections"],
            "requests": options["requests"],
            "seconds": options["seconds"],
        }
        self.stdout.write(
            f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · {machine()} · "
            f"{self._volumes()} · {bounds['connections']} connections, at most "
            f"{bounds['requests']} requests or {bounds['seconds']:g} s per burst"
        )
        rows = []
        baselines = []
        for role, username in (("staff", options["staff"]), ("secretary", secretary)):
            session = Session(url.hostname, port, options["timeout"])
            session.log_in(username, options["password"], self._second_factor(username))
            for name, path in self._pages():
                if options["only"] and options["only"] not in name:
                    continue
                # A first request of each (it opens the worker's database connection); a page
                # this role may not see is reported with its status, not measured.
                status = self._warm(session, BASELINE), self._warm(session, path)
                if status[1] != 200:
                    rows.append((role, name, status[1], None, None, None))
                    continue
                before = burst(session, BASELINE, **bounds)
                page = burst(session, path, **bounds)
                drained = drain(session, bounds["connections"])
                after = burst(session, BASELINE, **bounds)
                baselines += [before.rate, after.rate]
                rows.append((role, name, 200, before, page, after))
                self.stderr.write(
                    f"  {role} {name}: {page.rate:.1f}/s, baseline {before.rate:.1f}/s and "
                    f"{after.rate:.1f}/s (server idle again after {drained:.0f} s)"
                )
        self._table(rows, baselines)

    def _warm(self, session: Session, path: str) -> int | str:
        try:
            return session.get(session.connection(), path)[0]
        except (OSError, http.client.HTTPException) as error:
            return type(error).__name__

    def _second_factor(self, username: str) -> TOTPDevice | None:
        """Street staff log in with a second factor when DEBUG is off (as on the benchmark's
        server): the benchmark uses an authenticator of its own, added to the user once."""
        user = User.objects.get(username=username)
        if not twofactor.second_factor_required(user):
            return None
        device, created = TOTPDevice.objects.get_or_create(
            user=user, name=BENCH_DEVICE, defaults={"confirmed": True}
        )
        if created:
            self.stderr.write(f"  {username} gets an authenticator named {BENCH_DEVICE!r}.")
        return device

    def _busiest_secretary(self) -> str:
        branch = (
            Branch.objects.filter(status="active")
            .annotate(logs=Count("activity_logs"))
            .order_by("-logs", "pk")
            .first()
        )
        seat = (
            Seat.objects.filter(branch=branch, kind="secretary", ended_on__isnull=True)
            .exclude(user=None)
            .select_related("user")
            .first()
        )
        if seat is None:
            raise CommandError("No branch secretary with a log-in: pass --secretary.")
        return seat.user.username

    def _volumes(self) -> str:
        return (
            f"{Branch.objects.count():,} branches, {Member.objects.count():,} members, "
            f"{ActivityLog.objects.count():,} activity logs"
        )

    def _pages(self) -> list[tuple[str, str]]:
        published = Cycle.objects.filter(status=Cycle.Status.PUBLISHED).order_by("pk").first()
        ongoing = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).order_by("pk").first()
        campaign = Campaign.objects.order_by("pk").first()
        pages = [
            ("workbench", reverse("home:home")),
            ("projects", reverse("projects:list")),
            ("branches", reverse("branches:list")),
            ("members", reverse("members:list")),
            ("transfers", reverse("members:transfers")),
            ("activities", reverse("activities:list")),
            ("compliance", reverse("activities:compliance")),
            ("coordination", reverse("projects:coordination")),
            ("suggestions", reverse("activities:suggestions")),
            ("cycles", reverse("assessments:list")),
            ("reminders", reverse("assessments:reminders")),
        ]
        if campaign:
            pages.append(("campaign", reverse("activities:campaign_detail", args=[campaign.pk])))
        if published:
            pages.append(
                ("cycle published", reverse("assessments:cycle_detail", args=[published.pk]))
            )
        if ongoing:
            pages.append(
                ("cycle in progress", reverse("assessments:cycle_detail", args=[ongoing.pk]))
            )
        return pages

    def _table(self, rows, baselines) -> None:
        median = statistics.median(baselines) if baselines else 0.0
        if baselines:
            self.stdout.write(
                f"Baseline {BASELINE}: median {median:.1f} requests/s over {len(baselines)} "
                f"bursts (from {min(baselines):.1f} to {max(baselines):.1f})."
            )
        self.stdout.write("")
        self.stdout.write(
            "| role | page | req/s | × baseline | × median baseline | p50 ms | p99 ms | queries "
            "| KB | failed |"
        )
        self.stdout.write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for role, name, status, before, page, after in rows:
            if page is None:
                self.stdout.write(f"| {role} | {name} | answers {status} | | | | | | | |")
                continue
            # The page against the baseline bursts just before and just after it: the machine's
            # other load drifts, and both sides of the ratio see the same drift.
            base = (before.rate + after.rate) / 2
            ratio = page.rate / base if base else 0.0
            self.stdout.write(
                f"| {role} | {name} | {page.rate:.1f} | {ratio:.0%} "
                f"| {page.rate / median if median else 0:.0%} | {page.percentile(0.5):.0f} "
                f"| {page.percentile(0.99):.0f} | {page.queries} | {page.size / 1024:.0f} "
                f"| {page.failures} |"
            )
