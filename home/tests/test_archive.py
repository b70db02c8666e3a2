import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from activities import services as activity_services
from activities.models import Attendance, Rule
from activities.tests.factories import ActivityLogFactory
from branches import services
from branches.models import Archive
from members.tests.factories import ParticipationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery", "each_storage")]
D = datetime.date


@pytest.fixture
def filled_branch(branch):
    members = [ParticipationFactory(branch=branch).member for _ in range(3)]
    for day in (3, 10, 17):
        log = ActivityLogFactory(branch=branch, held_on=D(2026, 3, day))
        Attendance.objects.bulk_create(
            [Attendance(log=log, member=m, status="present") for m in members]
        )
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    activity_services.photo_add(
        log=log, upload=SimpleUploadedFile("a.png", buffer.getvalue()), actor=None
    )
    activity_services.rule_save(
        rule=Rule(
            branch=branch,
            owner="branch",
            kind="operating",
            title="工作制度",
            effective_on=D(2025, 4, 1),
        ),
        document=SimpleUploadedFile("rule.pdf", b"%PDF-1.7 test"),
    )
    return branch


def build(branch, capture):
    with capture(execute=True):
        item = services.archive_request(branch=branch)
    item.refresh_from_db()
    return item


def entries(item):
    with item.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def sheet_rows(data: bytes, sheet=None):
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return list((workbook[sheet] if sheet else workbook.worksheets[0]).iter_rows(values_only=True))


def test_the_archive_holds_every_ledger_the_photos_documents_and_an_index(
    filled_branch, django_capture_on_commit_callbacks
):
    item = build(filled_branch, django_capture_on_commit_callbacks)
    assert (item.status, item.progress) == ("done", 100)
    files = entries(item)
    names = sorted(files)
    assert names[:8] == [
        "00-索引.xlsx",
        "01-党员名册.xlsx",
        "02-活动台账.xlsx",
        "03-献一策.xlsx",
        "04-协调事项.xlsx",
        "05-班子与党小组.xlsx",
        "06-考核结果.xlsx",
        "07-制度.xlsx",
    ]
    assert sum(1 for n in names if n.startswith("照片/")) == 1
    assert sum(1 for n in names if n.startswith("制度/") and n.endswith(".pdf")) == 1
    assert len(sheet_rows(files["01-党员名册.xlsx"])) == 1 + 3
    assert len(sheet_rows(files["02-活动台账.xlsx"], "活动台账")) == 1 + 3
    assert len(sheet_rows(files["02-活动台账.xlsx"], "出勤明细")) == 1 + 9
    index = {row[0]: row[2] for row in sheet_rows(files["00-索引.xlsx"]) if len(row) > 2}
    assert index["01-党员名册.xlsx"] == 3 and index["照片/"] == 1 and index["制度/"] == 1


def test_building_twice_gives_the_same_content(filled_branch, django_capture_on_commit_callbacks):
    first = build(filled_branch, django_capture_on_commit_callbacks)
    second = build(filled_branch, django_capture_on_commit_callbacks)
    assert first.digest == second.digest
    one, two = entries(first), entries(second)
    assert sorted(one) == sorted(two)
    for name in one:
        if name.endswith(".xlsx"):
            workbook_one = load_workbook(io.BytesIO(one[name]), read_only=True)
            workbook_two = load_workbook(io.BytesIO(two[name]), read_only=True)
            for a, b in zip(workbook_one.worksheets, workbook_two.worksheets, strict=True):
                assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))
        else:
            assert one[name] == two[name]


def test_transforming_a_branch_builds_its_archive(branch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.branch_transform(
            branch=branch, on=D(2026, 6, 30), into="community", successor_name="社区党委"
        )
    assert Archive.objects.get(branch=branch).status == "done"


def test_only_street_staff_build_and_download(
    secretary_client, staff_client, branch, django_capture_on_commit_callbacks
):
    url = reverse("branches:archive_request", args=[branch.pk])
    assert secretary_client.post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(url).status_code == 302
    item = Archive.objects.get()
    download = reverse("branches:archive_download", args=[item.pk])
    assert secretary_client.get(download).status_code == 403
    response = staff_client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    status = staff_client.get(reverse("branches:archive_status", args=[item.pk])).content.decode()
    assert "hx-get" not in status  # done: the page stops polling


def test_the_archive_costs_the_same_queries_for_5_members_as_for_50(branch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from branches.tests.factories import PartyGroupFactory
    from home import archive
    from members.models import HomeOrganisation
    from projects.tests.factories import EnterpriseFactory

    group = PartyGroupFactory(branch=branch)

    def grow(n):
        members = [
            ParticipationFactory(
                branch=branch,
                party_group=group,
                member__employer_kind="enterprise",
                member__employer_enterprise=EnterpriseFactory(),
                member__relation_state="at_home",
                member__home_organisation=HomeOrganisation.objects.create(name=f"某县党委{n}-{i}"),
            ).member
            for i in range(n)
        ]
        log = ActivityLogFactory(branch=branch)
        Attendance.objects.bulk_create(
            [Attendance(log=log, member=m, status="present") for m in members]
        )

    def queries() -> int:
        item = Archive.objects.create(branch=branch)
        with CaptureQueriesContext(connection) as captured:
            archive.build(item)
        rows = sheet_rows(entries(item)["01-党员名册.xlsx"])
        assert all(row[7].startswith("测试建设集团") for row in rows[1:])
        return len(captured)

    grow(5)
    small = queries()
    grow(45)
    assert queries() == small


def test_the_archive_file_is_named_with_the_local_date(
    staff_client, branch, django_capture_on_commit_callbacks
):
    """Finished at 04:00 on 1 December in Nantong (20:00 UTC on 30 November): named 1 December,
    and its time on the page reads as every other date does."""
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("branches:archive_request", args=[branch.pk]))
    item = Archive.objects.get()
    utc = datetime.UTC
    Archive.objects.filter(pk=item.pk).update(
        requested_at=datetime.datetime(2026, 11, 30, 19, 58, tzinfo=utc),
        finished_at=datetime.datetime(2026, 11, 30, 20, 0, tzinfo=utc),
    )
    response = staff_client.get(reverse("branches:archive_download", args=[item.pk]))
    assert f"handover-{branch.pk}-2026-12-01.zip" in response["Content-Disposition"]
    status = staff_client.get(reverse("branches:archive_status", args=[item.pk])).content.decode()
    assert "2026年12月1日 03:58" in status
