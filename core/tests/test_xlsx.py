"""Ledgers open readable in a spreadsheet program: bold headers, the header row frozen, text
columns wide enough to read; they are sent while written, and a sheet too long for a spreadsheet
goes on in a second one."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from openpyxl import load_workbook

from activities.ledger import export_ledger
from activities.models import ActivityLog
from core import xlsx
from members.models import Member
from members.roster import export_roster


def workbook_of(chunks):
    return load_workbook(io.BytesIO(b"".join(chunks)))


@pytest.mark.django_db
def test_a_ledger_has_a_frozen_bold_header_and_readable_widths():
    workbook = workbook_of(export_ledger(ActivityLog.objects.all()))
    sheet = workbook["活动台账"]
    assert sheet.freeze_panes == "A2"
    headers = {cell.value: cell for cell in sheet[1]}
    assert all(cell.font.b for cell in headers.values())
    width = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert width["内容"] == 48
    assert width["支部"] == 30
    assert width["日期"] == 12
    assert width["非党员参加人数"] == 18


@pytest.mark.django_db
def test_the_roster_export_starts_the_same_way():
    sheet = workbook_of(export_roster(Member.objects.all()))["党员名册"]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]][:3] == ["姓名", "性别", "出生日期"]


def test_cells_keep_their_types_and_text_its_characters():
    row = ["<甲&乙>\x07", 3, 2.5, Decimal("1.25"), True, datetime.date(2024, 5, 1), None, ""]
    sheet = workbook_of(xlsx.stream_workbook([xlsx.Sheet("表", list("ABCDEFGH"), [row])]))["表"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        ("<甲&乙>", 3, 2.5, 1.25, True, datetime.datetime(2024, 5, 1), None, None)
    ]


def test_the_first_bytes_leave_before_the_rows_are_all_read():
    read = []

    def rows():
        for number in range(50_000):
            read.append(number)
            yield [f"第{number}行", number]

    chunks = xlsx.stream_workbook([xlsx.Sheet("表", ["名称", "序号"], rows())])
    assert next(chunks).startswith(b"PK")  # the download starts before any row is read
    assert read == []
    next(chunks)  # and goes on while the rows are read
    assert 0 < len(read) < 50_000


def test_a_sheet_goes_on_in_a_second_before_the_row_limit():
    rows = [[f"第{n}行"] for n in range(1, 6)]
    with mock.patch.object(xlsx, "MAX_SHEET_ROWS", 3):  # the header and two rows a sheet
        workbook = workbook_of(
            xlsx.stream_workbook(
                [xlsx.Sheet("活动台账", ["标题"], rows), xlsx.Sheet("出勤明细", ["姓名"], [])]
            )
        )
    assert workbook.sheetnames == ["活动台账", "活动台账 (2)", "活动台账 (3)", "出勤明细"]
    assert [[row[0] for row in workbook[name].iter_rows(values_only=True)] for name in
            workbook.sheetnames] == [
        ["标题", "第1行", "第2行"],
        ["标题", "第3行", "第4行"],
        ["标题", "第5行"],
        ["姓名"],
    ]  # fmt: skip
    assert workbook["活动台账 (2)"].freeze_panes == "A2"


def test_a_sheet_that_ends_at_the_limit_has_no_empty_continuation():
    with mock.patch.object(xlsx, "MAX_SHEET_ROWS", 3):
        workbook = workbook_of(xlsx.stream_workbook([xlsx.Sheet("表", ["标题"], [["一"], ["二"]])]))
    assert workbook.sheetnames == ["表"]
