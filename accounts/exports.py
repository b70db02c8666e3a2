"""The access log as an xlsx file, for committee admins (what the admin's search selected)."""

import tempfile
from collections.abc import Iterable

from django.utils import timezone
from openpyxl.workbook import Workbook

from accounts.models import AccessRecord
from core.xlsx import ledger_sheet

HEADERS = ["时间", "用户", "姓名", "地址", "操作", "对象类型", "对象编号", "对象", "结果", "说明"]

# What a user typed (a user name at a failed log-in, a member's name) must never reach a
# spreadsheet as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def export_access_log(records: Iterable[AccessRecord]) -> tempfile.SpooledTemporaryFile:
    workbook = Workbook(write_only=True)
    sheet = ledger_sheet(workbook, "访问日志", HEADERS)
    for record in records:
        sheet.append(
            [
                timezone.localtime(record.at).replace(tzinfo=None),
                _text(record.username),
                _text(record.user.full_name if record.user else ""),
                record.ip_address or "",
                record.get_action_display(),
                record.object_type,
                _text(record.object_id),
                _text(record.object_label),
                record.get_result_display(),
                _text(record.detail),
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
