"""Party dues (党费), by the rules on collecting, using and managing dues.

Who pays here: a member whose organisational relation sits in a project branch of the portal
(`relation_state` "in_branch"), to the branch they are active in. A member whose relation stays
at a home organisation pays there, and a pocket member pays nowhere yet: their page says so.

The amount: the rates in force on the first day of the month (DuesRateTable, by effective date)
applied to the member's dues base in force that month (DuesBase, the latest recorded with a date
in or before the month). A salaried or retired member pays the bracket's share of the *whole*
monthly after-tax pay (¥3,000.00 is in the first bracket, ¥3,000.01 in the second); a member on
an annual salary pays on one twelfth of it; students, the unemployed and members on subsistence
allowance pay the table's flat amount; a farmer pays the flat amount recorded on the base, within
the table's range. Amounts are Decimal, rounded once, at the end, to the fen, half up
(¥14.995 → ¥15.00).

When a member owes: from the month of the later of their joining the Party (a probationary
member pays from the branch meeting that admitted them, which is the joining date) and the
completion of the transfer that brought the relation into the branch — or, when that transfer's
letter is recorded, the month after the dues paid up to on the letter (党费交至): no dues are
expected in the branch before it — and not before the month of their first dues base: the
portal expects no amount it cannot compute.

Arrears count the months since the last month paid (or since dues began), up to the month just
ended (the current month can still be paid): three such months are shown to the secretary; six,
with no reason recorded since the first of them, are flagged for the secretary and the street.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import get_in_scope_or_404, restrict
from branches.models import Branch
from core.services import create_once
from members.models import (
    DuesArrearsReason,
    DuesBase,
    DuesCollection,
    DuesPayment,
    DuesRateBracket,
    DuesRateTable,
    Member,
    Participation,
    Transfer,
    TransferLetter,
)

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
TWELVE = Decimal(12)
SHOWN_AFTER = 3  # months unpaid: shown to the secretary
FLAGGED_AFTER = 6  # months unpaid without a reason: flagged for the secretary and the street
MAX_MONTHS_AHEAD = 12
LOW_INCOME = (
    DuesBase.Category.STUDENT,
    DuesBase.Category.UNEMPLOYED,
    DuesBase.Category.SUBSISTENCE,
)


def to_fen(value: Decimal) -> Decimal:
    """The one rounding of dues: to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


# Months ------------------------------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_from_to(first: datetime.date, last: datetime.date) -> int:
    """How many months from `first` to `last`, both counted (0 when last is before first)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def parse_month(text: str) -> datetime.date | None:
    try:
        year, month = (int(part) for part in text.split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None


# Rates -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    """A rate table as the computation reads it: brackets by kind, lowest first."""

    effective_from: datetime.date
    low_income_amount: Decimal
    farmer_minimum: Decimal
    farmer_maximum: Decimal
    brackets: dict[str, list[tuple[Decimal | None, Decimal]]] = field(default_factory=dict)

    @classmethod
    def of(cls, table: DuesRateTable) -> Rates:
        brackets: dict[str, list[tuple[Decimal | None, Decimal]]] = {}
        for bracket in table.brackets.all():
            brackets.setdefault(bracket.kind, []).append((bracket.up_to, bracket.percent))
        for rows in brackets.values():
            rows.sort(key=lambda row: (row[0] is None, row[0] or 0))
        return cls(
            table.effective_from,
            table.low_income_amount,
            table.farmer_minimum,
            table.farmer_maximum,
            brackets,
        )

    def percent_for(self, kind: str, monthly_pay: Decimal) -> Decimal:
        for up_to, percent in self.brackets.get(kind, []):
            if up_to is None or monthly_pay <= up_to:
                return percent
        raise ValidationError(
            _("The dues rates in force from %(date)s have no bracket for this pay.")
            % {"date": self.effective_from}
        )


# The rates of the rules on collecting, using and managing Party dues (2008): the first version,
# written by migration 0005 (which keeps its own copy, as migrations do).
RATES_2008 = {
    "name": "党费收缴标准",
    "effective_from": datetime.date(2008, 1, 1),
    "low_income_amount": Decimal("0.20"),
    "farmer_minimum": Decimal("0.20"),
    "farmer_maximum": Decimal("1.00"),
}
BRACKETS_2008 = [
    ("salaried", Decimal("3000.00"), Decimal("0.5")),
    ("salaried", Decimal("5000.00"), Decimal("1")),
    ("salaried", Decimal("10000.00"), Decimal("1.5")),
    ("salaried", None, Decimal("2")),
    ("retired", Decimal("5000.00"), Decimal("0.5")),
    ("retired", None, Decimal("1")),
]


def rates_2008_ensure() -> None:
    """Write the 2008 rates when no rate table is recorded at all: a database whose migrated rows
    were emptied (a test database flushed between tests) before the demo or a test uses it."""
    if DuesRateTable.objects.exists():
        return
    table = DuesRateTable.objects.create(**RATES_2008)
    DuesRateBracket.objects.bulk_create(
        DuesRateBracket(table=table, kind=kind, up_to=up_to, percent=percent)
        for kind, up_to, percent in BRACKETS_2008
    )


class RateBook:
    """Every rate table, read once (two queries), answering "which rates on this day"."""

    def __init__(self, tables: Iterable[DuesRateTable] | None = None):
        if tables is None:
            tables = DuesRateTable.objects.prefetch_related(
                Prefetch("brackets", queryset=DuesRateBracket.objects.order_by())
            )
        self.tables = sorted((Rates.of(table) for table in tables), key=lambda r: r.effective_from)

    def on(self, day: datetime.date) -> Rates | None:
        found = None
        for rates in self.tables:
            if rates.effective_from <= day:
                found = rates
        return found


def monthly_amount(
    *, category: str, rates: Rates, pay: Decimal | None = None, flat_amount: Decimal | None = None
) -> Decimal:
    """The monthly dues of a base under these rates, to the fen."""
    if category in LOW_INCOME:
        return rates.low_income_amount
    if category == DuesBase.Category.FARMER:
        if flat_amount is None:
            raise ValidationError({"flat_amount": _("Give the farmer's monthly amount.")})
        return to_fen(flat_amount)
    if pay is None:
        raise ValidationError({"pay": _("Give the after-tax pay.")})
    kind = (
        DuesRateBracket.Kind.RETIRED
        if category == DuesBase.Category.RETIRED
        else DuesRateBracket.Kind.SALARIED
    )
    if category == DuesBase.Category.ANNUAL_SALARY:
        # The bracket of one twelfth of the year's pay; that twelfth at its rate, rounded once.
        percent = rates.percent_for(kind, pay / TWELVE)
        return to_fen(pay * percent / HUNDRED / TWELVE)
    return to_fen(pay * rates.percent_for(kind, pay) / HUNDRED)


def base_amount(base: DuesBase, rates: Rates | None) -> Decimal | None:
    if rates is None:
        return None
    return monthly_amount(
        category=base.category, rates=rates, pay=base.pay, flat_amount=base.flat_amount
    )


def base_in_force(bases: Iterable[DuesBase], month: datetime.date) -> DuesBase | None:
    """The latest base recorded with a date before the end of the month (the last recorded wins
    a tie)."""
    end = add_months(month, 1)
    found = None
    for base in bases:
        if base.effective_from < end and (
            found is None or (base.effective_from, base.pk) > (found.effective_from, found.pk)
        ):
            found = base
    return found


def expected_for(
    member: Member, month: datetime.date, book: RateBook, bases: Iterable[DuesBase] | None = None
) -> Decimal | None:
    """What the member owes for the month; None when no base is recorded for it yet."""
    base = base_in_force(member.dues_bases.all() if bases is None else bases, month)
    return None if base is None else base_amount(base, book.on(month))


# Who pays here, and from when ---------------------------------------------------------------------


def pays_here(member: Member) -> bool:
    return member.relation_state == Member.RelationState.IN_BRANCH


def _with_dues_dates(queryset: QuerySet[Member]) -> QuerySet[Member]:
    """Each member with what arrears are computed from, as subqueries (no join multiplies)."""
    transfer_done = (
        Transfer.objects.filter(member=OuterRef("pk"), status=Transfer.Status.COMPLETED)
        .order_by("-closed_on")
        .values("closed_on")[:1]
    )
    first_base = (
        DuesBase.objects.filter(member=OuterRef("pk"))
        .order_by("effective_from")
        .values("effective_from")[:1]
    )
    letter_paid_to = (
        TransferLetter.objects.filter(
            member=OuterRef("pk"),
            direction=TransferLetter.Direction.INCOMING,
            transfer__status=Transfer.Status.COMPLETED,
        )
        .order_by("-transfer__closed_on")
        .values("dues_paid_to")[:1]
    )
    leaving_paid_to = TransferLetter.objects.filter(
        member=OuterRef("pk"),
        direction=TransferLetter.Direction.OUTGOING,
        receipt_on__isnull=True,
    ).values("dues_paid_to")[:1]
    last_paid = (
        DuesPayment.objects.filter(member=OuterRef("pk")).order_by("-month").values("month")[:1]
    )
    last_base_recorded = (
        DuesBase.objects.filter(member=OuterRef("pk"))
        .order_by("-recorded_at")
        .values("recorded_at")[:1]
    )
    last_reason = (
        DuesArrearsReason.objects.filter(member=OuterRef("pk"))
        .order_by("-recorded_on")
        .values("recorded_on")[:1]
    )
    return queryset.annotate(
        transfer_completed_on=Subquery(transfer_done),
        letter_dues_paid_to=Subquery(letter_paid_to),
        leaving_dues_paid_to=Subquery(leaving_paid_to),
        first_base_on=Subquery(first_base),
        last_paid_month=Subquery(last_paid),
        last_reason_on=Subquery(last_reason),
        last_base_recorded_at=Subquery(last_base_recorded),
    )


@dataclass(frozen=True)
class Standing:
    """Where a member stands with dues on a day."""

    owes_from: datetime.date | None  # the first month owed (None: no base recorded yet)
    paid_through: datetime.date | None  # the last month paid
    months_unpaid: int  # months since the last paid (or since dues began), to the month just ended
    has_reason: bool
    current_month: datetime.date | None = None
    owes_until: datetime.date | None = None  # the last month owed here (a letter out states it)

    @property
    def shown(self) -> bool:
        return self.months_unpaid >= SHOWN_AFTER

    @property
    def flagged(self) -> bool:
        return self.months_unpaid >= FLAGGED_AFTER and not self.has_reason

    @property
    def paid_ahead(self) -> bool:
        """Months after the current one are paid already."""
        return self.paid_through is not None and self.paid_through > self.current_month


def standing_of(
    *,
    joined_party_on: datetime.date,
    transfer_completed_on: datetime.date | None,
    first_base_on: datetime.date | None,
    last_paid_month: datetime.date | None,
    last_reason_on: datetime.date | None,
    today: datetime.date,
    letter_dues_paid_to: datetime.date | None = None,
    leaving_dues_paid_to: datetime.date | None = None,
) -> Standing:
    current = month_of(today)
    if first_base_on is None:
        return Standing(None, last_paid_month, 0, False, current)
    if letter_dues_paid_to is not None:
        # The letter says where the dues stop at the sending side: the branch takes over the next
        # month, whenever the transfer was completed.
        transfer_completed_on = add_months(month_of(letter_dues_paid_to), 1)
    owes_from = max(
        month_of(day) for day in (joined_party_on, transfer_completed_on, first_base_on) if day
    )
    first_unpaid = owes_from
    if last_paid_month is not None and last_paid_month >= owes_from:
        first_unpaid = add_months(last_paid_month, 1)
    last_owed = add_months(current, -1)
    if leaving_dues_paid_to is not None:
        # A letter out of the branch states the dues paid up to: later months are paid at the
        # destination, though the member stays listed here until the receipt comes back.
        last_owed = min(last_owed, month_of(leaving_dues_paid_to))
    unpaid = months_from_to(first_unpaid, last_owed)
    has_reason = unpaid > 0 and last_reason_on is not None and last_reason_on >= first_unpaid
    owes_until = month_of(leaving_dues_paid_to) if leaving_dues_paid_to else None
    return Standing(owes_from, last_paid_month, unpaid, has_reason, current, owes_until)


def standing_for(member: Member, today: datetime.date) -> Standing:
    """From a member annotated by _with_dues_dates."""
    return standing_of(
        joined_party_on=member.joined_party_on,
        transfer_completed_on=member.transfer_completed_on,
        first_base_on=member.first_base_on,
        last_paid_month=member.last_paid_month,
        last_reason_on=member.last_reason_on,
        today=today,
        letter_dues_paid_to=member.letter_dues_paid_to,
        leaving_dues_paid_to=member.leaving_dues_paid_to,
    )


def member_dues_standing(*, member: Member, today: datetime.date) -> Standing:
    annotated = _with_dues_dates(Member.objects.filter(pk=member.pk)).get()
    return standing_for(annotated, today)


# Selectors ---------------------------------------------------------------------------------------


def branch_get_for_user(*, user, pk: int) -> Branch:
    return get_in_scope_or_404(
        Branch.objects.select_related("project"), user, branch_path="id", pk=pk
    )


def paying_members(*, branch: Branch) -> QuerySet[Member]:
    """The members active in the branch whose relation sits there, by name."""
    return _with_dues_dates(
        Member.objects.filter(
            relation_state=Member.RelationState.IN_BRANCH,
            participations__branch=branch,
            participations__left_on__isnull=True,
        )
    ).order_by("name", "pk")


@dataclass
class CollectionRow:
    member: Member
    expected: Decimal | None
    payment: DuesPayment | None  # this month's, if paid already
    standing: Standing


def collection_rows(
    *, branch: Branch, month: datetime.date, today: datetime.date
) -> list[CollectionRow]:
    """The branch's paying members for the collection screen, each with the month's expected
    amount and payment. Four queries, however many members."""
    book = RateBook()
    members = list(
        paying_members(branch=branch).prefetch_related(
            Prefetch("dues_bases", queryset=DuesBase.objects.order_by())
        )
    )
    payments = {
        payment.member_id: payment
        for payment in DuesPayment.objects.filter(
            member__in=[m.pk for m in members], month=month
        ).select_related("recorded_by")
    }
    rows = []
    for member in members:
        standing = standing_for(member, today)
        # Nothing is expected here before the month dues begin (after a transfer letter's month).
        before = standing.owes_from is not None and month < standing.owes_from
        after = standing.owes_until is not None and month > standing.owes_until
        expected = None if before or after else expected_for(member, month, book)
        rows.append(CollectionRow(member, expected, payments.get(member.pk), standing))
    return rows


def arrears_of_branch(*, branch: Branch, today: datetime.date) -> list[tuple[Member, Standing]]:
    """The branch's members unpaid three months or more, longest first."""
    rows = [(m, standing_for(m, today)) for m in paying_members(branch=branch)]
    shown = [(m, s) for m, s in rows if s.shown]
    return sorted(shown, key=lambda row: (-row[1].months_unpaid, row[0].name))


def bases_to_review(*, branch: Branch, today: datetime.date) -> list[Member]:
    """In January, the paying members whose base was last recorded before this year (or never):
    the yearly review."""
    if today.month != 1:
        return []
    start = datetime.date(today.year, 1, 1)
    return [
        member
        for member in paying_members(branch=branch)
        if member.last_base_recorded_at is None
        or timezone.localdate(member.last_base_recorded_at) < start
    ]


@dataclass
class LedgerRow:
    member: Member
    cells: list[Decimal | None]  # twelve months
    total: Decimal

    @property
    def pk(self) -> int:
        return self.member.pk


def ledger_members(*, branch: Branch, year: int) -> QuerySet[Member]:
    """Members with a payment in the branch that year, or paying there now, by name."""
    paid = DuesPayment.objects.filter(branch=branch, month__year=year).values("member_id")
    now = Member.objects.filter(
        relation_state=Member.RelationState.IN_BRANCH,
        participations__branch=branch,
        participations__left_on__isnull=True,
    ).values("pk")
    return Member.objects.filter(Q(pk__in=paid) | Q(pk__in=now)).order_by("name", "pk")


def ledger_rows(*, branch: Branch, year: int, members: Iterable[Member]) -> list[LedgerRow]:
    members = list(members)
    cells: dict[int, list[Decimal | None]] = {m.pk: [None] * 12 for m in members}
    for member_id, month, amount in DuesPayment.objects.filter(
        branch=branch, month__year=year, member__in=[m.pk for m in members]
    ).values_list("member_id", "month", "amount"):
        cells[member_id][month.month - 1] = amount
    return [
        LedgerRow(m, cells[m.pk], sum((c for c in cells[m.pk] if c is not None), Decimal("0.00")))
        for m in members
    ]


def ledger_totals(*, branch: Branch, year: int) -> tuple[list[Decimal], Decimal]:
    """The branch's total for each month of the year, and the year's: summed in the database
    over every payment (not over a page)."""
    by_month = dict(
        DuesPayment.objects.filter(branch=branch, month__year=year)
        .order_by()
        .values_list("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    # SQLite sums decimals as floats-in-text with trailing digits: each sum is brought to the fen.
    months = [to_fen(by_month.get(datetime.date(year, n, 1), ZERO)) for n in range(1, 13)]
    return months, sum(months, Decimal("0.00"))


def _paying_with_branch(where: Q) -> list[Member]:
    """Members paying here, with the branch they are active in (`branch_id`): two queries."""
    active_rows = Participation.objects.filter(
        where, left_on__isnull=True, member__relation_state=Member.RelationState.IN_BRANCH
    )
    active = dict(active_rows.values_list("member_id", "branch_id").distinct())
    members = list(_with_dues_dates(Member.objects.filter(pk__in=active_rows.values("member_id"))))
    for member in members:
        member.branch_id = active[member.pk]
    return members


def summary_branches(*, user) -> QuerySet[Branch]:
    return restrict(Branch.objects.select_related("project"), user, branch_path="id").order_by(
        "status", "name"
    )


def summary_figures_for_page(branches: Iterable[Branch], *, year: int, today: datetime.date):
    """Per branch: members paying there now, the year's total, members unpaid three months or
    more and those flagged. Two queries for the page's branches."""
    branches = list(branches)
    ids = [b.pk for b in branches]
    totals = dict(
        DuesPayment.objects.filter(branch__in=ids, month__year=year)
        .order_by()
        .values_list("branch")
        .annotate(total=Sum("amount"))
        .values_list("branch", "total")
    )
    members = _paying_with_branch(Q(branch__in=ids))
    figures = {pk: {"paying": 0, "shown": 0, "flagged": 0, "no_base": 0} for pk in ids}
    for member in members:
        standing = standing_for(member, today)
        row = figures[member.branch_id]
        row["paying"] += 1
        row["shown"] += standing.shown
        row["flagged"] += standing.flagged
        row["no_base"] += standing.owes_from is None
    for branch in branches:
        branch.dues_total = to_fen(totals.get(branch.pk, ZERO))
        branch.dues_paying = figures[branch.pk]["paying"]
        branch.dues_shown = figures[branch.pk]["shown"]
        branch.dues_flagged = figures[branch.pk]["flagged"]
        branch.dues_no_base = figures[branch.pk]["no_base"]
    return branches


def flagged_by_branch(*, today: datetime.date) -> dict[int, int]:
    """Members flagged (six months unpaid, no reason), counted by the branch they are active in:
    for the reminders and the street's workbench."""
    counts: dict[int, int] = {}
    members = _paying_with_branch(Q(member__dues_bases__isnull=False))
    for member in members:
        if standing_for(member, today).flagged:
            counts[member.branch_id] = counts.get(member.branch_id, 0) + 1
    return counts


def reviews_by_branch(*, today: datetime.date) -> dict[int, int]:
    """In January, the paying members whose base was last recorded before this year, counted by
    branch: the yearly review's reminder (empty in the other months)."""
    if today.month != 1:
        return {}
    counts: dict[int, int] = {}
    start = datetime.date(today.year, 1, 1)
    for member in _paying_with_branch(Q()):
        recorded = member.last_base_recorded_at
        if recorded is None or timezone.localdate(recorded) < start:
            counts[member.branch_id] = counts.get(member.branch_id, 0) + 1
    return counts


def payments_of_member(*, member: Member) -> QuerySet[DuesPayment]:
    return member.dues_payments.select_related("recorded_by", "branch").order_by("-month")


def bases_of_member(*, member: Member) -> QuerySet[DuesBase]:
    return member.dues_bases.select_related("recorded_by").order_by("-effective_from", "-pk")


def member_dues_context(*, member: Member, today: datetime.date) -> dict:
    """The dues part of a member's page."""
    if not pays_here(member):
        return {"pays_here": False}
    book = RateBook()
    bases = list(bases_of_member(member=member))
    month = month_of(today)
    base = base_in_force(bases, month)
    return {
        "pays_here": True,
        "bases": bases,
        "base": base,
        "expected": base_amount(base, book.on(month)) if base else None,
        "standing": member_dues_standing(member=member, today=today),
        "payments": list(payments_of_member(member=member)[:12]),
        "reasons": list(member.dues_arrears_reasons.select_related("recorded_by")[:3]),
    }


# Services ----------------------------------------------------------------------------------------


def _refuse_unless_paying_here(member: Member) -> None:
    if not pays_here(member):
        raise ValidationError(
            _(
                "This member's organisational relation is not in the project branch: "
                "dues are paid where it sits."
            )
        )


@transaction.atomic
def dues_base_record(
    *,
    member: Member,
    category: str,
    effective_from: datetime.date,
    actor,
    pay: Decimal | None = None,
    flat_amount: Decimal | None = None,
    note: str = "",
) -> DuesBase:
    """Record a member's dues base from a date on: a new row, the earlier ones kept."""
    _refuse_unless_paying_here(member)
    errors = {}
    if category in DuesBase.PAY_CATEGORIES:
        if pay is None:
            errors["pay"] = _("Give the after-tax pay.")
        flat_amount = None
    else:
        pay = None
        if category == DuesBase.Category.FARMER:
            if flat_amount is None:
                errors["flat_amount"] = _("Give the farmer's monthly amount.")
        else:
            flat_amount = None
    if effective_from >= add_months(month_of(timezone.localdate()), 2):
        errors["effective_from"] = _("A base applies from this month or the next at the latest.")
    if errors:
        raise ValidationError(errors)
    rates = RateBook().on(month_of(effective_from))
    if rates is None:
        raise ValidationError({"effective_from": _("No dues rates are in force on this date.")})
    if category == DuesBase.Category.FARMER and not (
        rates.farmer_minimum <= flat_amount <= rates.farmer_maximum
    ):
        raise ValidationError(
            {
                "flat_amount": _("A farmer pays from ¥%(low)s to ¥%(high)s a month.")
                % {"low": rates.farmer_minimum, "high": rates.farmer_maximum}
            }
        )
    base = DuesBase(
        member=member,
        category=category,
        pay=pay,
        flat_amount=flat_amount,
        effective_from=effective_from,
        note=note,
        recorded_by=actor,
    )
    base.full_clean()
    base.save()
    return base


@dataclass(frozen=True)
class PaymentLine:
    member: Member
    amount: Decimal  # for each month
    months: int = 1  # from the collection's month on: more than one is paid in advance


def dues_collect(
    *,
    branch: Branch,
    month: datetime.date,
    lines: list[PaymentLine],
    paid_on: datetime.date,
    actor,
    submission_token: uuid.UUID | None = None,
) -> DuesCollection:
    """Record the payments ticked on the branch's collection screen: all of them, or none (a
    month already paid is named and nothing is saved). The same screen sent twice records once."""
    month = month_of(month)

    def create() -> DuesCollection:
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": _("This date is in the future.")})
        if not lines:
            raise ValidationError(_("Tick at least one member who paid."))
        paying = set(paying_members(branch=branch).values_list("pk", flat=True))
        wanted: dict[int, list[datetime.date]] = {}
        errors = []
        for line in lines:
            if line.member.pk not in paying:
                errors.append(
                    _("%(name)s does not pay dues in this branch.") % {"name": line.member.name}
                )
            if line.amount is None or line.amount <= 0 or to_fen(line.amount) != line.amount:
                errors.append(
                    _("%(name)s: an amount above zero, to the fen.") % {"name": line.member.name}
                )
            if not 1 <= line.months <= MAX_MONTHS_AHEAD:
                errors.append(
                    _("%(name)s: from 1 to %(most)s months at a time.")
                    % {"name": line.member.name, "most": MAX_MONTHS_AHEAD}
                )
            wanted[line.member.pk] = [add_months(month, n) for n in range(max(1, line.months))]
        taken = DuesPayment.objects.filter(
            member__in=list(wanted), month__gte=month, month__lt=add_months(month, 12)
        ).values_list("member__name", "member_id", "month")
        for name, member_id, paid_month in taken:
            if paid_month in wanted.get(member_id, []):
                errors.append(
                    _("%(name)s: %(month)s is paid already.")
                    % {"name": name, "month": f"{paid_month:%Y-%m}"}
                )
        if errors:
            raise ValidationError(errors)
        collection = DuesCollection.objects.create(
            branch=branch, month=month, recorded_by=actor, submission_token=submission_token
        )
        DuesPayment.objects.bulk_create(
            DuesPayment(
                member=line.member,
                branch=branch,
                month=paid_month,
                amount=line.amount,
                paid_on=paid_on,
                collection=collection,
                recorded_by=actor,
            )
            for line in lines
            for paid_month in wanted[line.member.pk]
        )
        return collection

    return create_once(DuesCollection, submission_token, create)


@transaction.atomic
def arrears_reason_record(
    *, member: Member, reason: str, recorded_on: datetime.date, actor
) -> DuesArrearsReason:
    _refuse_unless_paying_here(member)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the dues are unpaid.")})
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("This date is in the future.")})
    row = DuesArrearsReason(
        member=member, reason=reason.strip(), recorded_on=recorded_on, recorded_by=actor
    )
    row.full_clean()
    row.save()
    return row
