"""Ledgers an inspector can print: every sheet of every export has a filter over its header, the
header frozen, landscape A4 fitted to one page's width, the header row repeated on each printed
page; scores keep their two decimals; ID and phone numbers are read whole. An unpublished
cycle's ledger holds the results as they stand, marked provisional. A roster exported (numbers
masked) cannot be imported again, and says why."""

import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from activities.tests.factories import ActivityLogFactory
from assessments import services
from assessments.models import Cycle
from assessments.tests.factories import leaf, make_cycle, make_version
from core import xlsx
from members.models import Member
from members.tests.factories import MemberFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def workbook_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def assert_set_up_to_print(sheet):
    last = f"{get_column_letter(sheet.max_column)}{sheet.max_row}"
    assert sheet.auto_filter.ref == f"A1:{last}", sheet.title
    assert sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"
    assert "&P" in sheet.oddFooter.center.text


@pytest.fixture
def roster(branch):
    for _ in range(3):
        ParticipationFactory(member=MemberFactory(), branch=branch)
    return branch


@pytest.fixture
def cycle(branch, other_branch):
    version = make_version()
    cycle = make_cycle(version, [branch, other_branch], status=Cycle.Status.ASSESSING)
    for scored, (party, construction) in (
        (branch, (Decimal("50.5"), Decimal("80.25"))),
        (other_branch, (Decimal("40"), Decimal("70"))),
    ):
        services.scores_save(
            cycle=cycle,
            branch=scored,
            values={
                leaf(version, "1-1").pk: (party, ""),
                leaf(version, "2-1").pk: (construction, ""),
            },
            actor=None,
            as_committee=True,
        )
    return cycle


def test_every_ledger_is_set_up_to_print(staff_client, roster, branch, cycle):
    ActivityLogFactory(branch=branch)
    exports = [
        reverse("members:export"),
        reverse("activities:ledger"),
        reverse("assessments:cycle_export", args=[cycle.pk]),
    ]
    sheets = 0
    for url in exports:
        for sheet in workbook_of(staff_client.get(url)):
            assert_set_up_to_print(sheet)
            sheets += 1
    assert sheets >= 4


def test_the_access_log_export_is_set_up_to_print(client, committee_admin):
    client.force_login(committee_admin)
    for sheet in workbook_of(client.get(reverse("admin:accounts_accessrecord_export"))):
        assert_set_up_to_print(sheet)


def test_an_empty_sheet_filters_its_header_only():
    book = load_workbook(
        io.BytesIO(b"".join(xlsx.stream_workbook([xlsx.Sheet("空", ["甲", "乙"], [])])))
    )
    assert book["空"].auto_filter.ref == "A1:B1"


def test_a_sheet_title_with_a_quote_keeps_its_print_titles():
    sheets = [xlsx.Sheet("张三's 台账", ["甲"], [["一"]]), xlsx.Sheet("第二", ["乙"], [["二"]])]
    book = load_workbook(io.BytesIO(b"".join(xlsx.stream_workbook(sheets))))
    assert [sheet.print_title_rows for sheet in book] == ["$1:$1", "$1:$1"]


def test_decimals_keep_their_places():
    rows = [[Decimal("96.50"), Decimal("7.5"), Decimal("12"), 3, 2.25]]
    book = load_workbook(
        io.BytesIO(b"".join(xlsx.stream_workbook([xlsx.Sheet("表", list("ABCDE"), rows)])))
    )
    cells = book["表"][2]
    assert [c.number_format for c in cells] == ["0.00", "0.0", "General", "General", "General"]
    assert cells[0].value == 96.5  # the value is a number; its format shows 96.50


def test_published_scores_keep_two_decimals(staff_client, cycle):
    services.results_publish(cycle=cycle)
    sheet = workbook_of(staff_client.get(reverse("assessments:cycle_export", args=[cycle.pk])))[
        "考核结果"
    ]
    headers = [c.value for c in sheet[1]]
    for header in ("党建（%）", "项目建设（%）", "加分", "减分", "总分"):
        column = headers.index(header)
        assert {row[column].number_format for row in sheet.iter_rows(min_row=2)} == {"0.00"}
    assert "状态" not in headers


def test_id_and_phone_columns_are_wide_enough(staff_client, roster):
    sheet = workbook_of(staff_client.get(reverse("members:export")))["党员名册"]
    width = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    assert width["身份证号码"] >= 20  # 18 characters
    assert width["手机号码"] >= 13  # 11 digits


def test_an_unpublished_cycle_exports_its_results_as_they_stand(staff_client, cycle, branch):
    response = staff_client.get(reverse("assessments:cycle_export", args=[cycle.pk]))
    assert "provisional" in response["Content-Disposition"]
    book = workbook_of(response)
    assert "考核结果" not in book.sheetnames
    sheet = book["考核结果（暂定）"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-2:] == ("状态", "未评分条目")
    preview = services.results_preview(cycle=cycle)
    assert [(r[2], Decimal(str(r[8])).quantize(Decimal("0.01"))) for r in rows[1:]] == [
        (row["branch"].name, row["totals"].total) for row in preview
    ]
    assert {r[-2] for r in rows[1:]} == {"暂定（尚未发布）"}
    assert_set_up_to_print(sheet)
    assert cycle.results.count() == 0  # nothing is stored by the export


def test_unscored_criteria_are_named_in_the_provisional_ledger(staff_client, branch, other_branch):
    version = make_version()
    cycle = make_cycle(version, [branch], status=Cycle.Status.ASSESSING)
    book = workbook_of(staff_client.get(reverse("assessments:cycle_export", args=[cycle.pk])))
    row = next(book["考核结果（暂定）"].iter_rows(min_row=2, values_only=True))
    assert row[-1] != "无" and "1-1" in row[-1]


def test_a_secretary_still_gets_no_provisional_ledger(secretary_client, cycle):
    response = secretary_client.get(reverse("assessments:cycle_export", args=[cycle.pk]))
    assert response.status_code == 403


def test_an_exported_roster_fed_back_to_the_import_is_refused_and_says_why(
    staff_client, roster, branch
):
    exported = b"".join(staff_client.get(reverse("members:export")).streaming_content)
    before = Member.objects.count()
    upload = SimpleUploadedFile("党员名册.xlsx", exported, content_type=xlsx.XLSX)
    response = staff_client.post(reverse("members:import"), {"file": upload})
    text = response.content.decode()
    assert "平台导出的名册会隐藏号码" in text
    assert "身份证号码是打码的" in text
    assert Member.objects.count() == before


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_long_ledger_prints_one_page_wide_with_its_header_on_every_page(tmp_path):
    rows = (
        [f"支部{n}", Decimal("96.50"), "320602198612151510", "15000217486", "说明" * 30]
        for n in range(400)
    )
    headers = ["支部", "总分", "身份证号码", "手机号码", "内容"]
    ledger = tmp_path / "ledger.xlsx"
    ledger.write_bytes(b"".join(xlsx.stream_workbook([xlsx.Sheet("考核结果", headers, rows)])))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(ledger)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = (tmp_path / "ledger.pdf").read_bytes()
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    boxes = {
        tuple(float(v) for v in box.split())
        for box in re.findall(rb"/MediaBox\s*\[\s*([^\]]+)\]", pdf)
    }
    assert len(pages) > 1
    assert all(width > height for _x, _y, width, height in boxes)  # landscape
    if shutil.which("pdftotext"):
        for page in (1, len(pages)):
            text = subprocess.run(
                ["pdftotext", "-f", str(page), "-l", str(page), "-layout", "-", "-"],
                input=pdf,
                capture_output=True,
                check=True,
            ).stdout.decode()
            assert "身份证号码" in text and "96.50" in text and "320602198612151510" in text
            assert "手机号码" in text  # every column on the page: one page wide


def test_a_date_column_stays_a_date():
    sheet = load_workbook(
        io.BytesIO(
            b"".join(
                xlsx.stream_workbook([xlsx.Sheet("表", ["日期"], [[datetime.date(2026, 5, 1)]])])
            )
        )
    )["表"]
    assert sheet["A2"].number_format == "yyyy-mm-dd"
