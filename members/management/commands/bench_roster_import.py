"""Benchmark: how long a roster import takes (reading, checking every row, saving).

    python manage.py bench_roster_import --rows 5000

Builds a valid roster of N rows for the first active branch, imports it inside a transaction
that is rolled back (the database is left as it was), and prints the timings. Rerun it after
any change to members/roster.py."""

import datetime
import io
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from openpyxl import Workbook

from accounts.models import User
from branches.models import Branch
from members import roster
from members.identity import check_character


class Rollback(Exception):
    pass


# Birth dates cycle through 10,000 days from 1960 (to 1987), so that joining the Party at 25 and
# becoming a full member at 26 are always in the past, however many rows; the ID number's
# sequence counts the cycles (odd: a man), so that every row's ID number is its own.
BIRTH_DAYS = 10_000


def build_file(rows: int, branch: Branch) -> io.BytesIO:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([header for _n, header, _e, _r in roster.COLUMNS])
    for n in range(rows):
        cycle, day = divmod(n, BIRTH_DAYS)
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=day)
        first = f"990101{birth:%Y%m%d}{cycle * 10 + 1:03d}"
        values = {
            "name": f"测试{n}",
            "gender": "男",
            "birth_date": birth,
            "phone": f"139{n:08d}",
            "id_number": first + check_character(first),
            "standing": "正式党员",
            "joined_party_on": birth + datetime.timedelta(days=365 * 25),
            "full_member_on": birth + datetime.timedelta(days=365 * 26),
            "employer": "南通一建",
            "is_floating": "是",
            "floating_from": "安徽省阜阳市",
            "relation_state": "口袋党员",
            "branch": branch.name,
            "joined_on": branch.established_on,
        }
        sheet.append([values.get(name, "") for name, _h, _e, _r in roster.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


class Command(BaseCommand):
    help = "Time the import of an N-row roster (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)

    def handle(self, *args, rows: int, **options):
        branch = Branch.objects.filter(status=Branch.Status.ACTIVE).order_by("pk").first()
        user = User.objects.filter(is_superuser=True).first()
        if branch is None or user is None:
            raise CommandError("Load the demo data first (python manage.py load_demo).")
        started = time.perf_counter()
        file = build_file(rows, branch)
        built = time.perf_counter()
        try:
            with transaction.atomic():
                read_start = time.perf_counter()
                checked = roster.read_roster(file, user=user)
                read_end = time.perf_counter()
                file.seek(0)
                imported = roster.import_roster(file, user=user)
                saved = time.perf_counter()
                raise Rollback
        except Rollback:
            pass
        except roster.RosterInvalid as invalid:
            first = invalid.errors[0]
            raise CommandError(
                f"The roster was refused ({len(invalid.errors)} errors), first: row {first.row} "
                f"{first.column}: {first.message}"
            ) from invalid
        self.stdout.write(
            f"rows={rows} file={built - started:.2f}s check={read_end - read_start:.2f}s "
            f"check+save={saved - read_end:.2f}s imported={imported} (checked {len(checked)}; "
            "rolled back)"
        )
