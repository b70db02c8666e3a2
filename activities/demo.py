"""The last twelve months of organisational life in the five pilot branches (this month's up to
today), the two campaigns, the three brands, rules and suggestions in every state.

Two branches lag on purpose, so that compliance is honest: 陆洪闸 missed three committee
meetings, a theme Party day and the last finished quarter's lesson; 大学城 missed a committee
meeting and last month's meeting of one group. The dates are placed relative to the day the
demo is loaded (ctx.today), the choices seeded: the same log on every machine on a given day."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from activities import services
from activities.compliance import QUARTER_END
from activities.defaults import ensure_default_kinds
from activities.models import (
    ActivityKind,
    ActivityLog,
    Attendance,
    Brand,
    Campaign,
    CampaignItem,
    Rule,
    Suggestion,
)
from core.demo import SEED, DemoContext, add_months
from members.models import Participation

D = datetime.date
CAMPAIGN_ITEMS = ["关爱进工地", "党徽照我行", "缤纷文化亮工地", "我为项目献一策"]
CAMPAIGNS = [
    ("紫琅山下党旗红", "项目党委主题活动系列，围绕项目建设开展。"),
    ("脚手架上党旗扬", "在施工一线亮身份、作表率的主题活动系列。"),
]
# Per branch (in the order of the pilots), counted in months before today's month (1: last
# month): the months a committee meeting was missed, a theme day missed, whether the Party
# lesson of the last finished quarter was missed, and (months ago, group index) of the Party
# group meetings missed. Only finished months count as missed: in January nobody is behind yet.
GAPS = [
    ((), (), False, ()),
    ((), (), False, ()),
    ((), (), False, ()),
    ((5,), (), False, ((1, 0),)),
    ((1, 4, 7), (5,), True, ()),
]
# When in a month each kind is held (the committee meeting a day later in each branch).
COMMITTEE_DAY, THEME_DAY, GROUP_DAY = 3, 15, 18
GENERAL_DAY, LESSON_DAY, WORK_SHED_DAY = 25, 26, 20
LIFE_MEETING_DAY, APPRAISAL_DAY = 27, 28
BRANDS = [
    ("三关爱", "支部关爱党员", "企业关爱职工", "党员关爱群众", "关爱凝聚人心，党建助推项目"),
    ("三亮化", "亮身份", "亮承诺", "亮形象", "一名党员一面旗"),
    ("三竞赛", "比技能", "比奉献", "比创新", "在竞赛中争先，在项目上建功"),
]
RULES = [
    (
        "branch",
        "operating",
        "项目党支部工作制度",
        "支部每月召开支委会，每季度召开党员大会、上一次党课；重大事项集体讨论决定。",
    ),
    (
        "engineering",
        "deliberation",
        "项目工程部议事规则",
        "涉及进度、质量、安全的重大事项，工程部与支部共同研究，同部署、同检查。",
    ),
    (
        "branch",
        "activity",
        "工棚小党课制度",
        "利用工余时间在工棚开展小党课，每季度不少于一次，由支部委员或先锋岗党员授课。",
    ),
]
SUGGESTIONS = [
    # (project index, content, author, member?, path: [(status, day offset, note, days, money)])
    (0, "塔吊错峰作业，缩短主体结构工期", "施工员", True, [("adopted", 5, "采纳，由工程部排班", None, None), ("implemented", 40, "主体结构提前完成", 12, "350000")]),
    (0, "夜间混凝土浇筑提前告知周边居民", "社区网格员", False, [("adopted", 3, "采纳，社区协助张贴告示", None, None)]),
    (1, "钢筋加工集中配送，减少现场损耗", "钢筋班组长", True, [("adopted", 7, "采纳", None, None), ("implemented", 60, "钢筋损耗率下降", None, "180000")]),
    (1, "增设工地临时食堂", "木工", False, [("declined", 10, "场地不足，改为与周边餐饮合作送餐", None, None)]),
    (2, "美食街区外立面样板先行", "项目经理", True, [("adopted", 4, "采纳", None, None), ("implemented", 30, "样板一次通过验收", 8, None)]),
    (2, "施工围挡增加文化宣传内容", "党员志愿者", True, []),
    (3, "大学城配套道路分段开放", "指挥部联络员", False, [("adopted", 6, "采纳，报交警部门备案", None, None)]),
    (4, "历史建筑构件编号保护", "质检员", True, [("adopted", 2, "采纳", None, None), ("implemented", 25, "构件保存完好", None, None)]),
    (4, "拆迁过渡房源提前公示", "社区书记", True, [("declined", 12, "房源尚未落实，暂缓", None, None)]),
    (4, "工棚增设图书角", "电工", False, []),
]  # fmt: skip


EVENING = datetime.time(21, 0)


def _attendance(rng, log, members):
    rows = []
    for member in members:
        roll = rng.random()
        if roll < 0.85:
            rows.append(Attendance(log=log, member=member, status="present"))
        elif roll < 0.93:
            rows.append(
                Attendance(
                    log=log,
                    member=member,
                    status="leave",
                    reason=rng.choice(["施工任务", "返乡探亲", "病假"]),
                )
            )
        else:
            rows.append(Attendance(log=log, member=member, status="absent"))
    return rows


def load(ctx: DemoContext) -> None:
    ensure_default_kinds(ActivityKind)
    if ActivityLog.objects.exists():
        return  # a year of logs is loaded once; later runs change nothing
    rng = random.Random(f"{SEED}-activities")  # noqa: S311 - demo data, not secrets
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    branches = ctx.objects["branches"]
    today = ctx.today
    months = [ctx.month_start(ago) for ago in range(11, -1, -1)]  # the last 12, this one last
    # The year-long series runs over the twelve months; the scaffolding one from March to
    # October of the year whose May lies among them.
    may = next(month for month in months if month.month == 5)
    spans = [
        (months[0], add_months(months[0], 13) - datetime.timedelta(days=1)),
        (D(may.year, 3, 1), D(may.year, 10, 31)),
    ]
    campaigns = []
    for (name, description), (starts, ends) in zip(CAMPAIGNS, spans, strict=True):
        campaign, _ = Campaign.objects.get_or_create(
            name=name, defaults={"starts_on": starts, "ends_on": ends, "description": description}
        )
        campaign.branches.set(branches)
        for order, item in enumerate(CAMPAIGN_ITEMS):
            CampaignItem.objects.get_or_create(
                campaign=campaign,
                name=item,
                defaults={"order": order, "collects_suggestions": item == "我为项目献一策"},
            )
        campaigns.append(campaign)
    items = {item.name: item for item in CampaignItem.objects.filter(campaign=campaigns[0])}
    scaffold_items = {
        item.name: item for item in CampaignItem.objects.filter(campaign=campaigns[1])
    }
    actor = ctx.objects["staff_user"]

    logs: list[ActivityLog] = []
    members_of: dict[int, list] = {}
    for index, branch in enumerate(branches):
        missed_committee, missed_day, missed_lesson, missed_groups = GAPS[index]
        groups = list(branch.party_groups.filter(dissolved_on__isnull=True).order_by("pk"))
        participations = Participation.objects.filter(
            branch=branch, left_on__isnull=True
        ).select_related("member")
        everyone = [p.member for p in participations]
        by_group = {
            g.pk: [p.member for p in participations if p.party_group_id == g.pk] for g in groups
        }
        # The last quarter-end month before this one (its Party lesson is the one 陆洪闸 missed).
        last_quarter_end = next(
            ago for ago in range(1, 4) if ctx.month_start(ago).month in QUARTER_END
        )

        def add(
            kind,
            day,
            title,
            group=None,
            item=None,
            lecturer="",
            branch=branch,
            everyone=everyone,
            by_group=by_group,
        ):
            if day > today:
                return  # still to come this month
            log = ActivityLog(
                branch=branch,
                party_group=group,
                kind=kinds[kind],
                campaign_item=item,
                title=title,
                held_on=day,
                starts_at=datetime.time(18, 30)
                if kind != "theme-party-day"
                else datetime.time(9, 0),
                place=rng.choice(
                    ["项目部会议室", "工棚党员活动室", "施工现场", "社区党群服务中心"]
                ),
                host=rng.choice(everyone).name if everyone else "",
                recorder=rng.choice(everyone).name if everyone else "",
                lecturer=lecturer,
                non_member_count=rng.randrange(0, 12)
                if kind in ("site-care", "volunteer-service", "flag-on-scaffolding")
                else 0,
                content=f"{title}。传达学习上级精神，研究本月党建与项目建设同步推进事项。",
                outcome="形成会议纪要，明确责任分工。",
                status=ActivityLog.Status.SUBMITTED,
                # Submitted the evening it was held.
                submitted_at=timezone.make_aware(datetime.datetime.combine(day, EVENING)),
                submitted_by=actor,
                created_by=actor,
            )
            logs.append(log)
            members_of[id(log)] = by_group[group.pk] if group else everyone

        for ago, first in zip(range(11, -1, -1), months, strict=True):
            month = first.month

            def on(day, first=first):
                return first.replace(day=day)

            if ago not in missed_committee:
                add("committee-meeting", on(COMMITTEE_DAY + index), f"{month}月支委会")
            if ago not in missed_day:
                add(
                    "theme-party-day",
                    on(THEME_DAY),
                    f"{month}月主题党日",
                    item=items["党徽照我行"] if month == 4 else None,
                )
            for g_index, group in enumerate(groups):
                if (ago, g_index) not in missed_groups:
                    add(
                        "group-meeting",
                        on(GROUP_DAY + g_index),
                        f"{month}月{group.name}会",
                        group=group,
                    )
            if month in QUARTER_END:
                quarter = month // 3
                add("general-meeting", on(GENERAL_DAY), f"第{quarter}季度党员大会")
                if not (missed_lesson and ago == last_quarter_end):
                    if quarter == 2:
                        add(
                            "work-shed-lesson",
                            on(WORK_SHED_DAY),
                            "工棚小党课：安全生产与党员责任",
                            lecturer=ctx.person_name(),
                        )
                    else:
                        add(
                            "party-lesson",
                            on(LESSON_DAY),
                            f"第{quarter}季度党课",
                            lecturer=ctx.person_name(),
                        )
            if month == 12:
                add("life-meeting", on(LIFE_MEETING_DAY), f"{first.year}年度组织生活会")
                add("member-appraisal", on(APPRAISAL_DAY), f"{first.year}年度民主评议党员")
            if month == 2:
                add("site-care", on(10), "工地大关爱：春节前慰问一线职工", item=items["关爱进工地"])
            if month == 5:
                add(
                    "flag-on-scaffolding",
                    on(12),
                    "脚手架上党旗扬：党员突击队攻坚",
                    item=scaffold_items["党徽照我行"],
                )
            if month == 7:
                add(
                    "volunteer-service",
                    on(6),
                    "缤纷文化亮工地：夏日送清凉",
                    item=items["缤纷文化亮工地"],
                )
    ActivityLog.objects.bulk_create(logs, batch_size=500)
    stored = list(ActivityLog.objects.order_by("pk"))
    # bulk_create gives the keys back in order; the history rows follow.
    get_history_manager_for_model(ActivityLog).bulk_history_create(stored, default_user=actor)
    attendance = []
    for log, made in zip(stored, logs, strict=True):
        attendance += _attendance(rng, log, members_of[id(made)])
    Attendance.objects.bulk_create(attendance, batch_size=1000)

    # Two drafts of today, not yet submitted.
    for branch in branches[:2]:
        services.activity_log_create(
            log=ActivityLog(
                branch=branch,
                kind=kinds["committee-meeting"],
                title=f"{today.month}月支委会（草稿）",
                held_on=today,
                place="项目部会议室",
            ),
            attendance={},
            actor=actor,
        )

    for branch, (name, p1, p2, p3, slogan) in zip(branches, BRANDS, strict=False):
        brand, created = Brand.objects.get_or_create(
            branch=branch,
            defaults={
                "name": name,
                "pillar_1": p1,
                "pillar_2": p2,
                "pillar_3": p3,
                "slogan": slogan,
            },
        )
        if created:
            brand.evidence.set(
                ActivityLog.objects.filter(
                    branch=branch,
                    kind__code__in=["site-care", "flag-on-scaffolding", "volunteer-service"],
                )
            )
    for branch in branches:
        for owner, kind, title, text in RULES:
            Rule.objects.get_or_create(
                branch=branch,
                title=title,
                defaults={
                    "owner": owner,
                    "kind": kind,
                    "effective_on": branch.established_on,
                    "text": text,
                },
            )
    _suggestions(ctx, actor)


def _suggestions(ctx: DemoContext, actor) -> None:
    projects = ctx.objects["projects"]
    for number, (index, content, author, is_member, path) in enumerate(SUGGESTIONS):
        project = projects[index]
        if Suggestion.objects.filter(project=project, content=content).exists():
            continue
        submitted = ctx.shift(D(2026, 3, 1)) + datetime.timedelta(days=17 * number)
        suggestion = services.suggestion_submit(
            suggestion=Suggestion(
                project=project,
                working_group=project.working_groups.filter(kind="coordination").first(),
                author=author,
                author_is_member=is_member,
                content=content,
                submitted_on=submitted,
            ),
            actor=actor,
        )
        for status, offset, note, days, money in path:
            suggestion = services.suggestion_move(
                suggestion=suggestion,
                to_status=status,
                on=submitted + datetime.timedelta(days=offset),
                actor=actor,
                note=note,
                days_saved=days,
                money_saved=Decimal(money) if money else None,
            )
