"""Langshan Town street, its 15 communities and the five pilot projects over ¥1 billion.

The report names the street's figures, the projects and five enterprises but not which
enterprise works on which project, nor the projects' exact investment or the communities'
names: those are illustrative here (and editable in the admin)."""

from decimal import Decimal

from core.demo import DemoContext
from projects.models import Community, Enterprise, Project, ProjectEnterprise, Street

COMMUNITY_COUNT = 15
COMMUNITY_NUMERALS = "一二三四五六七八九十"

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
    (
        "星光耀广场",
        Project.Category.SERVICES,
        Decimal("3000000000"),
        0,
        "上海星浩资本集团",
        "龙信集团",
    ),
    ("汇金国际广场", Project.Category.SERVICES, Decimal("1500000000"), 1, "苏宁电器", "南通一建"),
    (
        "江海美食文化街区",
        Project.Category.CULTURAL_TOURISM,
        Decimal("1200000000"),
        2,
        "凤凰传媒集团",
        "南通一建",
    ),
    (
        "南通大学城综合配套服务区",
        Project.Category.SERVICES,
        Decimal("2000000000"),
        3,
        "凤凰传媒集团",
        "龙信集团",
    ),
    (
        "陆洪闸历史文化街区",
        Project.Category.CULTURAL_TOURISM,
        Decimal("1100000000"),
        4,
        "上海星浩资本集团",
        "南通一建",
    ),
]


def community_name(index: int) -> str:
    """第一社区 … 第十五社区 (the report gives the count, not the names)."""
    n = index + 1
    numeral = COMMUNITY_NUMERALS[n - 1] if n <= 10 else "十" + COMMUNITY_NUMERALS[n - 11]
    return f"第{numeral}社区"


def load(ctx: DemoContext) -> None:
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
    for name, category, investment, community_index, investor, contractor in PROJECTS:
        project, _ = Project.objects.get_or_create(
            name=name,
            defaults={
                "community": communities[community_index],
                "category": category,
                "is_key_project": True,
                "total_investment": investment,
            },
        )
        for enterprise_name, role in (
            (investor, ProjectEnterprise.Role.INVESTOR),
            (contractor, ProjectEnterprise.Role.GENERAL_CONTRACTOR),
        ):
            ProjectEnterprise.objects.get_or_create(
                project=project, enterprise=enterprises[enterprise_name], role=role
            )
        projects.append(project)
    ctx.objects["projects"] = projects
