"""The cycle's ledger as xlsx: results (when published) and inspection records, sent while it is
written (core.xlsx.stream_workbook). Headers are Chinese, as inspectors read them."""

from collections.abc import Iterable, Iterator

from core.xlsx import Sheet, stream_workbook

GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
RESULT_HEADERS = [
    "考核周期", "名次", "支部", "党建（%）", "项目建设（%）", "加分", "减分", "一票否决", "总分",
    "等次",
]  # fmt: skip
INSPECTION_HEADERS = [
    "支部", "检查日期", "检查人员", "发现问题", "整改要求", "整改期限", "整改完成日期",
]  # fmt: skip


def export_cycle(*, cycle, results: Iterable, inspections: Iterable) -> Iterator[bytes]:
    """`results` and `inspections` come with their branch (select_related), read in chunks."""
    result_rows = (
        [
            cycle.name,
            result.rank,
            result.branch.name,
            result.party_score,
            result.construction_score,
            result.bonus,
            result.penalty,
            "是" if result.vetoed else "否",
            result.total,
            GRADES[result.grade],
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
            Sheet("考核结果", RESULT_HEADERS, result_rows),
            Sheet("检查记录", INSPECTION_HEADERS, inspection_rows),
        ]
    )
