"""Benchmark: build the handover archive of a large branch and report time and peak memory.

    python manage.py bench_archive --logs 3000 --photos 3000

Creates a throw-away branch with that many activity logs (with attendance) and photos, in a
transaction rolled back afterwards, with the photos in a temporary folder; builds the archive
and prints how long it took, then builds it again for the peak of Python memory (tracemalloc
slows what it measures). Rerun it after any change to home/archive.py: the peak must not grow
with the number of rows."""

import datetime
import io
import tempfile
import time
import tracemalloc

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from PIL import Image

from activities.models import ActivityKind, ActivityLog, ActivityPhoto, Attendance
from branches.models import Archive, Branch, PartyCommittee
from home import archive
from members.models import Member, Participation
from members.tests.factories import make_id_number
from projects.models import Community, Project, Street


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time and measure the handover archive of a branch with N logs and photos."

    def add_arguments(self, parser):
        parser.add_argument("--logs", type=int, default=3000)
        parser.add_argument("--photos", type=int, default=3000)
        parser.add_argument("--members", type=int, default=30)

    def handle(self, *args, logs: int, photos: int, members: int, **options):
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            try:
                with transaction.atomic():
                    self._run(logs, photos, members)
                    raise Rollback
            except Rollback:
                pass

    def _run(self, logs: int, photos: int, member_count: int) -> None:
        street, _ = Street.objects.get_or_create(name="基准测试街道")
        community, _ = Community.objects.get_or_create(street=street, name="基准测试社区")
        committee, _ = PartyCommittee.objects.get_or_create(
            street=street,
            defaults={"name": "基准测试项目党委", "working_committee": "基准测试党工委"},
        )
        project = Project.objects.create(
            name="基准测试项目", community=community, total_investment=1
        )
        branch = Branch.objects.create(
            committee=committee,
            project=project,
            name="基准测试支部",
            established_on=datetime.date(2020, 1, 1),
        )
        people = Member.objects.bulk_create(
            Member(
                name=f"成员{n}",
                gender="M",
                birth_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=n),
                phone=f"139{n:08d}",
                id_number=make_id_number(n, datetime.date(1970, 1, 1) + datetime.timedelta(days=n)),
                standing="full",
                joined_party_on=datetime.date(2000, 1, 1),
                full_member_on=datetime.date(2001, 1, 1),
                employer_kind="other",
                employer_name="基准测试单位",
                relation_state="in_pocket",
            )
            for n in range(member_count)
        )
        Participation.objects.bulk_create(
            Participation(member=m, branch=branch, joined_on=datetime.date(2020, 1, 2))
            for m in people
        )
        kind = ActivityKind.objects.get(code="committee-meeting")
        created = ActivityLog.objects.bulk_create(
            ActivityLog(
                branch=branch,
                kind=kind,
                title=f"支委会{n}",
                held_on=datetime.date(2020, 1, 3) + datetime.timedelta(days=n % 2000),
                content="会议内容" * 20,
            )
            for n in range(logs)
        )
        Attendance.objects.bulk_create(
            (
                Attendance(log=log, member=m, status="present")
                for log in created
                for m in people[:10]
            ),
            batch_size=5000,
        )
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), "darkred").save(buffer, "JPEG")
        picture = buffer.getvalue()
        for n in range(photos):
            photo = ActivityPhoto(
                log=created[n % len(created)], content_type="image/jpeg", width=640, height=480
            )
            photo.image.save("p.jpg", ContentFile(picture), save=False)
            photo.save()
        item = Archive.objects.create(branch=branch)
        # Timed without tracemalloc (it slows what it measures), then built again for the peak.
        started, cpu = time.perf_counter(), time.process_time()
        archive.build(item)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        tracemalloc.start()
        archive.build(item)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"logs={logs} attendance={logs * min(10, member_count)} photos={photos} "
            f"archive={item.size / 1e6:.1f} MB time={elapsed:.1f}s (CPU {cpu:.1f}s) "
            f"peak Python memory={peak / 1e6:.1f} MB (rolled back)"
        )
