"""Party dues: who pays here and from when, bases kept as history, arrears across a year boundary,
the branch's collection screen (all or nothing, once however often it is sent), ledgers whose
totals agree with the pages to the fen, and the scope (another branch is a 404)."""

import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import dues
from members.models import DuesBase, DuesCollection, DuesPayment, Member, Transfer
from members.tests.factories import ParticipationFactory

D = datetime.date


@pytest.fixture(autouse=True)
def rates_of_2008(db):
    """The migrated rates (a transactional test run before may have emptied the table)."""
    dues.rates_2008_ensure()


TODAY = timezone.localdate()
THIS_MONTH = dues.month_of(TODAY)


def paying(branch, name="张三", **member):
    member = ParticipationFactory(
        branch=branch,
        member__name=name,
        member__relation_state=Member.RelationState.IN_BRANCH,
        **{f"member__{k}": v for k, v in member.items()},
    ).member
    return member


def base(member, pay="4000.00", on=None, category="salaried", **extra):
    return DuesBase.objects.create(
        member=member, category=category, pay=Decimal(pay) if pay else None,
        effective_from=on or D(2020, 1, 1),
        **extra,
    )  # fmt: skip


def pay(member, branch, month, amount="40.00", paid_on=None):
    return DuesPayment.objects.create(
        member=member, branch=branch, month=month, amount=Decimal(amount),
        paid_on=paid_on or min(TODAY, month),
    )  # fmt: skip


def ym(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


# Arrears: three months shown, six without a reason flagged, across a year boundary ---------------


JOINED, FIRST_BASE = D(2010, 7, 1), D(2020, 1, 1)


def standing(today, last_paid=None, reason_on=None, joined=JOINED, transfer=None,
             first_base=FIRST_BASE):  # fmt: skip
    return dues.standing_of(
        joined_party_on=joined,
        transfer_completed_on=transfer,
        first_base_on=first_base,
        last_paid_month=last_paid,
        last_reason_on=reason_on,
        today=today,
    )


def test_three_months_unpaid_across_the_new_year_are_shown():
    # Paid up to October 2026; on 10 January 2027 November and December are unpaid (January
    # can still be paid): two months, not shown yet.
    assert standing(D(2027, 1, 10), last_paid=D(2026, 10, 1)).months_unpaid == 2
    assert not standing(D(2027, 1, 10), last_paid=D(2026, 10, 1)).shown
    # Paid up to September: October, November, December.
    three = standing(D(2027, 1, 10), last_paid=D(2026, 9, 1))
    assert (three.months_unpaid, three.shown, three.flagged) == (3, True, False)
    # On 1 February 2027 January has ended too.
    assert standing(D(2027, 2, 1), last_paid=D(2026, 10, 1)).months_unpaid == 3


def test_six_months_unpaid_across_the_new_year_are_flagged_unless_a_reason_was_recorded():
    # Paid up to August 2026; on 2 March 2027: September … February, six months.
    six = standing(D(2027, 3, 2), last_paid=D(2026, 8, 1))
    assert (six.months_unpaid, six.shown, six.flagged) == (6, True, True)
    assert not standing(D(2027, 2, 28), last_paid=D(2026, 8, 1)).flagged  # five months
    # A reason recorded during the stretch (after the first unpaid month began) clears the flag…
    excused = standing(D(2027, 3, 2), last_paid=D(2026, 8, 1), reason_on=D(2026, 12, 20))
    assert (excused.months_unpaid, excused.shown, excused.flagged) == (6, True, False)
    # … one recorded before it, for an earlier stretch, does not.
    assert standing(D(2027, 3, 2), last_paid=D(2026, 8, 1), reason_on=D(2026, 5, 1)).flagged


def test_months_paid_ahead_leave_nothing_unpaid():
    ahead = standing(D(2026, 11, 30), last_paid=D(2027, 2, 1))
    assert (ahead.months_unpaid, ahead.paid_ahead) == (0, True)


def test_dues_start_with_the_later_of_joining_the_party_transfer_and_first_base():
    # A probationary member pays from the branch meeting that admitted them (joining date).
    joined = standing(D(2026, 11, 30), joined=D(2026, 7, 15), first_base=D(2026, 1, 1))
    assert (joined.owes_from, joined.months_unpaid) == (D(2026, 7, 1), 4)  # Jul … Oct
    moved = standing(D(2026, 11, 30), transfer=D(2026, 9, 3), first_base=D(2026, 1, 1))
    assert (moved.owes_from, moved.months_unpaid) == (D(2026, 9, 1), 2)
    no_base = standing(D(2026, 11, 30), first_base=None)
    assert (no_base.owes_from, no_base.months_unpaid, no_base.flagged) == (None, 0, False)


def test_the_standing_of_a_member_reads_the_completed_transfer(branch, secretary):
    member = paying(branch)
    base(member, on=D(2020, 1, 1))
    Transfer.objects.create(
        member=member, to_branch=branch, status="completed", requested_on=D(2020, 1, 1),
        closed_on=dues.add_months(THIS_MONTH, -2),
    )  # fmt: skip
    result = dues.member_dues_standing(member=member, today=TODAY)
    assert (result.owes_from, result.months_unpaid) == (dues.add_months(THIS_MONTH, -2), 2)


# Dues bases: history kept, each category checked -------------------------------------------------


def test_a_new_base_is_a_new_row_and_the_month_takes_the_latest(branch, secretary):
    member = paying(branch)
    first = dues.dues_base_record(
        member=member, category="salaried", pay=Decimal("4000"), effective_from=D(2025, 1, 10),
        actor=secretary,
    )  # fmt: skip
    second = dues.dues_base_record(
        member=member, category="retired", pay=Decimal("6000"), effective_from=D(2026, 3, 5),
        actor=secretary,
    )  # fmt: skip
    assert list(member.dues_bases.order_by("pk")) == [first, second]
    book = dues.RateBook()
    assert dues.expected_for(member, D(2024, 12, 1), book) is None
    assert dues.expected_for(member, D(2025, 1, 1), book) == Decimal("40.00")
    assert dues.expected_for(member, D(2026, 2, 1), book) == Decimal("40.00")
    assert dues.expected_for(member, D(2026, 3, 1), book) == Decimal("60.00")  # 1% above 5,000
    assert second.recorded_by == secretary


@pytest.mark.parametrize(
    ("category", "fields", "error_field"),
    [
        ("salaried", {}, "pay"),
        ("annual", {}, "pay"),
        ("farmer", {}, "flat_amount"),
        ("farmer", {"flat_amount": Decimal("1.50")}, "flat_amount"),  # above ¥1
        ("farmer", {"flat_amount": Decimal("0.10")}, "flat_amount"),  # below ¥0.2
    ],
)
def test_a_base_missing_its_figure_is_refused_and_nothing_saved(
    branch, secretary, category, fields, error_field
):
    member = paying(branch)
    with pytest.raises(ValidationError) as error:
        dues.dues_base_record(
            member=member, category=category, effective_from=D(2026, 1, 1), actor=secretary,
            **fields,
        )  # fmt: skip
    assert error_field in error.value.error_dict
    assert not DuesBase.objects.exists()


def test_a_base_applies_from_next_month_at_the_latest(branch, secretary):
    member = paying(branch)
    with pytest.raises(ValidationError) as error:
        dues.dues_base_record(
            member=member, category="student", effective_from=dues.add_months(THIS_MONTH, 2),
            actor=secretary,
        )  # fmt: skip
    assert "effective_from" in error.value.error_dict
    next_month = dues.add_months(THIS_MONTH, 1) + datetime.timedelta(days=14)
    dues.dues_base_record(
        member=member, category="student", effective_from=next_month, actor=secretary
    )
    assert member.dues_bases.get().effective_from == next_month


def test_flat_categories_keep_no_pay(branch, secretary):
    member = paying(branch)
    student = dues.dues_base_record(
        member=member, category="student", pay=Decimal("9000"), effective_from=D(2026, 1, 1),
        actor=secretary,
    )  # fmt: skip
    assert (student.pay, student.flat_amount) == (None, None)
    assert dues.expected_for(member, D(2026, 2, 1), dues.RateBook()) == Decimal("0.20")


def test_a_member_whose_relation_is_at_home_pays_there(branch, secretary):
    member = ParticipationFactory(branch=branch).member  # relation at the home organisation
    with pytest.raises(ValidationError):
        dues.dues_base_record(
            member=member, category="student", effective_from=D(2026, 1, 1), actor=secretary
        )


# The member's page -------------------------------------------------------------------------------


def test_the_member_page_says_where_dues_are_paid(secretary_client, branch):
    at_home = ParticipationFactory(branch=branch).member
    page = secretary_client.get(at_home.get_absolute_url()).content.decode()
    assert 'id="dues-elsewhere"' in page
    assert at_home.home_organisation.name in page
    assert reverse("members:dues_base", args=[at_home.pk]) not in page
    here = paying(branch)
    base(here, pay="5000.01")
    page = secretary_client.get(here.get_absolute_url()).content.decode()
    assert "¥75.00" in page
    assert reverse("members:dues_base", args=[here.pk]) in page


def test_recording_a_base_through_the_page(secretary_client, branch):
    member = paying(branch)
    url = reverse("members:dues_base", args=[member.pk])
    response = secretary_client.post(
        url, {"category": "salaried", "pay": "", "effective_from": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "pay" in response.context["form"].errors
    assert not DuesBase.objects.exists()
    response = secretary_client.post(
        url, {"category": "salaried", "pay": "3000.01", "effective_from": "2026-01-01"}
    )
    assert response.status_code == 302
    assert DuesBase.objects.get().pay == Decimal("3000.01")


# The collection screen ---------------------------------------------------------------------------


def collect_url(branch, month=THIS_MONTH):
    return reverse("members:dues_collect", args=[branch.pk, ym(month)])


def shown(client, branch, month=THIS_MONTH):
    response = client.get(collect_url(branch, month))
    assert response.status_code == 200
    return response


def test_the_screen_lists_the_members_paying_here_with_the_amount_prefilled(
    secretary_client, branch
):
    member = paying(branch)
    base(member, pay="3000.00")
    elsewhere = ParticipationFactory(branch=branch, member__name="李四").member
    response = shown(secretary_client, branch)
    form = response.context["form"]
    assert form[f"amount_{member.pk}"].value() == Decimal("15.00")
    assert f"paid_{elsewhere.pk}" not in form.fields
    assert [item["row"].member for item in form.table()] == [member]
    assert f'name="paid_{member.pk}"' in response.content.decode()


def test_ticked_members_are_recorded_with_months_ahead_dated_and_by_whom(
    secretary_client, secretary, branch
):
    ahead, once, skipped = paying(branch, "甲"), paying(branch, "乙"), paying(branch, "丙")
    for member in (ahead, once, skipped):
        base(member)
    form = shown(secretary_client, branch).context["form"]
    data = {"submission_token": form["submission_token"].value(), "paid_on": TODAY.isoformat()}
    data |= {f"paid_{ahead.pk}": "on", f"amount_{ahead.pk}": "40.00", f"months_{ahead.pk}": "3"}
    data |= {f"paid_{once.pk}": "on", f"amount_{once.pk}": "35.50", f"months_{once.pk}": "1"}
    data |= {f"amount_{skipped.pk}": "40.00", f"months_{skipped.pk}": "1"}
    response = secretary_client.post(collect_url(branch), data)
    assert response.status_code == 302
    months = [THIS_MONTH, dues.add_months(THIS_MONTH, 1), dues.add_months(THIS_MONTH, 2)]
    assert list(ahead.dues_payments.values_list("month", flat=True)) == months
    assert once.dues_payments.get().amount == Decimal("35.50")
    assert not skipped.dues_payments.exists()
    payment = once.dues_payments.get()
    assert (payment.paid_on, payment.recorded_by, payment.branch) == (TODAY, secretary, branch)
    # Sent again (a double tap, a resend on a weak signal): nothing more.
    again = secretary_client.post(collect_url(branch), data)
    assert again.status_code == 302
    assert DuesPayment.objects.count() == 4
    assert DuesCollection.objects.count() == 1
    # The screen now shows them paid; the next month knows the months paid ahead.
    table = {
        item["row"].member: item for item in shown(secretary_client, branch).context["form"].table()
    }
    assert table[ahead]["paid"] is None and table[ahead]["row"].payment.amount == Decimal("40.00")
    assert table[skipped]["paid"] is not None


def test_a_month_paid_already_refuses_the_whole_screen(secretary_client, branch):
    first, second = paying(branch, "甲"), paying(branch, "乙")
    base(first)
    base(second)
    form = shown(secretary_client, branch).context["form"]
    pay(second, branch, dues.add_months(THIS_MONTH, 1))  # paid ahead meanwhile
    data = {"submission_token": form["submission_token"].value(), "paid_on": TODAY.isoformat()}
    data |= {f"paid_{first.pk}": "on", f"amount_{first.pk}": "40.00", f"months_{first.pk}": "1"}
    data |= {f"paid_{second.pk}": "on", f"amount_{second.pk}": "40", f"months_{second.pk}": "2"}
    response = secretary_client.post(collect_url(branch), data)
    assert response.status_code == 200
    errors = str(response.context["form"].non_field_errors())
    assert second.name in errors and ym(dues.add_months(THIS_MONTH, 1)) in errors
    assert DuesPayment.objects.count() == 1  # only the one made above
    assert not DuesCollection.objects.exists()


@pytest.mark.parametrize(
    ("amount", "paid_on"),
    [("", TODAY), ("0", TODAY), ("12.345", TODAY), ("abc", TODAY),
     ("40.00", TODAY + datetime.timedelta(days=1))],
)  # fmt: skip
def test_bad_input_saves_nothing_and_keeps_the_values(secretary_client, branch, amount, paid_on):
    member = paying(branch)
    base(member)
    data = {
        "submission_token": str(uuid.uuid4()),
        "paid_on": paid_on.isoformat(),
        f"paid_{member.pk}": "on",
        f"amount_{member.pk}": amount,
        f"months_{member.pk}": "1",
    }
    response = secretary_client.post(collect_url(branch), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["form"][f"amount_{member.pk}"].value() == amount
    assert not DuesPayment.objects.exists()


def test_nothing_ticked_is_explained(secretary_client, branch):
    base(paying(branch))
    response = secretary_client.post(
        collect_url(branch), {"submission_token": str(uuid.uuid4()), "paid_on": TODAY}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not DuesCollection.objects.exists()


def test_a_future_month_or_a_bad_one_is_not_found(secretary_client, branch):
    assert (
        secretary_client.get(collect_url(branch, dues.add_months(THIS_MONTH, 1))).status_code == 404
    )
    bad = reverse("members:dues_collect", args=[branch.pk, "2026-13"])
    assert secretary_client.get(bad).status_code == 404


def test_the_collection_screen_costs_the_same_queries_for_5_members_as_for_50(
    secretary_client, branch
):
    for n in range(5):
        base(paying(branch, f"甲{n}"))
    with CaptureQueriesContext(connection) as small:
        shown(secretary_client, branch)
    for n in range(45):
        member = paying(branch, f"乙{n}")
        base(member)
        pay(member, branch, THIS_MONTH)
    with CaptureQueriesContext(connection) as large:
        response = shown(secretary_client, branch)
    assert len(response.context["form"].rows) == 50
    assert len(large) == len(small)


# Scope -------------------------------------------------------------------------------------------


def test_the_secretary_of_another_branch_gets_404(outsider_client, branch):
    member = paying(branch)
    base(member)
    for url in (
        collect_url(branch),
        reverse("members:dues_branch", args=[branch.pk]),
        reverse("members:dues_year_xlsx", args=[branch.pk, TODAY.year]),
        reverse("members:dues_month_xlsx", args=[branch.pk, ym(THIS_MONTH)]),
        reverse("members:dues_base", args=[member.pk]),
        reverse("members:dues_reason", args=[member.pk]),
    ):
        assert outsider_client.get(url).status_code == 404, url
    data = {"submission_token": str(uuid.uuid4()), "paid_on": TODAY.isoformat(),
            f"paid_{member.pk}": "on", f"amount_{member.pk}": "40"}  # fmt: skip
    assert outsider_client.post(collect_url(branch), data).status_code == 404
    assert not DuesPayment.objects.exists()


def test_the_summary_shows_a_secretary_their_own_branch_only(
    secretary_client, staff_client, branch, other_branch
):
    mine = secretary_client.get(reverse("members:dues")).context["page"].object_list
    assert [b.pk for b in mine] == [branch.pk]
    everyone = staff_client.get(reverse("members:dues")).context["page"].object_list
    assert {b.pk for b in everyone} == {branch.pk, other_branch.pk}
    sheet = sheet_rows(
        secretary_client.get(reverse("members:dues_summary_xlsx", args=[TODAY.year]))
    )
    assert [row[0] for row in sheet[1:]] == [branch.name, "合计"]


# Ledgers: totals agree with the pages and the payments, to the fen -------------------------------


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def a_year_of_dues(branch, other_branch):
    year = TODAY.year - 1
    amounts = ["15.00", "30.01", "0.20", "75.00", "200.00", "0.99", "14.99"]
    members = [paying(branch, f"党员{n}") for n in range(len(amounts))]
    for member, amount in zip(members, amounts, strict=True):
        base(member)
        for month in range(1, 13):
            if (member.pk + month) % 5:  # a few months left unpaid
                pay(member, branch, D(year, month, 1), amount)
    stranger = paying(other_branch, "外人")
    pay(stranger, other_branch, D(year, 3, 1), "99.99")
    return year


def test_the_years_ledger_totals_agree_with_the_page_and_the_payments(
    secretary_client, branch, a_year_of_dues
):
    year = a_year_of_dues
    payments = DuesPayment.objects.filter(branch=branch, month__year=year)
    expected = sum(payments.values_list("amount", flat=True), Decimal("0.00"))
    page = secretary_client.get(reverse("members:dues_branch", args=[branch.pk]), {"year": year})
    assert page.context["year_total"] == expected
    assert f'id="dues-year-total">{expected}<' in page.content.decode()
    rows = sheet_rows(
        secretary_client.get(reverse("members:dues_year_xlsx", args=[branch.pk, year]))
    )
    assert rows[0][0] == "姓名" and rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][-1])) == expected
    assert sum(Decimal(str(row[-1])) for row in rows[1:-1]) == expected
    for month in range(1, 13):
        column = sum(Decimal(str(row[month] or 0)) for row in rows[1:-1])
        assert column == Decimal(str(rows[-1][month])) == page.context["month_totals"][month - 1]


def test_the_months_ledger_and_the_streets_summary_agree_too(
    secretary_client, staff_client, branch, other_branch, a_year_of_dues
):
    year = a_year_of_dues
    march = DuesPayment.objects.filter(branch=branch, month=D(year, 3, 1))
    rows = sheet_rows(
        secretary_client.get(reverse("members:dues_month_xlsx", args=[branch.pk, f"{year}-03"]))
    )
    assert rows[-1][0] == "合计"
    paid = sum(march.values_list("amount", flat=True), Decimal("0.00"))
    assert Decimal(str(rows[-1][2])) == paid
    summary = staff_client.get(reverse("members:dues"), {"year": year})
    pages = {b.pk: b.dues_total for b in summary.context["page"].object_list}
    sheet = sheet_rows(staff_client.get(reverse("members:dues_summary_xlsx", args=[year])))
    by_name = {row[0]: Decimal(str(row[2])) for row in sheet[1:]}
    assert by_name[branch.name] == pages[branch.pk]
    assert by_name[other_branch.name] == pages[other_branch.pk] == Decimal("99.99")
    assert by_name["合计"] == pages[branch.pk] + pages[other_branch.pk]


def test_the_branch_ledger_and_the_summary_cost_the_same_queries_as_they_grow(staff_client, branch):
    def counted(url):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == 200
        return len(queries)

    ledger = reverse("members:dues_branch", args=[branch.pk])
    summary = reverse("members:dues")
    for n in range(3):
        member = paying(branch, f"甲{n}")
        base(member)
        pay(member, branch, THIS_MONTH)
    small = counted(ledger), counted(summary)
    for n in range(57):
        member = paying(branch, f"乙{n}")
        base(member)
        pay(member, branch, dues.add_months(THIS_MONTH, -7))
    assert (counted(ledger), counted(summary)) == small
    page = staff_client.get(ledger).context["page"]
    assert (len(page.object_list), page.paginator.count) == (50, 60)


def test_the_branch_page_shows_arrears_and_flags(secretary_client, secretary, branch):
    three = paying(branch, "欠三")
    six = paying(branch, "欠六")
    excused = paying(branch, "有因")
    for member in (three, six, excused):
        base(member)
    pay(three, branch, dues.add_months(THIS_MONTH, -4))
    pay(six, branch, dues.add_months(THIS_MONTH, -7))
    pay(excused, branch, dues.add_months(THIS_MONTH, -7))
    dues.arrears_reason_record(
        member=excused, reason="工伤休养", recorded_on=TODAY, actor=secretary
    )
    response = secretary_client.get(reverse("members:dues_branch", args=[branch.pk]))
    arrears = {m.name: s for m, s in response.context["arrears"]}
    assert {name: s.months_unpaid for name, s in arrears.items()} == {
        "欠三": 3,
        "欠六": 6,
        "有因": 6,
    }
    assert [m.name for m, _s in response.context["flagged"]] == ["欠六"]
    summary = secretary_client.get(reverse("members:dues")).context["page"].object_list[0]
    assert (summary.dues_paying, summary.dues_shown, summary.dues_flagged) == (3, 3, 1)
    assert dues.flagged_by_branch(today=TODAY) == {branch.pk: 1}
