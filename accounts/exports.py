"""The access log as an xlsx file, for committee admins (what the admin's search selected),
streamed like every ledger (core.xlsx: strings are written as text, never as formulas)."""

from collections.abc import Iterable, Iterator

from accounts.models import AccessRecord
from core.xlsx import Sheet, stream_workbook

HEADERS = ["时间", "用户", "姓名", "地址", "操作", "对象类型", "对象编号", "对象", "结果", "说明"]


def export_access_log(records: Iterable[AccessRecord]) -> Iterator[bytes]:
    return stream_workbook([Sheet("访问日志", HEADERS, map(_row, records))])


def _row(record: AccessRecord) -> list:
    return [
        record.at,
        record.username,
        record.user.full_name if record.user else "",
        record.ip_address or "",
        record.get_action_display(),
        record.object_type,
        record.object_id,
        record.object_label,
        record.get_result_display(),
        record.detail,
    ]
