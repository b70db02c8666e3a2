"""City-scale data (issue 11): on top of the demo, the volumes of a district or city committee
running the portal for all its projects after some years.

At scale 1.0: 2,000 projects each with a branch (seats, a secretary's log-in, Party groups
matched to the working groups), 100,000 members with their participations, 1,000,000 activity
logs with 3,000,000 attendance rows, 20,000 coordination items, and every new branch in the
demo's published and in-progress assessment cycles, with scores and results.

Deterministic (one seeded generator, the same rows for the same scale on the same day) and
fast: rows are generated as tuples with their keys allocated here, and written with COPY on
PostgreSQL or executemany batches elsewhere. Every model constraint holds (the rows are built
to satisfy them, and the database checks them as they arrive); dates lie in the last twelve
months from today, so the pages look alive. The history tables (django-simple-history) get a
creation row for every new record except activity logs, whose million rows would double the
load for a history no page reads in bulk.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from faker.providers.person.zh_CN import Provider as ChineseNames

from accounts.models import User
from activities.models import (
    ActivityKind,
    ActivityLog,
    Attendance,
    Campaign,
    CampaignItem,
    Suggestion,
    SuggestionStep,
)
from assessments import scoring
from assessments import services as assessment_services
from assessments.models import (
    Criterion,
    Cycle,
    Delivery,
    DeploymentTask,
    Notification,
    Result,
    RuleVersion,
    Score,
)
from branches.models import Branch, PartyCommittee, PartyGroup, Seat
from core.demo import DEMO_PASSWORD, SEED
from members import dues, moves
from members.identity import check_character
from members.models import (
    Candidate,
    CandidateStep,
    DuesBase,
    DuesCollection,
    DuesPayment,
    FloatingCertificate,
    HomeOrganisation,
    Member,
    Participation,
    Transfer,
    TransferLetter,
    TransferStep,
)
from projects.models import (
    STAGE_SEQUENCE,
    Community,
    CoordinationEvent,
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    ProjectManager,
    ProjectStage,
    Stage,
    Street,
    WorkingGroup,
    WorkingGroupMember,
)

D = datetime.date
DAY = datetime.timedelta(days=1)

# The volumes at scale 1.0 (issue 11).
PROJECTS = 2_000
MEMBERS = 100_000
ACTIVITY_LOGS = 1_000_000
ATTENDANCE_PER_LOG = 3  # on average: 3,000,000 rows at scale 1.0
COORDINATION_ITEMS = 20_000
SUGGESTIONS = 20_000  # 金点子: ten a project over the years
CANDIDATES = 10_000  # 发展党员: five a branch on their way in, none admitted yet
ENDED_REASONS = ["left_site", "withdrew", "not_admitted"]
REMINDERS_PER_SECRETARY = 25  # a year of the bell for each branch's secretary
STAFF_REMINDERS = 5_000  # the street's own bell: a branch behind, a task overdue …
FAILED_DELIVERY_SHARE = 0.01  # e-mails that failed for good (the undelivered page)
# Branch sizes follow a power law: the largest of 2,000 branches holds about 3 % of the logs
# and members (30,000 logs), the smallest about 160 logs; weight of the n-th is n ** -0.7.
SIZE_EXPONENT = 0.7

USERNAME_PREFIX = "city"  # secretaries' log-ins: city0001, city0002 …
SECRETARY_USERNAME = USERNAME_PREFIX + "{:04d}"

PLACES = ["崇川", "港闸", "通州", "海门", "启东", "如皋", "如东", "海安", "狼山", "濠河", "钟秀",
          "观音山", "唐闸", "天生港", "任港", "秦灶", "永兴", "幸福", "虹桥", "学田"]  # fmt: skip
PROJECT_KINDS = ["安置房", "商业综合体", "学校", "医院", "道路改造", "产业园", "污水处理厂",
                 "体育中心", "文化街区", "城市更新", "地铁站点", "公园"]  # fmt: skip
ENTERPRISE_KINDS = ["建设集团", "建工集团", "置业有限公司", "城建投资公司", "市政工程公司",
                    "装饰工程公司", "安装工程公司"]  # fmt: skip
HOME_PLACES = ["安徽省阜阳市", "河南省周口市", "四川省南充市", "江苏省如东县", "江西省上饶市",
               "湖北省黄冈市", "山东省临沂市", "江苏省南通市"]  # fmt: skip
AREA_CODES = ["320602", "320611", "320623", "341202", "341221", "342201", "410526", "510129"]
JOBS = ["项目副经理", "施工员", "安全员", "钢筋工", "木工", "电工", "质检员", "资料员", "架子工",
        "测量员", "预算员", "材料员"]  # fmt: skip
WORKING_GROUPS = [
    (WorkingGroup.Kind.LAND_LISTING, "土地挂牌工作小组", "土地挂牌党小组"),
    (WorkingGroup.Kind.SCHEME_DESIGN, "方案设计工作小组", "方案设计党小组"),
    (WorkingGroup.Kind.COORDINATION, "项目协调工作小组", "项目协调党小组"),
    (WorkingGroup.Kind.QUALITY_SUPERVISION, "质量监管工作小组", "质量监管党小组"),
    (WorkingGroup.Kind.EXPROPRIATION, "征收拆迁工作小组", "征收拆迁党小组"),
]
SUGGESTION_TEXTS = [
    "钢筋加工场与堆场合并，减少二次搬运",
    "雨季前提前疏通场区排水沟，避免基坑积水",
    "塔吊作业与混凝土浇筑错峰安排",
    "工人夜校增设安全操作微课",
    "材料进场实行预约制，缓解道路拥堵",
    "临时用电线路改为架空敷设",
    "周边居民开放日，提前告知夜间施工安排",
    "建立工友议事会，收集一线意见",
]
REMINDER_EVENTS = [
    ("activity_due", "本月活动尚未记录"),
    ("task_due", "部署任务即将到期"),
    ("inspection_due", "检查整改即将到期"),
    ("coordination_overdue", "协调事项已逾期"),
    ("self_scoring", "请完成联合考评自评"),
]
PLACES_ON_SITE = ["项目部会议室", "工棚党员活动室", "施工现场", "社区党群服务中心"]
# Kinds logged besides the regular schedule, with their weights.
EXTRA_KINDS = [
    ("group-meeting", 30),
    ("site-care", 15),
    ("volunteer-service", 15),
    ("flag-on-scaffolding", 10),
    ("work-shed-lesson", 10),
    ("other", 20),
]
COORDINATION_TITLES = [
    "施工便道占用绿地，需协调园林部门",
    "地下管线迁改进度滞后",
    "夜间施工噪声投诉",
    "渣土外运车辆通行证办理",
    "临时用电增容申请",
    "周边居民出行通道调整",
    "规划方案需补充论证",
    "雨季排水设施不足",
]


# Writing ----------------------------------------------------------------------------------------


@dataclass
class Writer:
    """Writes rows (tuples in the order of `columns`) to a model's table and counts them."""

    counts: Counter = field(default_factory=Counter)
    chunk_rows: int = 50_000

    @property
    def copy(self) -> bool:
        return connection.vendor == "postgresql"

    def next_id(self, model: type[models.Model], column: str = "id") -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                # Names from the model's own metadata, never from input.
                f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) "  # noqa: S608
                f"FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            return cursor.fetchone()[0] + 1

    def write(self, model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> None:
        fields = {f.column: f for f in model._meta.concrete_fields}
        if unknown := set(columns) - set(fields):
            raise ValueError(f"{model._meta.label} has no columns {sorted(unknown)}")
        # A column not given takes the field's default (Django keeps defaults out of the
        # schema, so COPY would write NULL); one with no default must be given.
        extra = []
        now = timezone.now()
        for column, model_field in fields.items():
            if column in columns:
                continue
            # When a row last changed (updated_at, auto_now): now, as a save would write it.
            if getattr(model_field, "auto_now", False):
                extra.append((column, now))
                continue
            if not (model_field.has_default() or model_field.null):
                raise ValueError(f"{model._meta.label}: give the column {column}")
            extra.append((column, model_field.get_default()))
        if extra:
            columns = [*columns, *(column for column, _value in extra)]
            values = tuple(value for _column, value in extra)
            rows = (row + values for row in rows)
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.chunk_rows:
                self._flush(model, columns, batch)
                batch = []
        if batch:
            self._flush(model, columns, batch)

    def _flush(self, model, columns: list[str], rows: list[tuple]) -> None:
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.copy:
                text = "".join("\t".join(map(_pg_text, row)) + "\n" for row in rows)
                cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", io.StringIO(text))
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    [tuple(map(_sqlite_value, row)) for row in rows],
                )
        self.counts[model._meta.db_table] += len(rows)

    def write_with_history(
        self, model: type[models.Model], columns: list[str], rows: list[tuple], when, user_id
    ) -> None:
        """The rows, and for each a creation row in the model's history table."""
        self.write(model, columns, rows)
        history = model.history.model
        kept = [i for i, c in enumerate(columns) if c in {f.column for f in history._meta.fields}]
        history_columns = [columns[i] for i in kept] + [
            "history_id",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ]
        first = self.next_id(history, "history_id")
        self.write(
            history,
            history_columns,
            (
                (*(row[i] for i in kept), first + n, when, None, "+", user_id)
                for n, row in enumerate(rows)
            ),
        )

    def finish(self, touched: list[type[models.Model]]) -> None:
        """Move the key sequences past the keys given here, and refresh the planner's figures."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), touched):
                cursor.execute(statement)
            if self.copy:
                for model in touched:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def settle(self, touched: list[type[models.Model]]) -> None:
        """Vacuum the tables written, as autovacuum does after a while on a server that runs it
        (this machine's PostgreSQL does not): until then every index-only scan also reads the
        table's rows, and the benchmark would measure a database no one runs. Outside a
        transaction only (VACUUM cannot run in one; a test's loader skips it)."""
        if not self.copy or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in touched:
                cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")


def _pg_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if kind is bool:
        return "t" if value else "f"
    return str(value)  # int, Decimal, date, time, aware datetime (with its offset)


def _sqlite_value(value):
    kind = type(value)
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is datetime.date or kind is datetime.time:
        return value.isoformat()
    if kind is Decimal:
        return str(value)
    return value


# Generating -------------------------------------------------------------------------------------


def _weights(count: int) -> list[float]:
    return [(n + 1) ** -SIZE_EXPONENT for n in range(count)]


def _spread(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """`total` split in the shares of `weights`, each part at least `minimum`; the parts add up
    to `total` exactly."""
    count = len(weights)
    whole = sum(weights)
    parts = [max(minimum, int(total * w / whole)) for w in weights]
    rest = total - sum(parts)
    index = 0
    while rest != 0 and count:
        step = 1 if rest > 0 else -1
        if parts[index % count] + step >= minimum:
            parts[index % count] += step
            rest -= step
        index += 1
    return parts


@dataclass
class CityBranch:
    id: int
    project_id: int
    name: str
    established_on: datetime.date
    secretary_id: int
    groups: list[tuple[int, datetime.date, int]]  # (party group id, established, working group)
    members: list[tuple[int, str]] = field(default_factory=list)  # (id, name)
    members_by_group: dict[int, list[tuple[int, str]]] = field(default_factory=dict)


class City:
    def __init__(self, *, scale: float, today: datetime.date | None = None, seed: int = SEED):
        self.scale = scale
        self.today = today or timezone.localdate()
        self.start = self.today - datetime.timedelta(days=365)
        self.rng = random.Random(f"{seed}-city-{scale}")  # noqa: S311 - demo data, not secrets
        self.writer = Writer()
        self.now = timezone.now()
        self.surnames = list(ChineseNames.last_names)
        self.given_male = list(ChineseNames.first_names_male)
        self.given_female = list(ChineseNames.first_names_female)
        self.touched: list[type[models.Model]] = []
        self.branches: list[CityBranch] = []

    def count(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def name(self, gender: str | None = None) -> str:
        gender = gender or ("M" if self.rng.random() < 0.8 else "F")
        given = self.given_male if gender == "M" else self.given_female
        return self.rng.choice(self.surnames) + self.rng.choice(given)

    def mobile(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(0, 10**9):09d}"

    def aware(self, day: datetime.date, hour: int = 20) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def ids(self, model: type[models.Model], count: int) -> range:
        first = self.writer.next_id(model)
        self.touched.append(model)
        if hasattr(model, "history"):
            self.touched.append(model.history.model)
        return range(first, first + count)

    # The run -------------------------------------------------------------------------------------

    def load(self) -> Counter:
        staff = User.objects.get(username="jiedao")
        self.staff_id = staff.pk
        self.committee = PartyCommittee.objects.select_related("street").get(
            street__name="狼山镇街道"
        )
        with transaction.atomic():
            self._communities_and_enterprises()
            self._projects()
            self._branches()
            self._members()
            self._transfers()
            self._dues()
            self._letters_and_certificates()
            self._recruiting()
            self._activities()
            self._coordination()
            self._suggestions()
            self._assessment()
            self._reminders()
            self.writer.finish(list(dict.fromkeys(self.touched)))
        self.writer.settle(list(dict.fromkeys(self.touched)))
        return self.writer.counts

    def _communities_and_enterprises(self) -> None:
        street: Street = self.committee.street
        count = self.count(150, 2)
        ids = self.ids(Community, count)
        self.community_ids = list(ids)
        self.writer.write(
            Community,
            ["id", "street_id", "name"],
            ((pk, street.pk, f"示例社区{n:03d}") for n, pk in enumerate(ids, start=1)),
        )
        count = self.count(500, 6)
        ids = self.ids(Enterprise, count)
        statuses = [s.value for s in Enterprise.PartyOrgStatus]
        rows = []
        for n, pk in enumerate(ids, start=1):
            status = self.rng.choices(statuses, [6, 3, 1])[0]
            has_contact = status != Enterprise.PartyOrgStatus.NONE
            rows.append(
                (
                    pk,
                    f"{self.rng.choice(PLACES)}{self.rng.choice(ENTERPRISE_KINDS)}{n:04d}",
                    status,
                    self.name() if has_contact else "",
                    self.mobile() if has_contact else "",
                )
            )
        self.writer.write_with_history(
            Enterprise,
            ["id", "name", "party_org_status", "party_contact_name", "party_contact_phone"],
            rows,
            self.now,
            self.staff_id,
        )
        self.enterprise_ids = list(ids)
        count = self.count(300, 6)
        ids = self.ids(HomeOrganisation, count)
        self.home_ids = list(ids) + list(HomeOrganisation.objects.values_list("pk", flat=True))
        self.writer.write(
            HomeOrganisation,
            ["id", "name", "region", "contact_name", "contact_phone"],
            (
                (pk, f"{place}第{n:04d}党支部", place, "", "")
                for n, pk in enumerate(ids, start=1)
                for place in [self.rng.choice(HOME_PLACES)]
            ),
        )

    def _projects(self) -> None:
        count = self.count(PROJECTS, 2)
        ids = self.ids(Project, count)
        categories = [c.value for c in Project.Category]
        self.projects = []  # (id, name, branch established, engineering established, contractor)
        rows = []
        for n, pk in enumerate(ids, start=1):
            name = f"{self.rng.choice(PLACES)}{self.rng.choice(PROJECT_KINDS)}{n:04d}"
            branch_on = self.days_ago(420, 1500)
            # Most engineering departments and branches are set up together (同步组建); one in
            # ten is out of step by more than the tolerance.
            shift = (
                self.rng.randint(-20, 20)
                if self.rng.random() < 0.9
                else self.rng.choice([-1, 1]) * self.rng.randint(45, 120)
            )
            engineering_on = branch_on + datetime.timedelta(days=shift)
            investor, contractor = self.rng.sample(self.enterprise_ids, 2)
            self.projects.append((pk, name, branch_on, engineering_on, investor, contractor))
            rows.append(
                (
                    pk,
                    name,
                    self.rng.choice(self.community_ids),
                    self.rng.choice(categories),
                    self.rng.random() < 0.2,
                    Decimal(self.rng.randrange(50, 5000)) * Decimal(1_000_000),
                    "",
                    self.name(),
                    self.name(),
                    f"0513-8{self.rng.randrange(0, 10**7):07d}",
                    engineering_on,
                )
            )
        self.writer.write_with_history(
            Project,
            ["id", "name", "community_id", "category", "is_key_project", "total_investment",
             "description", "hq_commander", "hq_contact_name", "hq_contact_phone",
             "engineering_established_on"],
            rows, self.now, self.staff_id,
        )  # fmt: skip

        ids = iter(self.ids(ProjectEnterprise, 2 * count))
        self.writer.write(
            ProjectEnterprise,
            ["id", "project_id", "enterprise_id", "role", "started_on", "ended_on"],
            (
                (next(ids), pk, enterprise, role, engineering_on, None)
                for pk, _n, _b, engineering_on, investor, contractor in self.projects
                for enterprise, role in (
                    (investor, ProjectEnterprise.Role.INVESTOR.value),
                    (contractor, ProjectEnterprise.Role.GENERAL_CONTRACTOR.value),
                )
            ),
        )
        ids = iter(self.ids(ProjectManager, count))
        self.writer.write_with_history(
            ProjectManager,
            ["id", "project_id", "name", "phone", "enterprise_id", "appointed_on", "ended_on"],
            [
                (next(ids), pk, self.name(), self.mobile(), contractor,
                 engineering_on + datetime.timedelta(days=self.rng.randint(0, 30)), None)
                for pk, _n, _b, engineering_on, _i, contractor in self.projects
            ],
            self.now, self.staff_id,
        )  # fmt: skip

        stage_rows = []
        for pk, _n, _b, engineering_on, _i, _c in self.projects:
            planned = engineering_on - datetime.timedelta(days=self.rng.randint(300, 700))
            for stage in (Stage.APPROVAL, Stage.LAND_LISTING, Stage.SCHEME_DESIGN,
                          Stage.CONSTRUCTION_START, Stage.COMPLETION, Stage.OPENING):  # fmt: skip
                planned += datetime.timedelta(days=self.rng.randint(60, 240))
                actual = planned + datetime.timedelta(days=self.rng.randint(-20, 45))
                stage_rows.append(
                    (pk, stage.value, STAGE_SEQUENCE[stage], planned,
                     actual if actual <= self.today else None)
                )  # fmt: skip
        ids = self.ids(ProjectStage, len(stage_rows))
        self.writer.write_with_history(
            ProjectStage,
            ["id", "project_id", "stage", "sequence", "planned_on", "actual_on"],
            [(pk, *row) for pk, row in zip(ids, stage_rows, strict=True)],
            self.now, self.staff_id,
        )  # fmt: skip

        group_rows = []
        self.working_groups: dict[int, list[tuple[int, str]]] = {}
        ids = iter(self.ids(WorkingGroup, 5 * count))
        for pk, _n, _b, engineering_on, _i, _c in self.projects:
            for kind, name, party_name in WORKING_GROUPS[: self.rng.randint(3, 5)]:
                group_id = next(ids)
                self.working_groups.setdefault(pk, []).append((group_id, party_name))
                group_rows.append(
                    (group_id, pk, kind.value, name, self.name(), engineering_on, None)
                )
        self.writer.write_with_history(
            WorkingGroup,
            ["id", "project_id", "kind", "name", "leader_name", "established_on", "dissolved_on"],
            group_rows, self.now, self.staff_id,
        )  # fmt: skip
        ids = iter(self.ids(WorkingGroupMember, 2 * len(group_rows)))
        self.writer.write(
            WorkingGroupMember,
            ["id", "working_group_id", "name", "organisation", "is_party_member", "joined_on",
             "left_on"],
            (
                (next(ids), row[0], self.name(), organisation, seat == 0, row[5], None)
                for row in group_rows
                for seat, organisation in enumerate(["项目指挥部", "项目工程部"])
            ),
        )  # fmt: skip

    def _branches(self) -> None:
        count = len(self.projects)
        password = make_password(DEMO_PASSWORD)  # hashed once: every demo log-in shares it
        user_ids = self.ids(User, count)
        users = []
        for n, user_id in enumerate(user_ids, start=1):
            users.append(
                (user_id, password, None, False, SECRETARY_USERNAME.format(n), "", False, True,
                 self.now, self.name(), User.Role.BRANCH_SECRETARY.value)
            )  # fmt: skip
        self.writer.write(
            User,
            ["id", "password", "last_login", "is_superuser", "username", "email", "is_staff",
             "is_active", "date_joined", "full_name", "role"],
            users,
        )  # fmt: skip
        branch_ids = self.ids(Branch, count)
        rows = []
        for branch_id, project, user in zip(branch_ids, self.projects, users, strict=True):
            pk, name, established, *_ = project
            rows.append(
                (branch_id, self.committee.pk, pk, f"{name}项目党支部", established, "active",
                 None, "", "", "")
            )  # fmt: skip
            self.branches.append(
                CityBranch(
                    id=branch_id,
                    project_id=pk,
                    name=f"{name}项目党支部",
                    established_on=established,
                    secretary_id=user[0],
                    groups=[],
                )
            )
        self.writer.write_with_history(
            Branch,
            ["id", "committee_id", "project_id", "name", "established_on", "status", "closed_on",
             "transformed_into", "successor_name", "closure_note"],
            rows, self.now, self.staff_id,
        )  # fmt: skip
        seat_ids = iter(self.ids(Seat, 3 * count))
        seats = []
        for branch, user in zip(self.branches, users, strict=True):
            for kind, holder, user_id, origin in (
                (Seat.Kind.SECRETARY, user[9], user[0], Seat.Origin.LINKED_LEADER),
                (Seat.Kind.DEPUTY_SECRETARY, self.name(), None, Seat.Origin.COMMUNITY_PARTY_HEAD),
                (Seat.Kind.COMMITTEE_MEMBER, self.name(), None, Seat.Origin.ENTERPRISE_PARTY_HEAD),
            ):
                seats.append(
                    (next(seat_ids), branch.id, kind.value, holder, user_id, origin.value,
                     branch.established_on, None)
                )  # fmt: skip
        self.writer.write_with_history(
            Seat,
            ["id", "branch_id", "kind", "holder_name", "user_id", "origin", "started_on",
             "ended_on"],
            seats, self.now, self.staff_id,
        )  # fmt: skip
        group_ids = iter(self.ids(PartyGroup, 5 * count))
        groups = []
        for branch in self.branches:
            established = branch.established_on + datetime.timedelta(days=7)
            for working_group_id, name in self.working_groups[branch.project_id]:
                group_id = next(group_ids)
                branch.groups.append((group_id, established, working_group_id))
                groups.append(
                    (group_id, branch.id, name, working_group_id, self.name(), established, None,
                     None)
                )  # fmt: skip
        self.writer.write_with_history(
            PartyGroup,
            ["id", "branch_id", "name", "working_group_id", "leader_name", "established_on",
             "dissolved_on", "submission_token"],
            groups, self.now, self.staff_id,
        )  # fmt: skip

    def _id_number(self, birth: datetime.date, gender: str, taken: set[str]) -> str:
        while True:
            odd = self.rng.choice("13579") if gender == "M" else self.rng.choice("02468")
            first = f"{self.rng.choice(AREA_CODES)}{birth:%Y%m%d}{self.rng.randrange(100):02d}{odd}"
            number = first + check_character(first)
            if number not in taken:
                taken.add(number)
                return number

    def _members(self) -> None:
        count = self.count(MEMBERS, 2 * len(self.branches))
        taken = set(Member.objects.values_list("id_number", flat=True))
        # Branch sizes follow a power law, in no particular order of the branches.
        self.weights = _weights(len(self.branches))
        self.rng.shuffle(self.weights)
        sizes = _spread(count, self.weights, minimum=2)
        member_ids = iter(self.ids(Member, count))
        members, participations = [], []
        self.pocket: list[tuple[int, int]] = []  # (member, current branch)
        self.paying: list[tuple[int, int, datetime.date]] = []  # (member, branch, joined Party)
        self.floating_at_home: list[tuple[int, int, int]] = []  # (member, branch, home)
        previous_share = 0.1
        latest_full = self.today - datetime.timedelta(days=30)
        for branch, size in zip(self.branches, sizes, strict=True):
            contractor = self.projects_by_id[branch.project_id][5]
            investor = self.projects_by_id[branch.project_id][4]
            for _ in range(size):
                pk = next(member_ids)
                gender = "M" if self.rng.random() < 0.8 else "F"
                name = self.name(gender)
                birth = D(1966, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 365 * 36))
                probationary = self.rng.random() < 0.06
                if probationary:
                    joined_party, full_on = self.days_ago(30, 330), None
                else:
                    joined_party = birth + datetime.timedelta(days=self.rng.randint(6600, 12000))
                    joined_party = min(joined_party, latest_full - datetime.timedelta(days=366))
                    full_on = joined_party + datetime.timedelta(days=365)
                kind = self.rng.choices(["contractor", "investor", "community"], [75, 15, 10])[0]
                floating = kind == "contractor" and self.rng.random() < 0.7
                state = (
                    self.rng.choices(["in_pocket", "at_home", "in_branch"], [45, 40, 15])[0]
                    if kind == "contractor"
                    else self.rng.choices(["at_home", "in_branch"], [80, 20])[0]
                )
                home = self.rng.choice(self.home_ids) if state == "at_home" else None
                members.append(
                    (
                        pk, name, gender, birth, self.mobile(),
                        self._id_number(birth, gender, taken),
                        "probationary" if probationary else "full", joined_party, full_on,
                        "community" if kind == "community" else "enterprise",
                        {"contractor": contractor, "investor": investor}.get(kind),
                        "示例社区党委" if kind == "community" else "",
                        "投资方代表" if kind == "investor" else self.rng.choice(JOBS),
                        floating, self.rng.choice(HOME_PLACES) if floating else "",
                        home, state, None, self.now,
                    )
                )  # fmt: skip
                # The current participation began before the last twelve months (so every log of
                # the period may count the member), in one of the branch's Party groups.
                group_id, group_on, _wg = self.rng.choice(branch.groups)
                span = (self.start - group_on).days - 1
                joined = group_on + datetime.timedelta(days=self.rng.randint(0, max(0, span)))
                if self.rng.random() < previous_share:
                    other = self.rng.choice(self.branches)
                    left = joined - datetime.timedelta(days=self.rng.randint(1, 30))
                    if other is not branch and other.established_on < left:
                        came = other.established_on + datetime.timedelta(
                            days=self.rng.randint(0, (left - other.established_on).days)
                        )
                        participations.append((pk, other.id, None, came, left, "调往其他项目"))
                participations.append((pk, branch.id, group_id, joined, None, ""))
                branch.members.append((pk, name))
                if floating and state == "at_home":
                    self.floating_at_home.append((pk, branch.id, home))
                if state == "in_pocket":
                    self.pocket.append((pk, branch.id))
                elif state == "in_branch":
                    self.paying.append((pk, branch.id, joined_party))
                branch.members_by_group.setdefault(group_id, []).append((pk, name))
        self.writer.write_with_history(
            Member,
            ["id", "name", "gender", "birth_date", "phone", "id_number", "standing",
             "joined_party_on", "full_member_on", "employer_kind", "employer_enterprise_id",
             "employer_name", "job", "is_floating", "floating_from", "home_organisation_id",
             "relation_state", "submission_token", "created_at"],
            members, self.now, self.staff_id,
        )  # fmt: skip
        ids = self.ids(Participation, len(participations))
        self.writer.write_with_history(
            Participation,
            ["id", "member_id", "branch_id", "party_group_id", "joined_on", "left_on",
             "leaving_reason"],
            [(pk, *row) for pk, row in zip(ids, participations, strict=True)],
            self.now, self.staff_id,
        )  # fmt: skip

    @property
    def projects_by_id(self) -> dict[int, tuple]:
        if not hasattr(self, "_projects_by_id"):
            self._projects_by_id = {p[0]: p for p in self.projects}
        return self._projects_by_id

    def _transfers(self) -> None:
        """A transfer of the organisational relation for one pocket member in twenty, at every
        step from requested to completed or rejected."""
        chosen = [row for row in self.pocket if self.rng.random() < 0.05]
        paths = [
            [],
            ["letter_issued"],
            ["letter_issued", "received"],
            ["letter_issued", "received", "completed"],
            ["letter_issued", "received", "completed"],
            ["rejected"],
        ]
        transfers, steps = [], []
        # (transfer, member, branch, letter issued, member received): their letters.
        self.letter_transfers: list[tuple] = []
        for pk, (member_id, branch_id) in zip(self.ids(Transfer, len(chosen)), chosen, strict=True):
            path = self.rng.choice(paths)
            requested = self.days_ago(10 * len(path) + 5, 360)
            on = requested
            steps.append((pk, "requested", requested, ""))
            for step in path:
                on = on + datetime.timedelta(days=self.rng.randint(1, 9))
                steps.append((pk, step, on, "组织关系介绍信信息不全" if step == "rejected" else ""))
            status = path[-1] if path else "requested"
            if "letter_issued" in path:
                received = next(
                    (d for t, st, d, _n in steps[-len(path) :] if st == "received"), None
                )
                self.letter_transfers.append(
                    (pk, member_id, branch_id, steps[-len(path)][2], received)
                )
            transfers.append(
                (pk, member_id, branch_id, "原务工地党组织", status, requested,
                 on if status in ("completed", "rejected") else None,
                 "组织关系介绍信信息不全" if status == "rejected" else "")
            )  # fmt: skip
        self.writer.write(
            Transfer,
            ["id", "member_id", "to_branch_id", "from_organisation", "status", "requested_on",
             "closed_on", "rejection_reason"],
            transfers,
        )  # fmt: skip
        ids = iter(self.ids(TransferStep, len(steps)))
        self.writer.write(
            TransferStep,
            ["id", "transfer_id", "status", "happened_on", "note", "actor_id", "recorded_at"],
            ((next(ids), t, s, on, note, self.staff_id, self.aware(on))
             for t, s, on, note in steps),
        )  # fmt: skip

    def _dues(self) -> None:
        """Party dues of the members whose relation is in their branch: a base recorded twelve
        months ago and the months paid since, up to the month just ended; one member in ten
        stopped paying some months ago (the arrears pages have rows). A generator of its own, so
        the rows drawn after it stay those of a city without dues."""
        rng = random.Random(f"{SEED}-city-dues-{self.scale}")  # noqa: S311 - demo data
        dues.rates_2008_ensure()
        this_month = dues.month_of(self.today)
        first_month = dues.add_months(this_month, -12)
        rates = dues.RateBook().on(first_month)
        pays = ["2800.00", "3000.00", "3000.01", "4500.00", "5000.00", "6200.00", "9800.00",
                "10000.01", "15000.00"]  # fmt: skip
        recorded = self.aware(first_month)
        bases, payments, collections = [], [], {}
        base_ids = iter(self.ids(DuesBase, len(self.paying)))
        for member_id, branch_id, joined_party in self.paying:
            pay = Decimal(rng.choice(pays))
            bases.append((next(base_ids), member_id, "salaried", pay, None, first_month, "",
                          self.staff_id, recorded))  # fmt: skip
            amount = dues.monthly_amount(category="salaried", pay=pay, rates=rates)
            stopped = rng.randint(2, 9) if rng.random() < 0.1 else 1
            month = max(first_month, dues.month_of(joined_party))
            while month <= dues.add_months(this_month, -stopped):
                collections.setdefault((branch_id, month), None)
                payments.append((member_id, branch_id, month, amount, month.replace(day=10)))
                month = dues.add_months(month, 1)
        self.writer.write(
            DuesBase,
            ["id", "member_id", "category", "pay", "flat_amount", "effective_from", "note",
             "recorded_by_id", "recorded_at"],
            bases,
        )  # fmt: skip
        for key, pk in zip(collections, self.ids(DuesCollection, len(collections)), strict=True):
            collections[key] = pk
        self.writer.write(
            DuesCollection,
            ["id", "branch_id", "month", "recorded_by_id", "recorded_at", "submission_token"],
            ((pk, branch_id, month, self.staff_id, self.aware(month.replace(day=10)), None)
             for (branch_id, month), pk in collections.items()),
        )  # fmt: skip
        ids = iter(self.ids(DuesPayment, len(payments)))
        self.writer.write(
            DuesPayment,
            ["id", "member_id", "branch_id", "month", "amount", "paid_on", "collection_id",
             "recorded_by_id", "recorded_at"],
            ((next(ids), member_id, branch_id, month, amount, paid_on,
              collections[(branch_id, month)], self.staff_id, self.aware(paid_on))
             for member_id, branch_id, month, amount, paid_on in payments),
        )  # fmt: skip

    def _letters_and_certificates(self) -> None:
        """The letters of the transfers that reached "letter issued" (dated that day, valid three
        months, the receipt returned for one in two of those received); a letter out of their
        branch for one member in forty whose relation is there, dated up to 200 days ago, its
        receipt still awaited (some overdue, some past their validity); an activity certificate
        for one floating member in three whose relation stays at home. A generator of its own, so
        the rows drawn after it stay those of a city without them."""
        rng = random.Random(f"{SEED}-city-letters-{self.scale}")  # noqa: S311 - demo data
        branch_names = {branch.id: branch.name for branch in self.branches}
        homes = dict(HomeOrganisation.objects.values_list("pk", "name"))
        letters = []
        for transfer_id, member_id, branch_id, issued, received in self.letter_transfers:
            receipt = None
            if received is not None and rng.random() < 0.5:
                receipt = received + datetime.timedelta(days=rng.randint(1, 20))
                receipt = min(receipt, self.today)
            letters.append((member_id, branch_id, "in", transfer_id, f"组字第{transfer_id:05d}号",
                            issued, "原务工地党组织", branch_names[branch_id],
                            dues.month_of(issued), moves.longest_validity(issued),
                            moves.receipt_due(issued), received, receipt))  # fmt: skip
        for member_id, branch_id, _joined in self.paying:
            if rng.random() >= 0.025:
                continue
            issued = self.today - datetime.timedelta(days=rng.randint(5, 200))
            valid = issued + datetime.timedelta(days=rng.choice([30, 60, 90]))
            letters.append((member_id, branch_id, "out", None, f"转字第{member_id:06d}号", issued,
                            branch_names[branch_id], homes[rng.choice(self.home_ids)],
                            dues.add_months(dues.month_of(issued), -1), valid,
                            moves.receipt_due(issued), None, None))  # fmt: skip
        ids = self.ids(TransferLetter, len(letters))
        self.writer.write_with_history(
            TransferLetter,
            ["id", "member_id", "branch_id", "direction", "transfer_id", "number", "issued_on",
             "from_organisation", "to_organisation", "dues_paid_to", "valid_until",
             "receipt_due_on", "arrived_on", "receipt_on", "recorded_by_id", "created_at"],
            [(pk, *row, self.staff_id, self.now) for pk, row in zip(ids, letters, strict=True)],
            self.now, self.staff_id,
        )  # fmt: skip
        chosen = [row for row in self.floating_at_home if rng.random() < 1 / 3]
        ids = self.ids(FloatingCertificate, len(chosen))
        rows = []
        for pk, (member_id, _branch_id, home) in zip(ids, chosen, strict=True):
            issued = self.today - datetime.timedelta(days=rng.randint(30, 700))
            rows.append((pk, member_id, f"流动证{pk:06d}", issued,
                         issued + datetime.timedelta(days=730), homes[home], self.staff_id,
                         self.now))  # fmt: skip
        self.writer.write_with_history(
            FloatingCertificate,
            ["id", "member_id", "number", "issued_on", "valid_until", "issuing_organisation",
             "recorded_by_id", "created_at"],
            rows, self.now, self.staff_id,
        )  # fmt: skip

    def _recruiting(self) -> None:
        """Workers recruited on site (发展党员): applicants, activists and development candidates
        with their dated steps, each in its legal order and interval (the talk within a month,
        a year as activist before becoming a candidate, two introducers and the training). Nobody
        is admitted here, so the members stay those written above."""
        count = self.count(CANDIDATES, len(self.branches))
        taken = set(Member.objects.values_list("id_number", flat=True))
        taken |= set(Candidate.objects.values_list("id_number", flat=True))
        sizes = _spread(count, self.weights, minimum=0)
        candidate_ids = iter(self.ids(Candidate, count))
        candidates, steps = [], []
        yesterday = self.today - DAY
        for branch, size in zip(self.branches, sizes, strict=True):
            contractor = self.projects_by_id[branch.project_id][5]
            for _ in range(size):
                pk = next(candidate_ids)
                gender = "M" if self.rng.random() < 0.85 else "F"
                birth = D(1975, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 365 * 25))
                stage = self.rng.choices(["applicant", "activist", "development"], [40, 35, 25])[0]
                if stage == "applicant":
                    applied = self.days_ago(1, 200)
                elif stage == "activist":
                    applied = self.days_ago(100, 700)
                else:
                    applied = self.days_ago(460, 1000)
                talked = activist = development = None
                steps.append((pk, "application", applied, None, None, ""))
                if stage != "applicant" or self.rng.random() < 0.6:
                    talked = min(
                        applied + datetime.timedelta(days=self.rng.randint(3, 28)), self.today
                    )
                    steps.append((pk, "talk", talked, None, None, "支部书记"))
                if stage != "applicant":
                    recommended = talked + datetime.timedelta(days=self.rng.randint(1, 20))
                    activist = recommended + datetime.timedelta(days=self.rng.randint(0, 30))
                    contact = self.rng.choice(branch.members)[0] if branch.members else None
                    steps += [
                        (pk, "recommendation", recommended, None, None, ""),
                        (pk, "activist", activist, None, None, "支部委员会"),
                    ]
                    if contact is not None:
                        steps.append((pk, "contact", activist, contact, None, ""))
                if stage == "development":
                    development = min(
                        activist + datetime.timedelta(days=365 + self.rng.randint(0, 60)), yesterday
                    )
                    steps.append((pk, "candidate", development, None, None, "支部委员会"))
                    for person in self.rng.sample(branch.members, min(2, len(branch.members))):
                        steps.append((pk, "introducer", development, person[0], None, ""))
                    steps.append((pk, "training", development, None, 3, "集中培训"))
                # One candidacy in twenty ended before the admission (the worker left the site,
                # withdrew, or was not admitted), some days after its last step; its steps stay.
                # Chosen by number, not by the generator, so the rest of the city is unchanged.
                ended_on, end_reason = None, ""
                if pk % 20 == 0:
                    last = development or activist or talked or applied  # its last step's day
                    ended_on = min(last + datetime.timedelta(days=10 + pk % 30), self.today)
                    end_reason = ENDED_REASONS[pk % len(ENDED_REASONS)]
                candidates.append(
                    (pk, branch.id, self.name(gender), self._id_number(birth, gender, taken),
                     gender, birth, self.mobile(), "enterprise", contractor, "",
                     self.rng.choice(JOBS), stage, applied, talked, activist, development,
                     self.aware(applied), ended_on, end_reason, "")
                )  # fmt: skip
        self.writer.write(
            Candidate,
            ["id", "branch_id", "name", "id_number", "gender", "birth_date", "phone",
             "employer_kind", "employer_enterprise_id", "employer_name", "job", "stage",
             "applied_on", "talked_on", "activist_on", "development_on", "created_at",
             "ended_on", "end_reason", "end_note"],
            candidates,
        )  # fmt: skip
        ids = iter(self.ids(CandidateStep, len(steps)))
        self.writer.write(
            CandidateStep,
            ["id", "candidate_id", "kind", "happened_on", "person_id", "training_days",
             "done_by", "note", "actor_id", "recorded_at"],
            ((next(ids), c, kind, on, person, days, by, "", self.staff_id, self.aware(on))
             for c, kind, on, person, days, by in steps),
        )  # fmt: skip

    def _activities(self) -> None:
        total = self.count(ACTIVITY_LOGS, 12 * len(self.branches))
        sizes = _spread(total, self.weights, minimum=12)
        kinds = dict(ActivityKind.objects.values_list("code", "pk"))
        names = dict(ActivityKind.objects.values_list("code", "name"))
        campaign = Campaign.objects.order_by("starts_on", "pk").first()
        items = (
            dict(CampaignItem.objects.filter(campaign=campaign).values_list("name", "pk"))
            if campaign
            else {}
        )
        campaign_items = {
            "site-care": items.get("关爱进工地"),
            "flag-on-scaffolding": items.get("党徽照我行"),
            "volunteer-service": items.get("缤纷文化亮工地"),
        }
        self.touched += [ActivityLog, Attendance]
        log_id = self.writer.next_id(ActivityLog)
        attendance_id = self.writer.next_id(Attendance)
        extra_codes = [code for code, _w in EXTRA_KINDS]
        extra_weights = [w for _c, w in EXTRA_KINDS]
        months = []
        day = self.start.replace(day=1)
        while day <= self.today:
            months.append((day.year, day.month))
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        logs, attendance = [], []
        for branch, size in zip(self.branches, sizes, strict=True):
            # The regular schedule (三会一课 and the theme Party day), with about one meeting in
            # ten missed, then other activities on any day of the period.
            planned = []
            for year, month in months:
                planned.append(("committee-meeting", D(year, month, self.rng.randint(3, 12)),
                                f"{month}月支委会", None))  # fmt: skip
                planned.append(("theme-party-day", D(year, month, 15), f"{month}月主题党日", None))
                for index, (group_id, _on, _wg) in enumerate(branch.groups):
                    planned.append(("group-meeting", D(year, month, 16 + index),
                                    f"{month}月党小组会", group_id))  # fmt: skip
                if month in (3, 6, 9, 12):
                    planned.append(("general-meeting", D(year, month, 25),
                                    f"{month}月党员大会", None))  # fmt: skip
                    planned.append(("party-lesson", D(year, month, 26), f"{month}月党课", None))
            planned = [
                p for p in planned if self.start <= p[1] <= self.today and self.rng.random() > 0.1
            ]
            if len(planned) > size:
                planned = self.rng.sample(planned, size)
            span = (self.today - self.start).days
            for code in self.rng.choices(extra_codes, extra_weights, k=size - len(planned)):
                held = self.start + datetime.timedelta(days=self.rng.randint(0, span))
                group = self.rng.choice(branch.groups)[0] if code == "group-meeting" else None
                planned.append((code, held, names[code], group))
            everyone = branch.members
            for code, held, title, group_id in planned:
                pool = branch.members_by_group.get(group_id) or everyone if group_id else everyone
                draft = (self.today - held).days < 20 and self.rng.random() < 0.2
                item = campaign_items.get(code) if campaign and (
                    campaign.starts_on <= held <= campaign.ends_on
                ) else None  # fmt: skip
                recorded = self.aware(held, 21)
                logs.append(
                    (log_id, branch.id, group_id, kinds[code], item, title, held,
                     datetime.time(18, 30) if code != "theme-party-day" else datetime.time(9),
                     self.rng.choice(PLACES_ON_SITE), self.rng.choice(everyone)[1],
                     self.rng.choice(everyone)[1],
                     self.name() if code in ("party-lesson", "work-shed-lesson") else "",
                     self.rng.randrange(0, 12) if code in campaign_items else 0,
                     f"{title}。传达学习上级精神，研究党建与项目建设同步推进事项。",
                     "形成会议纪要，明确责任分工。",
                     "draft" if draft else "submitted",
                     None if draft else recorded,
                     None if draft else branch.secretary_id,
                     branch.secretary_id, recorded, None)
                )  # fmt: skip
                present = min(len(pool), self.rng.randint(1, 5))
                for member_id, _name in self.rng.sample(pool, present):
                    roll = self.rng.random()
                    status, reason = (
                        ("present", "")
                        if roll < 0.85
                        else ("leave", self.rng.choice(["施工任务", "返乡探亲", "病假"]))
                        if roll < 0.93
                        else ("absent", "")
                    )
                    attendance.append((attendance_id, log_id, member_id, status, reason))
                    attendance_id += 1
                log_id += 1
            if len(logs) >= self.writer.chunk_rows:
                self._write_logs(logs, attendance)
                logs, attendance = [], []
        self._write_logs(logs, attendance)

    def _write_logs(self, logs: list[tuple], attendance: list[tuple]) -> None:
        self.writer.write(
            ActivityLog,
            ["id", "branch_id", "party_group_id", "kind_id", "campaign_item_id", "title",
             "held_on", "starts_at", "place", "host", "recorder", "lecturer", "non_member_count",
             "content", "outcome", "status", "submitted_at", "submitted_by_id", "created_by_id",
             "created_at", "submission_token"],
            logs,
        )  # fmt: skip
        self.writer.write(Attendance, ["id", "log_id", "member_id", "status", "reason"], attendance)

    def _coordination(self) -> None:
        total = self.count(COORDINATION_ITEMS, len(self.branches))
        sizes = _spread(total, self.weights, minimum=0)
        groups_of = {b.project_id: b.groups for b in self.branches}
        item_ids = iter(self.ids(CoordinationItem, total))
        items, events = [], []
        statuses = ["resolved", "in_progress", "open", "escalated"]
        for branch, size in zip(self.branches, sizes, strict=True):
            for _ in range(size):
                pk = next(item_ids)
                raised = self.days_ago(0, 365)
                due = raised + datetime.timedelta(days=self.rng.randint(7, 90))
                status = self.rng.choices(statuses, [55, 20, 20, 5])[0]
                group_id, _on, working_group_id = self.rng.choice(groups_of[branch.project_id])
                resolved = escalated = None
                moved = min(self.today, raised + datetime.timedelta(days=self.rng.randint(1, 100)))
                if status == "resolved":
                    resolved = moved
                elif status == "escalated":
                    escalated = moved
                items.append(
                    (pk, branch.project_id, branch.id, working_group_id,
                     self.rng.choice(COORDINATION_TITLES), "",
                     self.rng.choice(["项目工程部", "项目指挥部", "社区"]),
                     raised, group_id, self.name(), due, status,
                     "已协调解决" if resolved else "", resolved, escalated, None, self.staff_id,
                     self.aware(raised, 10))
                )  # fmt: skip
                if status != "open":
                    events.append((pk, status, moved))
        self.writer.write_with_history(
            CoordinationItem,
            ["id", "project_id", "branch_id", "working_group_id", "title", "description",
             "raised_by", "raised_on", "owner_party_group_id", "owner_person", "due_on", "status",
             "resolution", "resolved_on", "escalated_on", "submission_token", "created_by_id",
             "created_at"],
            items, self.now, self.staff_id,
        )  # fmt: skip
        ids = iter(self.ids(CoordinationEvent, len(events)))
        self.writer.write(
            CoordinationEvent,
            ["id", "item_id", "status", "happened_on", "note", "actor_id", "recorded_at"],
            ((next(ids), item, status, on, "", self.staff_id, self.aware(on, 11))
             for item, status, on in events),
        )  # fmt: skip

    def _suggestions(self) -> None:
        """Golden ideas (金点子) raised on each site, most reviewed, some implemented with the
        days and money they saved; each change of state is a step with its date."""
        total = self.count(SUGGESTIONS, len(self.branches))
        sizes = _spread(total, self.weights, minimum=0)
        groups_of = {b.project_id: b.groups for b in self.branches}
        ids = iter(self.ids(Suggestion, total))
        rows, steps = [], []
        for branch, size in zip(self.branches, sizes, strict=True):
            for _ in range(size):
                pk = next(ids)
                submitted = self.days_ago(0, 700)
                status = self.rng.choices(
                    ["submitted", "adopted", "declined", "implemented"], [20, 25, 15, 40]
                )[0]
                reviewed = implemented = days_saved = money = None
                reply = effect = ""
                if status != "submitted":
                    reviewed = min(self.today, submitted + DAY * self.rng.randint(2, 20))
                    reply = "已研究，予以采纳" if status != "declined" else "暂不具备条件"
                if status == "implemented":
                    implemented = min(self.today, reviewed + DAY * self.rng.randint(5, 60))
                    effect = "缩短工期、节约成本"
                    days_saved = self.rng.randint(1, 30)
                    money = Decimal(self.rng.randint(5, 500) * 1000)
                _group, _on, working_group_id = self.rng.choice(groups_of[branch.project_id])
                rows.append(
                    (pk, branch.project_id, branch.id, working_group_id, self.name(),
                     self.rng.random() < 0.6, self.rng.choice(SUGGESTION_TEXTS), submitted,
                     status, reply, reviewed, implemented, effect, days_saved, money, None)
                )  # fmt: skip
                steps.append((pk, "submitted", submitted))
                if reviewed:
                    steps.append((pk, "declined" if status == "declined" else "adopted", reviewed))
                if implemented:
                    steps.append((pk, "implemented", implemented))
        self.writer.write_with_history(
            Suggestion,
            ["id", "project_id", "branch_id", "working_group_id", "author", "author_is_member",
             "content", "submitted_on", "status", "reply", "reviewed_on", "implemented_on",
             "effect", "days_saved", "money_saved", "submission_token"],
            rows, self.now, self.staff_id,
        )  # fmt: skip
        step_ids = iter(self.ids(SuggestionStep, len(steps)))
        self.writer.write(
            SuggestionStep,
            ["id", "suggestion_id", "status", "happened_on", "note", "actor_id", "recorded_at"],
            ((next(step_ids), pk, status, on, "", self.staff_id, self.aware(on, 9))
             for pk, status, on in steps),
        )  # fmt: skip

    def _reminders(self) -> None:
        """A year of the bell: each secretary's reminders (the older ones read) and the street
        staff's, each with its e-mail delivery, sent but for a few that failed for good."""
        recipients = [
            (b.secretary_id, b.name) for b in self.branches for _ in range(REMINDERS_PER_SECRETARY)
        ]
        recipients += [
            (self.staff_id, self.rng.choice(self.branches).name)
            for _ in range(self.count(STAFF_REMINDERS, 10))
        ]
        ids = self.ids(Notification, len(recipients))
        notifications, deliveries = [], []
        for pk, (user_id, branch_name) in zip(ids, recipients, strict=True):
            event, title = self.rng.choice(REMINDER_EVENTS)
            created = self.aware(self.days_ago(0, 365), self.rng.randint(7, 9))
            read = created + datetime.timedelta(hours=self.rng.randint(1, 72))
            if created > self.now - datetime.timedelta(days=14) and self.rng.random() < 0.7:
                read = None  # the last two weeks' are mostly unread
            notifications.append(
                (pk, user_id, f"city:{pk}:{event}", event, self.rng.choice(["7d", "1d", "overdue"]),
                 f"{branch_name}：{title}", "",
                 "", created, read)
            )  # fmt: skip
            failed = self.rng.random() < FAILED_DELIVERY_SHARE
            deliveries.append(
                (pk, "email", "failed" if failed else "sent", created, created, created,
                 None, 9 if failed else 1, created, created if failed else None,
                 "SMTPRecipientsRefused: 550 mailbox unavailable" if failed else "",
                 None if failed else created)
            )  # fmt: skip
        self.writer.write(
            Notification,
            ["id", "recipient_id", "key", "event", "stage", "title", "body", "url", "created_at",
             "read_at"],
            notifications,
        )  # fmt: skip
        delivery_ids = iter(self.ids(Delivery, len(deliveries)))
        self.writer.write(
            Delivery,
            ["id", "notification_id", "channel", "status", "created_at", "next_attempt_at",
             "queued_at", "claimed_until", "attempts", "last_attempt_at", "failing_since",
             "last_error", "sent_at", "topic"],
            ((next(delivery_ids), *row, "") for row in deliveries),
        )  # fmt: skip

    def _assessment(self) -> None:
        """Every new branch joins the demo's published and in-progress cycles: committee scores
        and a frozen result (ranked with the pilots) in the first, self-scores and a deployment
        task in the second; both campaigns gain them too."""
        branch_ids = [b.id for b in self.branches]
        for campaign in Campaign.objects.order_by("pk"):
            through = Campaign.branches.through
            ids = self.ids(through, len(branch_ids))
            self.writer.write(
                through,
                ["id", "campaign_id", "branch_id"],
                ((pk, campaign.pk, b) for pk, b in zip(ids, branch_ids, strict=True)),
            )
        published = Cycle.objects.filter(status=Cycle.Status.PUBLISHED).order_by("pk").first()
        ongoing = (
            Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).order_by("-starts_on").first()
        )
        cycles = [c for c in (published, ongoing) if c is not None]
        through = Cycle.branches.through
        for cycle in cycles:
            ids = self.ids(through, len(branch_ids))
            self.writer.write(
                through,
                ["id", "cycle_id", "branch_id"],
                ((pk, cycle.pk, b) for pk, b in zip(ids, branch_ids, strict=True)),
            )
        if published:
            self._published(published)
        if ongoing:
            self._ongoing(ongoing)

    def _published(self, cycle: Cycle) -> None:
        version: RuleVersion = cycle.version
        leaves = assessment_services.leaves_of(version)
        sides = (Criterion.Category.PARTY_BUILDING, Criterion.Category.CONSTRUCTION)
        roots = scoring.build_tree(
            list(
                version.criteria.values_list(
                    "pk", "parent_id", "category", "max_score", "highest_only"
                )
            )
        )
        weights = scoring.Weights(
            party=version.party_weight,
            construction=version.construction_weight,
            excellent_from=version.excellent_from,
            good_from=version.good_from,
            pass_from=version.pass_from,
        )
        bonus = [c for c in leaves if c.category == Criterion.Category.BONUS]
        penalty = [c for c in leaves if c.category == Criterion.Category.PENALTY]
        staff = self.staff_id
        scores, totals = [], []
        for branch in self.branches:
            values: dict[int, Decimal] = {}
            for leaf in leaves:
                self_score = evidence = None
                if leaf.category in sides:
                    share = Decimal(self.rng.randint(55, 100)) / 100
                    value = (leaf.max_score * share).quantize(Decimal("0.1"), ROUND_HALF_UP)
                    if leaf.method == Criterion.Method.MANUAL:
                        self_score = min(leaf.max_score, value + 1)
                        evidence = "见台账"
                elif (leaf in bonus[:1] and self.rng.random() < 0.05) or (
                    leaf in penalty and self.rng.random() < 0.03
                ):
                    value = min(leaf.max_score, Decimal(1))
                else:
                    continue
                values[leaf.pk] = value
                scores.append(
                    (cycle.pk, branch.id, leaf.pk, self_score, evidence or "", value, "",
                     branch.secretary_id if self_score is not None else None, staff)
                )  # fmt: skip
            totals.append((branch.id, scoring.bundle(roots, values, weights)))
        ids = self.ids(Score, len(scores))
        self.writer.write_with_history(
            Score,
            ["id", "cycle_id", "branch_id", "criterion_id", "self_score", "evidence",
             "committee_score", "committee_note", "self_scored_by_id", "committee_scored_by_id"],
            [(pk, *row) for pk, row in zip(ids, scores, strict=True)],
            self.now, staff,
        )  # fmt: skip
        existing = list(Result.objects.filter(cycle=cycle).order_by("pk"))
        ranks = scoring.ranks([r.total for r in existing] + [t.total for _b, t in totals])
        for result, rank in zip(existing, ranks, strict=False):
            if result.rank != rank:
                Result.objects.filter(pk=result.pk).update(rank=rank)
        ids = self.ids(Result, len(totals))
        self.writer.write(
            Result,
            ["id", "cycle_id", "branch_id", "party_score", "construction_score", "bonus",
             "penalty", "vetoed", "total", "grade", "rank"],
            (
                (pk, cycle.pk, branch_id, t.party, t.construction, t.bonus, t.penalty, t.vetoed,
                 t.total, t.grade, rank)
                for pk, (branch_id, t), rank in zip(ids, totals, ranks[len(existing):], strict=True)
            ),
        )  # fmt: skip

    def _ongoing(self, cycle: Cycle) -> None:
        hand_scored = assessment_services.hand_scored_leaves_of(cycle.version)
        scores = []
        for branch in self.branches:
            if self.rng.random() < 0.6:
                for leaf in hand_scored:
                    share = Decimal(self.rng.randint(60, 100)) / 100
                    value = (leaf.max_score * share).quantize(Decimal("0.1"), ROUND_HALF_UP)
                    scores.append(
                        (cycle.pk, branch.id, leaf.pk, value, "见台账", None, "",
                         branch.secretary_id, None)
                    )  # fmt: skip
        ids = self.ids(Score, len(scores))
        self.writer.write_with_history(
            Score,
            ["id", "cycle_id", "branch_id", "criterion_id", "self_score", "evidence",
             "committee_score", "committee_note", "self_scored_by_id", "committee_scored_by_id"],
            [(pk, *row) for pk, row in zip(ids, scores, strict=True)],
            self.now, self.staff_id,
        )  # fmt: skip
        ids = self.ids(DeploymentTask, len(self.branches))
        due = cycle.deploy_due
        self.writer.write(
            DeploymentTask,
            ["id", "cycle_id", "branch_id", "side", "title", "description", "due_on", "done_on"],
            (
                (pk, cycle.pk, branch.id, DeploymentTask.Side.PARTY.value, "制定党建工作计划", "",
                 due, min(self.today, due - datetime.timedelta(days=self.rng.randint(0, 10)))
                 if self.rng.random() < 0.8 else None)
                for pk, branch in zip(ids, self.branches, strict=True)
            ),
        )  # fmt: skip


def already_loaded() -> bool:
    return User.objects.filter(username=SECRETARY_USERNAME.format(1)).exists()


def load(*, scale: float) -> tuple[Counter, float]:
    """Add the city to the database (the demo must be there). Returns rows per table and
    seconds taken."""
    started = time.monotonic()
    counts = City(scale=scale).load()
    return counts, time.monotonic() - started
