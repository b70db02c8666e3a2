"""The dues ledgers (党费台账) as xlsx, streamed (core.xlsx.stream_workbook): a branch's month, a
branch's year (per member per month, with totals), and the street's summary per branch. The
totals are those of the pages (members.dues), to the fen. Headers are Chinese, as inspectors
read them, whatever the interface language."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from branches.models import Branch
from core.xlsx import Sheet, stream_workbook
from members import dues

MONTH_HEADERS = ["姓名", "应交金额（元）", "实交金额（元）", "交纳日期", "记录人", "备注"]
YEAR_HEADERS = ["姓名", *[f"{n}月" for n in range(1, 13)], "合计（元）"]
SUMMARY_HEADERS = [
    "支部", "在本支部交纳党费的党员", "全年实交（元）", "连续三个月以上未交", "六个月未交且无原因",
    "未登记党费基数",
]  # fmt: skip
TOTAL = "合计"
CHUNK = 500


def month_workbook(
    *, branch: Branch, month: datetime.date, today: datetime.date
) -> Iterator[bytes]:
    rows = dues.collection_rows(branch=branch, month=month, today=today)
    payments = {row.member.pk: row.payment for row in rows if row.payment is not None}
    # Payments of members no longer paying here that month still belong to the ledger.
    others = (
        dues.DuesPayment.objects.filter(branch=branch, month=month)
        .exclude(member__in=[row.member.pk for row in rows])
        .select_related("member", "recorded_by")
        .order_by("member__name", "member_id")
    )

    def lines():
        expected_total = Decimal("0.00")
        paid_total = Decimal("0.00")
        for row in rows:
            payment = payments.get(row.member.pk)
            expected_total += row.expected or 0
            paid_total += payment.amount if payment else 0
            yield [
                row.member.name,
                row.expected,
                payment.amount if payment else None,
                payment.paid_on if payment else None,
                str(payment.recorded_by or "") if payment else "",
                "" if row.expected is not None else "未登记党费基数",
            ]
        for payment in others:
            paid_total += payment.amount
            yield [
                payment.member.name,
                None,
                payment.amount,
                payment.paid_on,
                str(payment.recorded_by or ""),
                "已不在本支部交纳",
            ]
        yield [TOTAL, expected_total, paid_total, None, "", ""]

    title = f"{branch.name[:20]} {month:%Y-%m}"
    return stream_workbook([Sheet(title, MONTH_HEADERS, lines())])


def year_workbook(*, branch: Branch, year: int) -> Iterator[bytes]:
    members = dues.ledger_members(branch=branch, year=year)
    month_totals, year_total = dues.ledger_totals(branch=branch, year=year)

    def lines():
        chunk = []
        for member in members.iterator(chunk_size=CHUNK):
            chunk.append(member)
            if len(chunk) == CHUNK:
                yield from _year_lines(branch, year, chunk)
                chunk = []
        yield from _year_lines(branch, year, chunk)
        yield [TOTAL, *month_totals, year_total]

    return stream_workbook([Sheet(f"{branch.name[:24]} {year}", YEAR_HEADERS, lines())])


def _year_lines(branch: Branch, year: int, members: list) -> Iterator[list]:
    if not members:
        return
    for row in dues.ledger_rows(branch=branch, year=year, members=members):
        yield [row.member.name, *row.cells, row.total]


def summary_workbook(*, user, year: int, today: datetime.date) -> Iterator[bytes]:
    branches = dues.summary_branches(user=user)

    def lines():
        ids = list(branches.values_list("pk", flat=True))
        totals = [0, Decimal("0.00"), 0, 0, 0]
        for start in range(0, len(ids), CHUNK):
            chunk = list(branches.filter(pk__in=ids[start : start + CHUNK]))
            for branch in dues.summary_figures_for_page(chunk, year=year, today=today):
                figures = [
                    branch.dues_paying,
                    branch.dues_total,
                    branch.dues_shown,
                    branch.dues_flagged,
                    branch.dues_no_base,
                ]
                totals = [a + b for a, b in zip(totals, figures, strict=True)]
                yield [branch.name, *figures]
        yield [TOTAL, *totals]

    return stream_workbook([Sheet(f"党费汇总 {year}", SUMMARY_HEADERS, lines())])
