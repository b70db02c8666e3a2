"""Ledgers open readable in a spreadsheet program: bold headers, the header row frozen, text
columns wide enough to read."""

from openpyxl import load_workbook

from activities.ledger import export_ledger
from members.roster import export_roster


def test_a_ledger_sheet_has_a_frozen_bold_header_and_readable_widths():
    workbook = load_workbook(export_ledger([]))
    sheet = workbook["活动台账"]
    assert sheet.freeze_panes == "A2"
    headers = {cell.value: cell for cell in sheet[1]}
    assert all(cell.font.b for cell in headers.values())
    width = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert width["内容"] == 48
    assert width["支部"] == 30
    assert width["日期"] == 12
    assert width["非党员参加人数"] == 18


def test_the_roster_export_starts_the_same_way():
    sheet = load_workbook(export_roster([]))["党员名册"]
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]][:3] == ["姓名", "性别", "出生日期"]
