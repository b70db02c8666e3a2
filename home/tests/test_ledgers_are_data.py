"""Ledgers are data, never code: text typed into the portal that a spreadsheet program would take
for a formula comes out of every xlsx the portal writes as text, exactly as typed — never as a
formula cell, and marked as text (the quote prefix) so that editing the cell keeps it so."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Attendance, Rule, Suggestion
from activities.services import rule_save
from activities.tests.factories import ActivityLogFactory
from assessments.models import Inspection
from assessments.tests.factories import make_cycle, make_version
from branches import services as branch_services
from branches.tests.factories import SeatFactory
from core.xlsx import Sheet, openpyxl_row, reads_as_formula, stream_workbook
from members.tests.factories import MemberFactory, ParticipationFactory
from projects.tests.factories import CoordinationItemFactory

pytestmark = pytest.mark.django_db
D = datetime.date

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"
PLUS, AT, MINUS, TAB, RETURN = "+1", "@SUM(A1)", "-2+3", "\t=1+1", "\r=1+1"


def texts_of(content: bytes) -> list:
    """Every cell value of the workbook, after checking that none is a formula and that every
    text reading as one is a text cell with the quote prefix."""
    workbook = load_workbook(io.BytesIO(content), data_only=False)
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if reads_as_formula(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                values.append(cell.value)
    return values


def test_the_rule_names_what_a_spreadsheet_takes_for_a_formula():
    assert all(reads_as_formula(v) for v in (HYPERLINK, DDE, PLUS, AT, MINUS, TAB, RETURN))
    assert not any(reads_as_formula(v) for v in ("三月支委会", "a=b", "", None, -2, 3.5))


def test_numbers_stay_numbers_and_text_keeps_its_characters():
    row = [HYPERLINK, PLUS, AT, MINUS, TAB, RETURN, -2, 3.5, "普通"]
    content = b"".join(stream_workbook([Sheet("表", ["列"] * 9, [row])]))
    sheet = load_workbook(io.BytesIO(content), data_only=False)["表"]
    cells = sheet[2]
    assert [c.value for c in cells] == row
    assert [c.data_type for c in cells] == ["s"] * 6 + ["n", "n", "s"]
    assert [c.quotePrefix for c in cells] == [True] * 6 + [False] * 3
    assert texts_of(content)  # and no formula anywhere


def test_openpyxl_rows_follow_the_same_rule():
    from openpyxl import Workbook

    for write_only in (True, False):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("表") if write_only else workbook.active
        sheet.append(openpyxl_row(sheet, [HYPERLINK, RETURN, -2, "普通"]))
        buffer = io.BytesIO()
        workbook.save(buffer)
        assert texts_of(buffer.getvalue()) == [HYPERLINK, RETURN, -2, "普通"]


def test_the_activity_ledger(staff_client, branch):
    member = ParticipationFactory(branch=branch, member=MemberFactory(name=PLUS)).member
    log = ActivityLogFactory(
        branch=branch, title=HYPERLINK, place=AT, host=MINUS, content=TAB, outcome=RETURN
    )
    Attendance.objects.create(log=log, member=member, status="leave", reason=DDE)
    response = staff_client.get(reverse("activities:ledger"), {"branch": branch.pk})
    texts = texts_of(b"".join(response.streaming_content))
    assert {HYPERLINK, AT, MINUS, TAB, RETURN, PLUS, DDE} <= set(texts)


def test_the_assessment_ledger(staff_client, branch):
    branch.name = MINUS
    branch.save()
    cycle = make_cycle(make_version(), [branch])
    Inspection.objects.create(
        cycle=cycle,
        branch=branch,
        held_on=D(2026, 4, 1),
        inspectors=PLUS,
        findings=HYPERLINK,
        rectification=AT,
        rectification_due=D(2026, 5, 1),
    )
    response = staff_client.get(reverse("assessments:cycle_export", args=[cycle.pk]))
    assert {MINUS, PLUS, HYPERLINK, AT} <= set(texts_of(b"".join(response.streaming_content)))


def test_the_roster_export(staff_client, branch):
    ParticipationFactory(
        branch=branch,
        member=MemberFactory(name=PLUS, employer_name=HYPERLINK, job=AT, floating_from=TAB),
    )
    response = staff_client.get(reverse("members:export"))
    assert {PLUS, HYPERLINK, AT, TAB} <= set(texts_of(b"".join(response.streaming_content)))


def test_the_roster_template(staff_client, branch):
    branch.name = HYPERLINK
    branch.save()
    response = staff_client.get(reverse("members:template"))
    # The branch names are the one thing in the template that users typed: today they stand
    # inside a sentence of the notes; should they get cells of their own, they stay text.
    assert f"本平台中的支部全称：{HYPERLINK}" in texts_of(response.content)


@pytest.mark.usefixtures("eager_celery")
def test_every_sheet_of_the_handover_archive(branch, django_capture_on_commit_callbacks):
    branch.name = HYPERLINK
    branch.save()
    member = ParticipationFactory(branch=branch, member=MemberFactory(name=PLUS)).member
    log = ActivityLogFactory(branch=branch, title=DDE)
    Attendance.objects.create(log=log, member=member, status="present")
    Suggestion.objects.create(
        project=branch.project,
        branch=branch,
        submitted_on=D(2026, 3, 1),
        author=AT,
        content=MINUS,
        reply=TAB,
    )
    CoordinationItemFactory(project=branch.project, branch=branch, title=RETURN)
    SeatFactory(branch=branch, holder_name=MINUS)
    rule_save(
        rule=Rule(
            branch=branch, owner="branch", kind="operating", title=AT, effective_on=D(2025, 4, 1)
        ),
        document=SimpleUploadedFile("rule.pdf", b"%PDF-1.7 test"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        archive = branch_services.archive_request(branch=branch)
    archive.refresh_from_db()
    texts = []
    with archive.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:
        for name in zipped.namelist():
            if name.endswith(".xlsx"):
                texts += texts_of(zipped.read(name))
    assert {HYPERLINK, PLUS, DDE, AT, MINUS, TAB, RETURN} <= set(texts)


def test_the_access_log_export(client, committee_admin):
    # A name typed into the log-in page is recorded as typed, and exported as text.
    client.post(reverse("accounts:login"), {"username": DDE, "password": "x"})
    admin = Client()
    admin.force_login(committee_admin)
    response = admin.get(reverse("admin:accounts_accessrecord_export"))
    assert DDE in texts_of(b"".join(response.streaming_content))
