"""The one way a ledger sheet starts: bold Chinese headers, the header row frozen, columns wide
enough to read when the file is opened in a spreadsheet program. Rows are then appended one by
one (write-only workbooks: nothing is held whole in memory)."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

# Columns of running text are wide; names of branches and organisations a little less.
WIDE = {"内容", "成效", "发现问题", "整改要求", "事项", "解决情况", "答复", "正文", "填写要求"}
MEDIUM = {
    "支部", "标题", "工作单位", "组织关系所在党组织", "所在支部", "检查人员", "项目", "主题活动",
    "来源或对应工作小组", "名称或职务", "提出方", "责任人",
}  # fmt: skip


def column_width(header: str) -> float:
    if header in WIDE:
        return 48
    if header in MEDIUM:
        return 30
    # A CJK character is about two Latin ones wide; dates need 12.
    return max(12, 2 * len(header) + 4)


def ledger_sheet(workbook: Workbook, title: str, headers: list[str]):
    """A sheet of a write-only workbook, its header row written; append the rows to it."""
    sheet = workbook.create_sheet(title[:31])
    for number, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column_width(header)
    sheet.freeze_panes = "A2"
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
        cells.append(cell)
    sheet.append(cells)
    return sheet
