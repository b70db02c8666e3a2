"""The recruiting ledgers (发展党员台账) as xlsx, streamed (core.xlsx.stream_workbook): a branch's
pipeline, one row a candidate, and one candidate's file, one row a step. Headers and labels are
Chinese, as inspectors read them, whatever the interface language. The ID number and phone are
masked, as on every list."""

import datetime
from collections.abc import Iterator

from django.utils import translation

from branches.models import Branch
from core.xlsx import Sheet, stream_workbook
from members import recruitment
from members.models import Candidate, CandidateStep

PIPELINE_HEADERS = [
    "姓名", "性别", "出生日期", "身份证号码", "手机号码", "工作单位", "岗位", "阶段",
    "递交申请日期", "谈话日期", "确定积极分子日期", "确定发展对象日期", "支部大会日期",
    "上级党委审批日期", "预备期满日期", "转正日期", "下一步", "期限",
]  # fmt: skip
FILE_HEADERS = [
    "日期",
    "步骤",
    "培养联系人或入党介绍人",
    "支部党员大会决议",
    "人员",
    "备注",
    "记录人",
]


def _text(value) -> str:
    return "" if value is None else str(value)


def pipeline_workbook(*, branch: Branch, today: datetime.date) -> Iterator[bytes]:
    def lines():
        with translation.override("zh-hans"):
            queryset = recruitment.candidates_of_branch(branch=branch, ended=None).select_related(
                "employer_enterprise"
            )
            for chunk_start in range(0, queryset.count(), 500):
                chunk = list(queryset[chunk_start : chunk_start + 500])
                recruitment.dues_for_page(chunk, today)
                for c in chunk:
                    yield [
                        c.name,
                        c.get_gender_display(),
                        c.birth_date,
                        c.masked_id_number,
                        c.masked_phone,
                        c.employer_enterprise.name if c.employer_enterprise else c.employer_name,
                        c.job,
                        c.get_stage_display(),
                        c.applied_on,
                        c.talked_on,
                        c.activist_on,
                        c.development_on,
                        c.meeting_on,
                        c.admitted_on,
                        c.probation_ends_on,
                        c.full_on,
                        _text(c.next.text),
                        c.next.on,
                    ]

    return stream_workbook([Sheet(f"{branch.name[:22]} 发展党员", PIPELINE_HEADERS, lines())])


def candidate_workbook(*, candidate: Candidate) -> Iterator[bytes]:
    def lines():
        with translation.override("zh-hans"):
            step: CandidateStep
            for step in recruitment.steps_of(candidate):
                detail = ""
                if step.training_days or step.training_hours:
                    detail = f"{step.training_days or 0}天 / {step.training_hours or 0}学时"
                elif step.extended_until:
                    detail = f"延长至 {step.extended_until.isoformat()}"
                elif step.party_group_id:
                    detail = step.party_group.name
                yield [
                    step.happened_on,
                    step.get_kind_display(),
                    step.person.name if step.person else "",
                    str(step.decision) if step.decision else "",
                    step.done_by,
                    "；".join(part for part in (detail, step.note) if part),
                    str(step.actor) if step.actor else "",
                ]
            if candidate.ended_on is not None:  # not a step of the way: the way's end
                yield [
                    candidate.ended_on,
                    f"终止发展：{candidate.get_end_reason_display()}",
                    "",
                    "",
                    "",
                    candidate.end_note,
                    str(candidate.ended_by) if candidate.ended_by else "",
                ]

    return stream_workbook([Sheet(f"{candidate.name} 入党材料", FILE_HEADERS, lines())])
