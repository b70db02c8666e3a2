"""Benchmark: the roster export and the activity ledger at size, as a user asks for them.

    python manage.py bench_exports --members 100000 --logs 50000 --attendance 3

Adds that many members (each active in one of the demo's branches) and this year's activity logs
with attendance, in a transaction rolled back afterwards (run `load_demo` first); then asks for
the roster export and the ledger of the year through the pages, as a superuser, and prints for
each: the time to the first bytes, to the first rows' bytes, to the last, the file's size, the
queries, and the peak of Python memory (tracemalloc, in a second pass: it slows what it
measures)."""

import datetime
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activities.models import ActivityKind, ActivityLog, Attendance
from branches.models import Branch
from members.models import Member, Participation
from members.tests.factories import make_id_number


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the roster export and the year's activity ledger at size (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10000)
        parser.add_argument("--logs", type=int, default=10000)
        parser.add_argument("--attendance", type=int, default=3, help="rows per log")

    def handle(self, *args, members: int, logs: int, attendance: int, **options):
        user = User.objects.filter(is_superuser=True).first()
        branches = list(Branch.objects.filter(status=Branch.Status.ACTIVE).order_by("pk"))
        if user is None or not branches:
            raise CommandError("Load the demo data first (python manage.py load_demo).")
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
                self._fill(branches, members, logs, attendance)
                client = Client()
                client.force_login(user)
                year = timezone.localdate().year
                for what, url, params in (
                    ("roster export", reverse("members:export"), {}),
                    ("activity ledger, this year", reverse("activities:ledger"), {"year": year}),
                ):
                    self._measure(client, what, url, params)
                raise Rollback
        except Rollback:
            pass

    def _fill(self, branches, members: int, logs: int, attendance: int) -> None:
        started = time.perf_counter()
        people = Member.objects.bulk_create(
            (
                Member(
                    name=f"基准{n}",
                    gender="M",
                    birth_date=(birth := datetime.date(1960, 1, 1) + datetime.timedelta(n % 7001)),
                    phone=f"137{n:08d}",
                    id_number=make_id_number(n // 7001 + 500, birth),
                    standing="full",
                    joined_party_on=datetime.date(2000, 1, 1),
                    full_member_on=datetime.date(2001, 1, 1),
                    employer_kind="other",
                    employer_name="基准测试单位",
                    relation_state="in_pocket",
                )
                for n in range(members)
            ),
            batch_size=5000,
        )
        Participation.objects.bulk_create(
            (
                Participation(
                    member=m,
                    branch=branches[n % len(branches)],
                    joined_on=branches[n % len(branches)].established_on,
                )
                for n, m in enumerate(people)
            ),
            batch_size=5000,
        )
        kind = ActivityKind.objects.order_by("pk").first()
        first_day = datetime.date(timezone.localdate().year, 1, 1)
        days = max(1, (timezone.localdate() - first_day).days)
        created = ActivityLog.objects.bulk_create(
            (
                ActivityLog(
                    branch=branches[n % len(branches)],
                    kind=kind,
                    title=f"支委会{n}",
                    held_on=first_day + datetime.timedelta(n % days),
                    content="会议内容" * 20,
                )
                for n in range(logs)
            ),
            batch_size=5000,
        )
        by_branch = {}
        for n, m in enumerate(people[: len(branches) * 50]):
            by_branch.setdefault(branches[n % len(branches)].pk, []).append(m)
        Attendance.objects.bulk_create(
            (
                Attendance(log=log, member=m, status="present")
                for log in created
                for m in by_branch.get(log.branch_id, [])[:attendance]
            ),
            batch_size=5000,
        )
        self.stdout.write(
            f"data: {members} members, {logs} logs this year with up to {attendance} attendance "
            f"rows each ({time.perf_counter() - started:.0f}s to create)"
        )

    def _measure(self, client, what: str, url: str, params: dict) -> None:
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            chunks = iter(response.streaming_content)
            size = len(next(chunks))
            first = time.perf_counter() - started
            rows = None  # when the bytes after the first (the rows' own) leave
            for chunk in chunks:
                size += len(chunk)
                if rows is None:
                    rows = time.perf_counter() - started
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
        tracemalloc.start()
        for _chunk in client.get(url, params).streaming_content:
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"{what}: first bytes {first:.2f}s, first rows {rows or first:.2f}s, "
            f"complete {total:.2f}s (CPU {cpu:.2f}s), {size / 1e6:.1f} MB, {len(queries)} queries, "
            f"peak Python memory {peak / 1e6:.0f} MB"
        )
