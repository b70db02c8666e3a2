"""The activity ledger (台账) as xlsx: one sheet of activities, one of attendance, written row by
row to a temporary file (never held whole in memory). Headers are Chinese, as inspectors read
them, whatever the interface language."""

import tempfile

from openpyxl import Workbook

from core.xlsx import ledger_sheet

ACTIVITY_HEADERS = [
    "日期", "时间", "支部", "党小组", "类型", "主题活动", "标题", "地点", "主持人", "记录人",
    "授课人", "出席", "缺席", "请假", "非党员参加人数", "内容", "成效", "状态",
]  # fmt: skip
ATTENDANCE_HEADERS = ["日期", "支部", "标题", "姓名", "出勤", "原因"]
ATTENDANCE_LABELS = {"present": "出席", "absent": "缺席", "leave": "请假"}
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交"}


def export_ledger(logs) -> tempfile.SpooledTemporaryFile:
    workbook = Workbook(write_only=True)
    activities = ledger_sheet(workbook, "活动台账", ACTIVITY_HEADERS)
    attendance_sheet = ledger_sheet(workbook, "出勤明细", ATTENDANCE_HEADERS)
    for log in logs:
        rows = list(log.attendance.all())
        counts = {
            status: sum(1 for a in rows if a.status == status) for status in ATTENDANCE_LABELS
        }
        activities.append(
            [
                log.held_on,
                log.starts_at.strftime("%H:%M") if log.starts_at else "",
                log.branch.name,
                log.party_group.name if log.party_group else "",
                log.kind.name,
                str(log.campaign_item) if log.campaign_item else "",
                log.title,
                log.place,
                log.host,
                log.recorder,
                log.lecturer,
                counts["present"],
                counts["absent"],
                counts["leave"],
                log.non_member_count,
                log.content,
                log.outcome,
                STATUS_LABELS[log.status],
            ]
        )
        for row in sorted(rows, key=lambda a: a.member.name):
            attendance_sheet.append(
                [
                    log.held_on,
                    log.branch.name,
                    log.title,
                    row.member.name,
                    ATTENDANCE_LABELS[row.status],
                    row.reason,
                ]
            )
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
