"""Langshan Town street, its 15 communities, its 52 "Double Hundred" key projects and the five
pilot projects over ¥1 billion with their three subjects, timelines and working groups.

The report gives the street's figures, the five pilots, five enterprises and the count of key
projects; it does not say which enterprise works on which project, nor the investments, dates,
the other 47 projects' or the communities' names: those are illustrative (and editable)."""

import datetime
from decimal import Decimal

from core.demo import DemoContext
from projects import services
from projects.models import (
    Community,
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    ProjectManager,
    Stage,
    Street,
    WorkingGroup,
    WorkingGroupMember,
)

D = datetime.date
COMMUNITY_COUNT = 15
COMMUNITY_NUMERALS = "一二三四五六七八九十"
KEY_PROJECT_COUNT = 52  # "双百" key projects in the street in the report's year
OVER_A_BILLION = 10  # of which over ¥1 billion

ENTERPRISES = [
    # (name, Party organisation status): most have none, one has one that never meets.
    ("凤凰传媒集团", Enterprise.PartyOrgStatus.ACTIVE),
    ("苏宁电器", Enterprise.PartyOrgStatus.ACTIVE),
    ("上海星浩资本集团", Enterprise.PartyOrgStatus.NONE),
    ("龙信集团", Enterprise.PartyOrgStatus.INACTIVE),
    ("南通一建", Enterprise.PartyOrgStatus.NONE),
]

PROJECTS = [
    # (name, category, investment in yuan, community index, investor, general contractor)
    ("星光耀广场", Project.Category.SERVICES, "3000000000", 0, "上海星浩资本集团", "龙信集团"),
    ("汇金国际广场", Project.Category.SERVICES, "1500000000", 1, "苏宁电器", "南通一建"),
    ("江海美食文化街区", Project.Category.CULTURAL_TOURISM, "1200000000", 2, "凤凰传媒集团", "南通一建"),
    ("南通大学城综合配套服务区", Project.Category.SERVICES, "2000000000", 3, "凤凰传媒集团", "龙信集团"),
    ("陆洪闸历史文化街区", Project.Category.CULTURAL_TOURISM, "1100000000", 4, "上海星浩资本集团", "南通一建"),
]  # fmt: skip

# Every date below is written for core.demo.ANCHOR and moved to the same distance from the day
# the demo is loaded (ctx.shift).
# The engineering department and its first project manager, per pilot (same order). Two pilots
# break a synchronisation on purpose: 大学城's department was set up 72 days before its branch,
# and 陆洪闸's project manager came 63 days after its secretary.
ENGINEERING = [
    (D(2025, 2, 20), D(2025, 2, 25)),
    (D(2025, 2, 15), D(2025, 2, 15)),
    (D(2025, 3, 1), D(2025, 3, 1)),
    (D(2025, 1, 10), D(2025, 1, 10)),
    (D(2025, 3, 20), D(2025, 6, 1)),
]

# (planned, actual) per stage. 江海美食文化街区 went from approval to start in under six months.
TIMELINES = [
    {
        Stage.APPROVAL: (D(2023, 3, 1), D(2023, 3, 1)),
        Stage.LAND_LISTING: (D(2023, 6, 1), D(2023, 6, 10)),
        Stage.SCHEME_DESIGN: (D(2023, 10, 31), D(2023, 11, 1)),
        Stage.EXPROPRIATION: (D(2024, 5, 31), D(2024, 5, 15)),
        Stage.CONSTRUCTION_START: (D(2025, 3, 1), D(2025, 3, 18)),
        Stage.COMPLETION: (D(2026, 10, 31), None),
        Stage.OPENING: (D(2027, 5, 1), None),
    },
    {
        Stage.APPROVAL: (D(2023, 9, 1), D(2023, 9, 1)),
        Stage.LAND_LISTING: (D(2023, 12, 31), D(2023, 12, 20)),
        Stage.SCHEME_DESIGN: (D(2024, 6, 1), D(2024, 6, 1)),
        Stage.CONSTRUCTION_START: (D(2025, 3, 15), D(2025, 3, 20)),
        Stage.COMPLETION: (D(2027, 6, 30), None),
        Stage.OPENING: (D(2027, 12, 31), None),
    },
    {
        Stage.APPROVAL: (D(2024, 9, 10), D(2024, 9, 10)),
        Stage.LAND_LISTING: (D(2024, 10, 31), D(2024, 10, 20)),
        Stage.SCHEME_DESIGN: (D(2024, 12, 31), D(2024, 12, 15)),
        Stage.CONSTRUCTION_START: (D(2025, 3, 31), D(2025, 3, 5)),
        Stage.COMPLETION: (D(2027, 3, 31), None),
        Stage.OPENING: (D(2027, 9, 30), None),
    },
    {
        Stage.APPROVAL: (D(2023, 5, 20), D(2023, 5, 20)),
        Stage.LAND_LISTING: (D(2023, 8, 1), D(2023, 8, 1)),
        Stage.SCHEME_DESIGN: (D(2024, 2, 29), D(2024, 3, 10)),
        Stage.EXPROPRIATION: (D(2024, 9, 30), D(2024, 10, 15)),
        Stage.CONSTRUCTION_START: (D(2025, 1, 31), D(2025, 2, 1)),
        Stage.COMPLETION: (D(2027, 12, 31), None),
    },
    {
        Stage.APPROVAL: (D(2024, 6, 1), D(2024, 6, 1)),
        Stage.SCHEME_DESIGN: (D(2025, 1, 31), D(2025, 3, 10)),
        Stage.EXPROPRIATION: (D(2025, 9, 30), None),
        Stage.CONSTRUCTION_START: (D(2026, 3, 1), None),
    },
]

WORKING_GROUPS = [
    (WorkingGroup.Kind.LAND_LISTING, "土地挂牌工作小组"),
    (WorkingGroup.Kind.SCHEME_DESIGN, "方案设计工作小组"),
    (WorkingGroup.Kind.COORDINATION, "项目协调工作小组"),
    (WorkingGroup.Kind.EXPROPRIATION, "征收拆迁工作小组"),
    (WorkingGroup.Kind.QUALITY_SUPERVISION, "质量监管工作小组"),
]

CATEGORIES = [Project.Category.SERVICES, Project.Category.CULTURAL_TOURISM, Project.Category.OTHER]


def community_name(index: int) -> str:
    """第一社区 … 第十五社区 (the report gives the count, not the names)."""
    n = index + 1
    numeral = COMMUNITY_NUMERALS[n - 1] if n <= 10 else "十" + COMMUNITY_NUMERALS[n - 11]
    return f"第{numeral}社区"


def other_key_projects() -> list[tuple[str, str, Decimal, int]]:
    """The street's other 47 key projects (named by number: the report does not name them).
    Five more are over ¥1 billion, making the report's ten."""
    rows = []
    for number in range(len(PROJECTS) + 1, KEY_PROJECT_COUNT + 1):
        index = number - len(PROJECTS) - 1
        if index < OVER_A_BILLION - len(PROJECTS):
            investment = Decimal(1_050_000_000 + 150_000_000 * index)
        else:
            investment = Decimal(80_000_000 + 17_000_000 * index)
        rows.append(
            (
                f"示例重点项目{number:02d}",
                CATEGORIES[index % 3],
                investment,
                index % COMMUNITY_COUNT,
            )
        )
    return rows


def load(ctx: DemoContext) -> None:
    fake = ctx.faker_for("projects")
    street, _ = Street.objects.get_or_create(
        name="狼山镇街道",
        defaults={"district": "崇川区", "area_km2": Decimal("19.72"), "population": 55_000},
    )
    ctx.objects["street"] = street
    communities = [
        Community.objects.get_or_create(street=street, name=community_name(i))[0]
        for i in range(COMMUNITY_COUNT)
    ]
    enterprises = {
        name: Enterprise.objects.get_or_create(name=name, defaults={"party_org_status": status})[0]
        for name, status in ENTERPRISES
    }
    projects = []
    for index, (name, category, investment, community_index, investor, contractor) in enumerate(
        PROJECTS
    ):
        engineering_on, manager_on = (ctx.shift(day) for day in ENGINEERING[index])
        project, created = Project.objects.get_or_create(
            name=name,
            defaults={
                "community": communities[community_index],
                "category": category,
                "is_key_project": True,
                "total_investment": Decimal(investment),
                "hq_commander": fake.name(),
                "hq_contact_name": fake.name(),
                "hq_contact_phone": f"0513-8551{index:04d}",
                "engineering_established_on": engineering_on,
            },
        )
        for enterprise_name, role in (
            (investor, ProjectEnterprise.Role.INVESTOR),
            (contractor, ProjectEnterprise.Role.GENERAL_CONTRACTOR),
        ):
            ProjectEnterprise.objects.get_or_create(
                project=project, enterprise=enterprises[enterprise_name], role=role
            )
        if not ProjectManager.objects.filter(project=project).exists():
            services.project_manager_appoint(
                project=project,
                name=fake.name(),
                appointed_on=manager_on,
                enterprise=enterprises[contractor],
            )
        if created:  # a later day's load leaves the dates placed by the first one
            services.project_timeline_update(
                project=project,
                dates={
                    stage: (ctx.shift(planned), actual and ctx.shift(actual))
                    for stage, (planned, actual) in TIMELINES[index].items()
                },
            )
        _working_groups(project, fake, index, established_on=engineering_on)
        projects.append(project)
    ctx.objects["projects"] = projects

    for name, category, investment, community_index in other_key_projects():
        Project.objects.get_or_create(
            name=name,
            defaults={
                "community": communities[community_index],
                "category": category,
                "is_key_project": True,
                "total_investment": investment,
            },
        )


def _working_groups(
    project: Project, fake, project_index: int, *, established_on: datetime.date
) -> None:
    joined = established_on
    for kind, name in WORKING_GROUPS:
        group, created = WorkingGroup.objects.get_or_create(
            project=project,
            name=name,
            defaults={"kind": kind, "leader_name": fake.name(), "established_on": joined},
        )
        if created:
            for seat in range(3):
                WorkingGroupMember.objects.create(
                    working_group=group,
                    name=fake.name(),
                    organisation=["项目指挥部", "项目工程部", "社区"][seat],
                    is_party_member=(seat + project_index) % 2 == 0,
                    joined_on=joined,
                )


# Coordination items: (project index, title, working group, raised by, raised, due, steps)
# where a step is (status, date, note).
COORDINATION = [
    (0, "施工便道占用绿地，需协调园林部门", "项目协调工作小组", "项目工程部", D(2026, 10, 20), D(2026, 11, 10), []),
    (1, "地下管线迁改进度滞后", "项目协调工作小组", "项目指挥部", D(2026, 9, 1), D(2026, 10, 15), [
        (CoordinationItem.Status.IN_PROGRESS, D(2026, 9, 5), "已约请管线单位现场会商"),
        (CoordinationItem.Status.RESOLVED, D(2026, 10, 12), "管线单位增派施工班组，迁改完成"),
    ]),
    (2, "夜间施工噪声投诉", "质量监管工作小组", "社区", D(2026, 11, 18), D(2027, 3, 31), []),
    (4, "历史建筑保护方案待文物部门审批", "方案设计工作小组", "项目指挥部", D(2026, 8, 15), D(2026, 9, 30), [
        (CoordinationItem.Status.IN_PROGRESS, D(2026, 8, 20), "已报送保护方案"),
        (CoordinationItem.Status.ESCALATED, D(2026, 10, 5), "逾期未获批复，提请项目党委协调"),
    ]),
]  # fmt: skip


def load_coordination(ctx: DemoContext) -> None:
    """A few coordination items, raised and moved through the services (after the branches)."""
    actor = ctx.objects["staff_user"]
    for index, title, group_name, raised_by, raised, due, steps in COORDINATION:
        project = ctx.objects["projects"][index]
        if CoordinationItem.objects.filter(project=project, title=title).exists():
            continue
        group = project.working_groups.get(name=group_name)
        item = services.coordination_item_raise(
            project=project,
            title=title,
            raised_by=raised_by,
            raised_on=ctx.shift(raised),
            due_on=ctx.shift(due),
            actor=actor,
            working_group=group,
            owner_party_group=group.party_groups.filter(dissolved_on__isnull=True).first(),
        )
        for status, on, note in steps:
            item = services.coordination_item_move(
                item=item, to_status=status, happened_on=ctx.shift(on), actor=actor, note=note
            )
