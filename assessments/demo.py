"""The assessment rules, the half-year cycle under way today (with tasks, inspections and
reminders coming due) and the one before it, finished with published results; each half-year's
dates are those of the half-year the day the demo is loaded for (ctx.today) falls in.

The criteria follow the shape of construction enterprises' own rule sheets (a category with
its points, items and sub-items with deduction rules; bonus items outside the base, only the
highest level counting); the figures are illustrative."""

import datetime
from dataclasses import dataclass
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

# Committee scores of the manual items in the finished half-year, per branch (pilot order), and
# the bonus and penalty awarded.
FIRST_HALF = [
    {"1-1": 20, "1-4": 15, "1-5": 9, "2-2": 24, "2-3": 24, "2-4": 10, "3-3": 8},
    {"1-1": 20, "1-4": 14, "1-5": 9, "2-2": 23, "2-3": 25, "2-4": 9},
    {"1-1": 20, "1-4": 15, "1-5": 10, "2-2": 25, "2-3": 24, "2-4": 10, "3-2": 5},
    {"1-1": 15, "1-4": 12, "1-5": 8, "2-2": 22, "2-3": 23, "2-4": 9},
    {"1-1": 18, "1-4": 11, "1-5": 7, "2-2": 21, "2-3": 22, "2-4": 8, "4-2": 1},
]


VERSION_NAME = "{year}年度项目党建与项目建设捆绑考核细则"


@dataclass(frozen=True)
class Half:
    """A half-year assessment cycle's name and dates."""

    year: int
    second: bool

    @classmethod
    def of(cls, day: datetime.date) -> "Half":
        return cls(day.year, day.month > 6)

    @property
    def previous(self) -> "Half":
        return Half(self.year, False) if self.second else Half(self.year - 1, True)

    @property
    def label(self) -> str:
        return "下半年" if self.second else "上半年"

    def cycle(self, version: RuleVersion) -> Cycle:
        y = self.year
        if self.second:
            dates = (D(y, 7, 1), D(y, 12, 31), D(y, 7, 31), D(y, 11, 30), D(y + 1, 1, 15))
        else:
            dates = (D(y, 1, 1), D(y, 6, 30), D(y, 1, 31), D(y, 5, 31), D(y, 7, 15))
        starts, ends, deploy, inspect, assess = dates
        return Cycle(
            version=version,
            name=f"{y}年{self.label}",
            starts_on=starts,
            ends_on=ends,
            deploy_due=deploy,
            inspect_due=inspect,
            assess_due=assess,
        )


def load(ctx: DemoContext) -> None:
    """The cycle of today's half-year under way, the one before it published."""
    if not RuleVersion.objects.exists():
        current = Half.of(ctx.today)
        previous = current.previous
        versions = {
            year: _rules(year, published=min(D(year, 1, 10), ctx.today))
            for year in sorted({previous.year, current.year})
        }
        _finished(ctx, versions[previous.year], previous)
        _under_way(ctx, versions[current.year], current)
    # Reminders as a daily sweep would send them today (none twice: their keys are unique).
    tasks.sweep_reminders()


def _rules(year: int, *, published: datetime.date) -> RuleVersion:
    version = RuleVersion.objects.create(name=VERSION_NAME.format(year=year), year=year)
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
    return services.version_publish(version=version, on=published)


def _finished(ctx: DemoContext, version: RuleVersion, half: Half) -> None:
    branches = ctx.objects["branches"]
    cycle = services.cycle_create(cycle=half.cycle(version), branches=branches)
    day = datetime.timedelta(days=1)
    for index, branch in enumerate(branches):
        for side, title in (
            ("party", f"制定{half.label}党建工作计划"),
            ("construction", f"制定{half.label}进度与安全计划"),
        ):
            task = services.task_assign(
                task=DeploymentTask(
                    cycle=cycle, branch=branch, side=side, title=title, due_on=cycle.deploy_due
                )
            )
            services.task_done(task=task, on=cycle.starts_on + (19 + index) * day)
        late = index == 4  # 陆洪闸 rectified late
        inspection = services.inspection_record(
            inspection=Inspection(
                cycle=cycle,
                branch=branch,
                held_on=cycle.inspect_due - (21 - index) * day,
                inspectors="项目党委、街道建设科联合检查组",
                findings="党建台账基本齐全；施工现场临边防护存在薄弱环节",
                rectification="补齐临边防护，完善会议记录",
                rectification_due=cycle.inspect_due,
            )
        )
        services.inspection_rectified(
            inspection=inspection, on=cycle.inspect_due + (12 * day if late else -3 * day)
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
    # Published after the assessment (at once, in the first days of a half-year).
    services.results_publish(cycle=cycle, on=min(cycle.assess_due + 5 * day, ctx.today))


def _under_way(ctx: DemoContext, version: RuleVersion, half: Half) -> None:
    """Its plans made in its first month, inspections held in the last weeks, and what is due
    in the coming days: a construction task in three days, a rectification tomorrow."""
    branches = ctx.objects["branches"]
    today = ctx.today
    day = datetime.timedelta(days=1)
    cycle = services.cycle_create(cycle=half.cycle(version), branches=branches)
    special = "冬季施工安全专项方案" if half.second else "汛期施工安全专项方案"
    for index, branch in enumerate(branches):
        task = services.task_assign(
            task=DeploymentTask(
                cycle=cycle,
                branch=branch,
                side="party",
                title=f"制定{half.label}党建工作计划",
                due_on=cycle.deploy_due,
            )
        )
        if cycle.starts_on + 24 * day <= today:
            services.task_done(task=task, on=cycle.starts_on + 24 * day)
        services.task_assign(
            task=DeploymentTask(
                cycle=cycle,
                branch=branch,
                side="construction",
                title=special,
                due_on=today + 3 * day,
            )
        )
        held_on = today - (15 - index) * day
        if index < 3 and held_on >= cycle.starts_on:
            services.inspection_record(
                inspection=Inspection(
                    cycle=cycle,
                    branch=branch,
                    held_on=held_on,
                    inspectors="项目党委、街道建设科联合检查组",
                    findings="施工安全准备不足" if index == 0 else "未发现明显问题",
                    rectification="完善施工安全防护措施" if index == 0 else "",
                    rectification_due=today + day if index == 0 else None,
                )
            )
    if today > cycle.deploy_due:
        services.cycle_advance(cycle=cycle)
