"""The cycle's ledger as xlsx: results (when published) and inspection records. Headers are
Chinese, as inspectors read them."""

import tempfile

from openpyxl import Workbook

from core.xlsx import ledger_sheet

GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}


def export_cycle(*, cycle, results, inspections) -> tempfile.SpooledTemporaryFile:
    workbook = Workbook(write_only=True)
    sheet = ledger_sheet(
        workbook,
        "考核结果",
        [
            "考核周期",
            "名次",
            "支部",
            "党建（%）",
            "项目建设（%）",
            "加分",
            "减分",
            "一票否决",
            "总分",
            "等次",
        ],
    )
    for result in results:
        sheet.append(
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
        )
    records = ledger_sheet(
        workbook,
        "检查记录",
        ["支部", "检查日期", "检查人员", "发现问题", "整改要求", "整改期限", "整改完成日期"],
    )
    for inspection in inspections:
        records.append(
            [
                inspection.branch.name,
                inspection.held_on,
                inspection.inspectors,
                inspection.findings,
                inspection.rectification,
                inspection.rectification_due,
                inspection.rectified_on,
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output
