"""The cycle's ledger as xlsx: results and inspection records, sent while it is written
(core.xlsx.stream_workbook). Headers are Chinese, as inspectors read them. Before publication
the results are the ones as they stand, in a sheet named provisional, each row saying so and
which criteria still wait for the committee's score."""

from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from core.xlsx import Sheet, stream_workbook

GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
RESULT_HEADERS = [
    "考核周期", "名次", "支部", "党建（%）", "项目建设（%）", "加分", "减分", "一票否决", "总分",
    "等次",
]  # fmt: skip
INSPECTION_HEADERS = [
    "支部", "检查日期", "检查人员", "发现问题", "整改要求", "整改期限", "整改完成日期",
]  # fmt: skip


PROVISIONAL_HEADERS = [*RESULT_HEADERS, "状态", "未评分条目"]
CENT = Decimal("0.01")


def _score(value) -> Decimal:
    """A score with its two decimals (96.50, not 96.5)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def export_cycle(
    *, cycle, results: Iterable, inspections: Iterable, provisional: bool = False
) -> Iterator[bytes]:
    """`results` and `inspections` come with their branch (select_related), read in chunks."""
    result_rows = (
        [
            cycle.name,
            result.rank,
            result.branch.name,
            _score(result.party_score),
            _score(result.construction_score),
            _score(result.bonus),
            _score(result.penalty),
            "是" if result.vetoed else "否",
            _score(result.total),
            GRADES[result.grade],
            *(
                ["暂定（尚未发布）", "、".join(c.code for c in result.unscored) or "无"]
                if provisional
                else []
            ),
        ]
        for result in results
    )
    inspection_rows = (
        [
            inspection.branch.name,
            inspection.held_on,
            inspection.inspectors,
            inspection.findings,
            inspection.rectification,
            inspection.rectification_due,
            inspection.rectified_on,
        ]
        for inspection in inspections
    )
    return stream_workbook(
        [
            Sheet("考核结果（暂定）", PROVISIONAL_HEADERS, result_rows)
            if provisional
            else Sheet("考核结果", RESULT_HEADERS, result_rows),
            Sheet("检查记录", INSPECTION_HEADERS, inspection_rows),
        ]
    )
