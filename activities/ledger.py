"""The activity ledger (台账) as xlsx: one sheet of activities, one of attendance, sent while it is
written (core.xlsx.stream_workbook). Both sheets are read as plain rows in chunks — the
attendance counts as subqueries of each log's row, the attendance joined to its log and member —
so neither the query count nor memory grows with the ledger, and a sheet longer than a
spreadsheet allows goes on in a second one. Headers are Chinese, as inspectors read them,
whatever the interface language."""

from collections.abc import Iterator

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from activities.models import ActivityLog, Attendance
from core.xlsx import Sheet, stream_workbook

ACTIVITY_HEADERS = [
    "日期", "时间", "支部", "党小组", "类型", "主题活动", "标题", "地点", "主持人", "记录人",
    "授课人", "出席", "缺席", "请假", "非党员参加人数", "内容", "成效", "状态",
]  # fmt: skip
ATTENDANCE_HEADERS = ["日期", "支部", "标题", "姓名", "出勤", "原因"]
ATTENDANCE_LABELS = {"present": "出席", "absent": "缺席", "leave": "请假"}
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交"}
CHUNK = 2000

LOG_FIELDS = [
    "held_on", "starts_at", "branch__name", "party_group__name", "kind__name",
    "campaign_item__campaign__name", "campaign_item__name", "title", "place", "host", "recorder",
    "lecturer", "present", "absent", "on_leave", "non_member_count", "content", "outcome",
    "status",
]  # fmt: skip


def _attendance_count(status: str) -> Coalesce:
    counted = (
        Attendance.objects.filter(log=OuterRef("pk"), status=status)
        .order_by()
        .values("log")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _log_row(values: tuple) -> list:
    (held_on, starts_at, branch, group, kind, campaign, item, *middle, status) = values
    return [
        held_on,
        starts_at.strftime("%H:%M") if starts_at else "",
        branch,
        group or "",
        kind,
        f"{campaign} · {item}" if item is not None else "",
        *middle,
        STATUS_LABELS[status],
    ]


def _attendance_row(values: tuple) -> list:
    held_on, branch, title, name, status, reason = values
    return [held_on, branch, title, name, ATTENDANCE_LABELS[status], reason]


def _through_log(ordering: str) -> str:
    descending, name = ordering.startswith("-"), ordering.lstrip("-")
    return ("-" if descending else "") + ("log_id" if name == "pk" else f"log__{name}")


def export_ledger(logs: QuerySet[ActivityLog]) -> Iterator[bytes]:
    """The ledger of these logs, in their order (oldest first when they have none)."""
    ordering = list(logs.query.order_by) or ["held_on", "pk"]
    plain = logs.order_by(*ordering).prefetch_related(None).select_related(None)
    rows = plain.annotate(
        present=_attendance_count("present"),
        absent=_attendance_count("absent"),
        on_leave=_attendance_count("leave"),
    ).values_list(*LOG_FIELDS)
    attendance = (
        Attendance.objects.filter(log__in=plain.values("pk"))
        .order_by(*(_through_log(o) for o in ordering), "member__name", "member_id")
        .values_list(
            "log__held_on", "log__branch__name", "log__title", "member__name", "status", "reason"
        )
    )
    return stream_workbook(
        [
            Sheet("活动台账", ACTIVITY_HEADERS, map(_log_row, rows.iterator(chunk_size=CHUNK))),
            Sheet(
                "出勤明细",
                ATTENDANCE_HEADERS,
                map(_attendance_row, attendance.iterator(chunk_size=CHUNK)),
            ),
        ]
    )
