"""The roster as an xlsx file: the template branches fill in, the import that checks every row
(nothing is saved unless all are valid), and the export inspectors ask for.

The column headers are Chinese on purpose, whatever the interface language: the file is the
form branches hand in, and an export must read the same as the template."""

import datetime
import gc
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history

from accounts.access import restrict
from branches.models import Branch, PartyGroup
from core.xlsx import Sheet, openpyxl_row, stream_workbook
from core.zipcheck import MB, Limits, check_office_zip
from members.identity import mask_id_number, mask_phone, normalise_id_number
from members.models import HomeOrganisation, Member, Participation
from projects.models import Community, Enterprise, Street

# (field, header, example, required)
COLUMNS = [
    ("name", "姓名", "张建国", True),
    ("phone", "手机号码", "13812345678", True),
    ("id_number", "身份证号码", "", True),
    ("standing", "党员类别", "正式党员", True),
    ("joined_party_on", "入党日期", "2010-07-01", True),
    ("full_member_on", "转正日期", "2011-07-01", False),
    ("employer", "工作单位", "南通一建", True),
    ("job", "岗位/工种", "钢筋工", False),
    ("is_floating", "是否流动党员", "是", False),
    ("floating_from", "流出地", "安徽省阜阳市", False),
    ("home_organisation", "组织关系所在党组织", "", False),
    ("relation_state", "组织关系状态", "口袋党员", True),
    ("branch", "所在支部", "", True),
    ("party_group", "所在党小组", "", False),
    ("joined_on", "加入支部日期", "2025-04-01", True),
]
# Read from the ID number, so the template does not ask for them; a file that has them (an
# older template) is still read, and they are checked against the ID number.
FROM_ID_NUMBER = [("gender", "性别"), ("birth_date", "出生日期")]
HEADERS = {header: name for name, header, _example, _required in COLUMNS} | {
    header: name for name, header in FROM_ID_NUMBER
}
HEADER_OF = {name: header for header, name in HEADERS.items()}

GENDERS = {"男": Member.Gender.MALE, "女": Member.Gender.FEMALE}
STANDINGS = {
    "正式党员": Member.Standing.FULL,
    "正式": Member.Standing.FULL,
    "预备党员": Member.Standing.PROBATIONARY,
    "预备": Member.Standing.PROBATIONARY,
}
RELATION_STATES = {
    "在原党组织": Member.RelationState.AT_HOME,
    "在原单位": Member.RelationState.AT_HOME,
    "口袋党员": Member.RelationState.IN_POCKET,
    "口袋": Member.RelationState.IN_POCKET,
    "已转入项目支部": Member.RelationState.IN_BRANCH,
    "已转入": Member.RelationState.IN_BRANCH,
}
YES_NO = {"是": True, "否": False, "": False}
LABEL_OF_GENDER = {value: label for label, value in GENDERS.items() if len(label) == 1}
LABEL_OF_STANDING = {Member.Standing.FULL: "正式党员", Member.Standing.PROBATIONARY: "预备党员"}
LABEL_OF_RELATION = {
    Member.RelationState.AT_HOME: "在原党组织",
    Member.RelationState.IN_POCKET: "口袋党员",
    Member.RelationState.IN_BRANCH: "已转入项目支部",
}
MAX_ROWS = 20_000
# What the file may hold before it is parsed: a 20,000-row roster unpacks to about 21 MB; a few
# hundred rows left empty (formatted, or cleared rather than deleted) are tolerated.
FILE_LIMITS = Limits(unpacked=100 * MB, rows=MAX_ROWS + 1_000)
CHECK_BATCH = 5000  # ID numbers looked up at once (a database's limit on query parameters)
SAVE_BATCH = 2000


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    column: str
    message: str


@dataclass
class RosterInvalid(Exception):
    errors: list[RowError] = field(default_factory=list)


# Template ----------------------------------------------------------------------------------------


def build_template(*, branch_names: Iterable[str]) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "党员名册"
    sheet.append(openpyxl_row(sheet, [header for _name, header, _example, _required in COLUMNS]))
    for index, (_name, header, _example, required) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="B0151E" if required else "000000")
        cell.fill = PatternFill("solid", fgColor="FCE8E9" if required else "F2F2F2")
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
    sheet.freeze_panes = "A2"
    # Drop-down lists for the columns with fixed answers.
    for name, choices in (
        ("standing", ["正式党员", "预备党员"]),
        ("is_floating", ["是", "否"]),
        ("relation_state", ["在原党组织", "口袋党员", "已转入项目支部"]),
    ):
        column = get_column_letter([c[0] for c in COLUMNS].index(name) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    for name in ("phone", "id_number"):
        column = get_column_letter([c[0] for c in COLUMNS].index(name) + 1)
        sheet.column_dimensions[column].number_format = "@"

    notes = workbook.create_sheet("填写说明")
    notes.append(openpyxl_row(notes, ["列", "是否必填", "填写要求", "示例"]))
    rules = {
        "id_number": "18位，末位可为 X；按国家标准校验；性别和出生日期由身份证号码读取，无需填写",
        "standing": "正式党员 或 预备党员",
        "full_member_on": "正式党员必填，不早于入党日期；预备党员不填",
        "employer": "投资主体或承建单位的全称，或街道、社区、其他单位名称",
        "is_floating": "是 或 否；流动党员须填写流出地",
        "home_organisation": "组织关系状态为“在原党组织”时必填",
        "relation_state": "在原党组织 / 口袋党员 / 已转入项目支部",
        "branch": "本平台中的支部全称：" + "、".join(branch_names),
        "party_group": "所在支部中现有党小组的名称，可不填",
    }
    for name, header, example, required in COLUMNS:
        notes.append(
            openpyxl_row(
                notes, [header, "必填" if required else "选填", rules.get(name, ""), example]
            )
        )
    notes.column_dimensions["C"].width = 60
    return workbook


# Import ------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
    text = text.rstrip("日")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(_("Write the date as 2024-05-01.")) from exc


class _Lookups:
    """Everything the rows refer to, loaded once (a handful of queries for any file size)."""

    def __init__(self, user):
        branches = restrict(
            Branch.objects.filter(status=Branch.Status.ACTIVE), user, branch_path="id"
        )
        self.branches = {b.name: b for b in branches}
        self.groups = {
            (g.branch_id, g.name): g
            for g in PartyGroup.objects.filter(branch__in=branches, dissolved_on__isnull=True)
        }
        self.enterprises = {e.name: e for e in Enterprise.objects.all()}
        self.communities = set(Community.objects.values_list("name", flat=True))
        self.streets = set(Street.objects.values_list("name", flat=True))
        self.home_organisations = {h.name: h for h in HomeOrganisation.objects.all()}


@contextmanager
def _collector_paused():
    """Pause Python's cycle collector: an import holds tens of thousands of model instances
    alive until it ends, and every full collection walks them all again — it doubled the time of
    a 20,000-row import. Nothing here makes reference cycles worth collecting mid-way;
    reference counting still frees what is dropped, and the collector resumes at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


MASK = "*"
MASKED_MESSAGES = {
    "id_number": gettext_lazy("This ID number is masked: type the full number, as on the ID card."),
    "phone": gettext_lazy("This phone number is masked: type the full number."),
}
MASKED_FILE = gettext_lazy(
    "This file holds masked ID or phone numbers, as in a roster exported from the portal, which "
    "hides them: it cannot be imported again. Fill in the import template with the full numbers "
    "(a member's page shows them in full on request)."
)


@_collector_paused()
def read_roster(file, *, user) -> list[tuple[Member, Participation, str]]:
    """Check every row of an uploaded roster. Returns the members and participations to save
    (with the home organisation's name, which may be new), or raises RosterInvalid with every
    error found, by row and column."""
    not_xlsx = RosterInvalid([RowError(0, "", _("This is not an xlsx file."))])
    try:
        # Measured from its zip directory before openpyxl parses anything (core.zipcheck).
        check_office_zip(file, limits=FILE_LIMITS)
    except ValidationError as error:
        raise RosterInvalid([RowError(0, "", message) for message in error.messages]) from error
    except zipfile.BadZipFile as exc:
        raise not_xlsx from exc
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        raise not_xlsx from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    positions = {HEADERS[_text(h)]: i for i, h in enumerate(header_row) if _text(h) in HEADERS}
    missing = [
        header for name, header, _e, required in COLUMNS if required and name not in positions
    ]
    if missing:
        raise RosterInvalid(
            [RowError(1, h, _("This column is missing: use the template.")) for h in missing]
        )

    lookups = _Lookups(user)
    errors: list[RowError] = []
    parsed: list[tuple[int, Member, Participation, str]] = []
    seen_ids: dict[str, int] = {}
    masked_rows: list[int] = []
    today = timezone.localdate()
    counted = 0

    for row_number, values in enumerate(rows, start=2):
        cells = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        counted += 1
        if counted > MAX_ROWS:
            # The whole file is refused, whatever its rows hold: it must be split.
            message = _(
                "This roster has more than %(max)s members: split it into files of at most "
                "%(max)s rows and import them one by one."
            ) % {"max": MAX_ROWS}
            raise RosterInvalid([RowError(0, "", message)])

        failed: set[str] = set()  # the columns of this row already reported

        def fail(name: str, message: str, row_number=row_number, failed=failed) -> None:
            column = HEADER_OF.get(name, name)
            failed.add(column)
            errors.append(RowError(row_number, column, str(message)))

        member = Member(name=_text(cells.get("name")), job=_text(cells.get("job")))
        member.phone = _text(cells.get("phone")).replace(" ", "").replace("-", "")
        member.id_number = normalise_id_number(_text(cells.get("id_number")))
        # The roster the portal exports hides the middle of these numbers (3206**********151X):
        # a masked number is refused by name, not as a malformed one.
        for name in ("id_number", "phone"):
            if MASK in _text(cells.get(name)):
                masked_rows.append(row_number)
                fail(name, MASKED_MESSAGES[name])
        member.floating_from = _text(cells.get("floating_from"))
        for name, mapping in (
            ("gender", GENDERS | {"": ""}),  # empty: read from the ID number
            ("standing", STANDINGS),
            ("relation_state", RELATION_STATES),
            ("is_floating", YES_NO),
        ):
            text = _text(cells.get(name))
            if text in mapping:
                setattr(member, name, mapping[text])
            else:
                fail(
                    name,
                    _("Use one of: %(choices)s.")
                    % {"choices": " / ".join(k for k in mapping if k)},
                )
        dates = {}
        for name in ("birth_date", "joined_party_on", "full_member_on", "joined_on"):
            try:
                dates[name] = _date(cells.get(name))
            except ValueError as exc:
                fail(name, str(exc))
                dates[name] = None
        member.birth_date = dates["birth_date"]  # None: read from the ID number (Member.clean)
        member.joined_party_on = dates["joined_party_on"]
        member.full_member_on = dates["full_member_on"]

        employer = _text(cells.get("employer"))
        if employer in lookups.enterprises:
            member.employer_kind = Member.EmployerKind.ENTERPRISE
            member.employer_enterprise = lookups.enterprises[employer]
        else:
            member.employer_name = employer
            if employer in lookups.streets:
                member.employer_kind = Member.EmployerKind.STREET
            elif employer in lookups.communities:
                member.employer_kind = Member.EmployerKind.COMMUNITY
            else:
                member.employer_kind = Member.EmployerKind.OTHER
        home_name = _text(cells.get("home_organisation"))
        member.home_organisation = lookups.home_organisations.get(home_name)

        if member.id_number:
            if member.id_number in seen_ids:
                fail(
                    "id_number",
                    _("The same ID number is on row %(row)s.")
                    % {"row": seen_ids[member.id_number]},
                )
            seen_ids.setdefault(member.id_number, row_number)

        branch = lookups.branches.get(_text(cells.get("branch")))
        if branch is None:
            fail("branch", _("Not a branch you can add members to."))
        group = None
        group_name = _text(cells.get("party_group"))
        if group_name and branch is not None:
            group = lookups.groups.get((branch.pk, group_name))
            if group is None:
                fail("party_group", _("This branch has no active Party group of that name."))
        joined_on = dates["joined_on"]
        if joined_on is None and HEADER_OF["joined_on"] not in failed:
            fail("joined_on", _("This field is required."))
        elif joined_on and joined_on > today:
            fail("joined_on", _("This date is in the future."))
        elif joined_on and branch and joined_on < branch.established_on:
            fail("joined_on", _("This is before the branch was established."))

        try:
            # A home organisation named for the first time is created on import.
            if home_name and member.home_organisation is None:
                member.home_organisation = HomeOrganisation(name=home_name)
            # The employer and the home organisation are objects of the look-ups loaded once
            # for the whole file (or a new home organisation): a foreign-key check here would
            # be a query per row. Uniqueness is checked for all rows at once below.
            # Not in the file: read from the ID number (a wrong number is reported as such,
            # not as a missing date of birth).
            member.take_identity_from_id_number(overwrite=False)
            unknown = [name for name in ("birth_date", "gender") if not getattr(member, name)]
            member.full_clean(
                exclude=["employer_enterprise", "home_organisation", *unknown],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            already = set(failed)
            for name, messages in error.message_dict.items():
                column = "employer" if name in ("employer_enterprise", "employer_name") else name
                if HEADER_OF.get(column, column) not in already:
                    fail(column, messages[0])
        participation = Participation(
            member=member, branch=branch, party_group=group, joined_on=joined_on
        )
        parsed.append((row_number, member, participation, home_name))

    taken = set()
    numbers = list(seen_ids)
    for start in range(0, len(numbers), CHECK_BATCH):
        taken.update(
            Member.objects.filter(id_number__in=numbers[start : start + CHECK_BATCH]).values_list(
                "id_number", flat=True
            )
        )
    for id_number in sorted(taken, key=seen_ids.get):
        errors.append(
            RowError(
                seen_ids[id_number], HEADER_OF["id_number"], _("This member is already recorded.")
            )
        )
    if masked_rows:
        errors.append(RowError(0, "", str(MASKED_FILE)))
    if not parsed and not errors:
        errors.append(RowError(2, "", _("The roster has no rows.")))
    if errors:
        raise RosterInvalid(sorted(errors, key=lambda e: (e.row, e.column)))
    return [(member, participation, home) for _row, member, participation, home in parsed]


@transaction.atomic
def import_roster(file, *, user) -> int:
    """Import every row or none. Returns how many members were recorded."""
    with _collector_paused():  # the rows read stay alive until saved
        return _import_rows(read_roster(file, user=user), user=user)


def _import_rows(rows: list[tuple[Member, Participation, str]], *, user) -> int:
    new_homes = {home for member, _p, home in rows if home and member.home_organisation.pk is None}
    created = {
        h.name: h
        for h in HomeOrganisation.objects.bulk_create(
            [HomeOrganisation(name=name) for name in sorted(new_homes)]
        )
    }
    for member, _participation, home in rows:
        if home in created:
            member.home_organisation = created[home]
    members = bulk_create_with_history(
        [member for member, _p, _h in rows], Member, batch_size=SAVE_BATCH, default_user=user
    )
    participations = []
    for member, (_m, participation, _h) in zip(members, rows, strict=True):
        participation.member = member
        participations.append(participation)
    bulk_create_with_history(
        participations, Participation, batch_size=SAVE_BATCH, default_user=user
    )
    return len(members)


# Export ------------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "姓名", "性别", "出生日期", "手机号码", "身份证号码", "党员类别", "入党日期", "转正日期",
    "工作单位", "岗位/工种", "是否流动党员", "流出地", "组织关系所在党组织", "组织关系状态",
    "所在支部", "所在党小组", "加入支部日期", "状态",
]  # fmt: skip


# What a row of the export is made of: plain values, the current participation joined in.
EXPORT_FIELDS = [
    "name", "gender", "birth_date", "phone", "id_number", "standing", "joined_party_on",
    "full_member_on", "employer_kind", "employer_enterprise__name", "employer_name", "job",
    "is_floating", "floating_from", "home_organisation__name", "relation_state",
    "current__branch__name", "current__party_group__name", "current__joined_on", "current__id",
]  # fmt: skip


def export_roster(members: QuerySet[Member]) -> Iterator[bytes]:
    """The roster (personal data masked) as xlsx bytes, sent while they are written: the
    members are read as plain rows in chunks, each with its current participation joined in
    (at most one is active), so the query count and memory do not grow with the roster."""
    rows = (
        members.prefetch_related(None)
        .annotate(
            current=FilteredRelation(
                "participations", condition=Q(participations__left_on__isnull=True)
            )
        )
        .values_list(*EXPORT_FIELDS)
    )
    return stream_workbook(
        [Sheet("党员名册", EXPORT_HEADERS, map(_export_row, rows.iterator(chunk_size=2000)))]
    )


def _export_row(values: tuple) -> list:
    (
        name, gender, birth_date, phone, id_number, standing, joined_party_on, full_member_on,
        employer_kind, enterprise, employer_name, job, is_floating, floating_from, home,
        relation_state, branch, group, joined_on, current,
    ) = values  # fmt: skip
    if employer_kind == Member.EmployerKind.ENTERPRISE and enterprise is not None:
        employer = enterprise
    else:
        employer = employer_name
    return [
        name,
        LABEL_OF_GENDER.get(gender, ""),
        birth_date,
        mask_phone(phone),
        mask_id_number(id_number),
        LABEL_OF_STANDING[standing],
        joined_party_on,
        full_member_on,
        employer,
        job,
        "是" if is_floating else "否",
        floating_from,
        home or "",
        LABEL_OF_RELATION[relation_state],
        branch or "",
        group or "",
        joined_on,
        "在册" if current else "已离开",
    ]
