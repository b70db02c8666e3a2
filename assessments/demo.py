"""This year's assessment rules, one finished cycle with published results and one in
progress with tasks, inspections and reminders coming due.

The criteria follow the shape of construction enterprises' own rule sheets (a category with
its points, items and sub-items with deduction rules; bonus items outside the base, only the
highest level counting); the figures are illustrative."""

import datetime
from decimal import Decimal

from assessments import services, tasks
from assessments.models import Criterion, Cycle, DeploymentTask, Inspection, RuleVersion
from core.demo import DemoContext

D = datetime.date
P, C = Criterion.Category.PARTY_BUILDING, Criterion.Category.CONSTRUCTION
CRITERIA = [
    # (code, parent code, title, category, max, metric, description, evidence)
    ("1", None, "党建工作", P, 100, "", "", ""),
    ("1-1", "1", "组织建设", P, 20, "", "项目建设到哪里，党组织就建到哪里；支部未与工程部同步组建扣5分，班子不健全扣2分", "支部成立批复、班子名单"),
    ("1-2", "1", "组织生活", P, 30, "activity_compliance", "按三会一课规定频次落实，按完成率计分", ""),
    ("1-3", "1", "党员管理", P, 20, "pocket_transferred", "口袋党员组织关系转接，按转接比例计分", ""),
    ("1-4", "1", "制度建设", P, 15, "", "无工作制度或议事规则扣3分；会议记录不全每次扣2分", "制度文本、会议记录"),
    ("1-5", "1", "先锋作用", P, 10, "", "党员先锋岗、主题活动与生产结合", "先锋岗名单、活动记录"),
    ("1-6", "1", "我为项目献一策", P, 5, "suggestions_adopted", "按建议采纳率计分", ""),
    ("2", None, "项目建设", C, 100, "", "", ""),
    ("2-1", "2", "工程进度", C, 30, "stages_on_time", "节点按计划完成率", ""),
    ("2-2", "2", "工程质量", C, 25, "", "质量检查发现问题每项扣2分", "质量检查记录"),
    ("2-3", "2", "安全生产", C, 25, "", "安全检查发现隐患每项扣2分", "安全检查记录"),
    ("2-4", "2", "文明工地", C, 10, "", "", "文明工地评比结果"),
    ("2-5", "2", "协调推进", C, 10, "coordination_on_time", "协调事项按期办结率", ""),
    ("3", None, "加分项目", Criterion.Category.BONUS, 10, "", "按最高一级表彰加分，不累计", ""),
    ("3-1", "3", "业主表彰", Criterion.Category.BONUS, 3, "", "", "表彰文件"),
    ("3-2", "3", "集团表彰", Criterion.Category.BONUS, 5, "", "", "表彰文件"),
    ("3-3", "3", "省级表彰", Criterion.Category.BONUS, 8, "", "", "表彰文件"),
    ("3-4", "3", "国家级表彰", Criterion.Category.BONUS, 10, "", "", "表彰文件"),
    ("4", None, "减分项目", Criterion.Category.PENALTY, 10, "", "", ""),
    ("4-1", "4", "群众投诉查实", Criterion.Category.PENALTY, 5, "", "每起扣1分", ""),
    ("4-2", "4", "检查问题未按期整改", Criterion.Category.PENALTY, 5, "", "每项扣1分", ""),
    ("5", None, "一票否决", Criterion.Category.VETO, 1, "", "", ""),
    ("5-1", "5", "发生较大及以上安全责任事故", Criterion.Category.VETO, 1, "", "发生即评为不合格", ""),
]  # fmt: skip

# Committee scores of the manual items in the first half-year, per branch (pilot order), and
# the bonus and penalty awarded.
FIRST_HALF = [
    {"1-1": 20, "1-4": 15, "1-5": 9, "2-2": 24, "2-3": 24, "2-4": 10, "3-3": 8},
    {"1-1": 20, "1-4": 14, "1-5": 9, "2-2": 23, "2-3": 25, "2-4": 9},
    {"1-1": 20, "1-4": 15, "1-5": 10, "2-2": 25, "2-3": 24, "2-4": 10, "3-2": 5},
    {"1-1": 15, "1-4": 12, "1-5": 8, "2-2": 22, "2-3": 23, "2-4": 9},
    {"1-1": 18, "1-4": 11, "1-5": 7, "2-2": 21, "2-3": 22, "2-4": 8, "4-2": 1},
]


def load(ctx: DemoContext) -> None:
    version = RuleVersion.objects.filter(name="2026年度项目党建与项目建设捆绑考核细则").first()
    if version is None:
        version = _rules()
    if not Cycle.objects.filter(version=version).exists():
        _first_half(ctx, version)
        _second_half(ctx, version)
    # Reminders as a daily sweep would send them today (none twice: their keys are unique).
    tasks.sweep_reminders()


def _rules() -> RuleVersion:
    version = RuleVersion.objects.create(name="2026年度项目党建与项目建设捆绑考核细则", year=2026)
    by_code = {}
    for order, (code, parent, title, category, maximum, metric, description, evidence) in enumerate(
        CRITERIA
    ):
        by_code[code] = services.criterion_save(
            criterion=Criterion(
                version=version,
                parent=by_code.get(parent),
                code=code,
                title=title,
                category=category,
                max_score=Decimal(maximum),
                method=Criterion.Method.COMPUTED if metric else Criterion.Method.MANUAL,
                metric=metric,
                description=description,
                evidence_needed=evidence,
                highest_only=code == "3",
                order=order,
            )
        )
    return services.version_publish(version=version, on=D(2026, 1, 10))


def _first_half(ctx: DemoContext, version: RuleVersion) -> None:
    branches = ctx.objects["branches"]
    cycle = services.cycle_create(
        cycle=Cycle(
            version=version,
            name="2026年上半年",
            starts_on=D(2026, 1, 1),
            ends_on=D(2026, 6, 30),
            deploy_due=D(2026, 1, 31),
            inspect_due=D(2026, 5, 31),
            assess_due=D(2026, 7, 15),
        ),
        branches=branches,
    )
    for index, branch in enumerate(branches):
        for side, title in (
            ("party", "制定上半年党建工作计划"),
            ("construction", "制定上半年进度与安全计划"),
        ):
            task = services.task_assign(
                task=DeploymentTask(
                    cycle=cycle, branch=branch, side=side, title=title, due_on=D(2026, 1, 31)
                )
            )
            services.task_done(task=task, on=D(2026, 1, 20 + index))
        late = index == 4  # 陆洪闸 rectified late
        inspection = services.inspection_record(
            inspection=Inspection(
                cycle=cycle,
                branch=branch,
                held_on=D(2026, 5, 10 + index),
                inspectors="项目党委、街道建设科联合检查组",
                findings="党建台账基本齐全；施工现场临边防护存在薄弱环节",
                rectification="补齐临边防护，完善会议记录",
                rectification_due=D(2026, 5, 31),
            )
        )
        services.inspection_rectified(
            inspection=inspection, on=D(2026, 6, 12) if late else D(2026, 5, 28)
        )
    cycle = services.cycle_advance(cycle=cycle)
    cycle = services.cycle_advance(cycle=cycle)
    leaves = {c.code: c for c in services.leaves_of(version)}
    for branch, awarded in zip(branches, FIRST_HALF, strict=True):
        self_scores = {
            leaves[code].pk: (Decimal(min(value + 1, leaves[code].max_score)), "见台账")
            for code, value in awarded.items()
        }
        services.scores_save(
            cycle=cycle,
            branch=branch,
            values=self_scores,
            actor=ctx.objects["secretaries"][0],
            as_committee=False,
        )
        committee = {leaves[code].pk: (Decimal(value), "") for code, value in awarded.items()}
        services.scores_save(
            cycle=cycle,
            branch=branch,
            values=committee,
            actor=ctx.objects["staff_user"],
            as_committee=True,
        )
    services.results_publish(cycle=cycle, on=D(2026, 7, 20))


def _second_half(ctx: DemoContext, version: RuleVersion) -> None:
    branches = ctx.objects["branches"]
    cycle = services.cycle_create(
        cycle=Cycle(
            version=version,
            name="2026年下半年",
            starts_on=D(2026, 7, 1),
            ends_on=D(2026, 12, 31),
            deploy_due=D(2026, 7, 31),
            inspect_due=D(2026, 11, 30),
            assess_due=D(2027, 1, 15),
        ),
        branches=branches,
    )
    for index, branch in enumerate(branches):
        task = services.task_assign(
            task=DeploymentTask(
                cycle=cycle,
                branch=branch,
                side="party",
                title="制定下半年党建工作计划",
                due_on=D(2026, 7, 31),
            )
        )
        services.task_done(task=task, on=D(2026, 7, 25))
        services.task_assign(
            task=DeploymentTask(
                cycle=cycle,
                branch=branch,
                side="construction",
                title="冬季施工安全专项方案",
                due_on=D(2026, 11, 28),
            )
        )
        if index < 3:
            services.inspection_record(
                inspection=Inspection(
                    cycle=cycle,
                    branch=branch,
                    held_on=D(2026, 11, 10 + index),
                    inspectors="项目党委、街道建设科联合检查组",
                    findings="冬季施工准备不足" if index == 0 else "未发现明显问题",
                    rectification="完善冬季施工防护措施" if index == 0 else "",
                    rectification_due=D(2026, 11, 26) if index == 0 else None,
                )
            )
    services.cycle_advance(cycle=cycle)
