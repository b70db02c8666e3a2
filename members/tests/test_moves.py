"""Members on the move: a transfer letter's validity and its receipt's deadline (worked by hand,
at month ends), dues in the receiving branch from the month after the letter's, the six-month
rule of floating members at its boundaries, the branch's and the street's flags at constant
queries, and the scope (another branch is a 404)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members import dues, moves, services
from members.models import (
    DuesBase,
    DuesPayment,
    FloatingCertificate,
    Member,
    Participation,
    Transfer,
    TransferLetter,
)
from members.tests.factories import ParticipationFactory

D = datetime.date
TODAY = timezone.localdate()
APRIL_2025, LAST_JANUARY_DAY, JAN_5 = D(2025, 4, 1), D(2026, 1, 31), D(2026, 1, 5)


@pytest.fixture(autouse=True)
def rates_of_2008(db):
    dues.rates_2008_ensure()


def in_branch(branch, name="张三", joined=APRIL_2025):
    return ParticipationFactory(
        branch=branch,
        joined_on=joined,
        member__name=name,
        member__relation_state=Member.RelationState.IN_BRANCH,
    ).member


def floating(branch, name="李四", joined=APRIL_2025):
    return ParticipationFactory(
        branch=branch, joined_on=joined, member__name=name, member__is_floating=True,
        member__floating_from="安徽省阜阳市",
    ).member  # fmt: skip


def issue_out(member, branch, issued=LAST_JANUARY_DAY, valid=None, actor=None):
    return moves.outgoing_letter_issue(
        member=member, branch=branch, number="转字第001号", issued_on=issued,
        to_organisation="上海市某建筑公司党委", dues_paid_to=D(2026, 1, 1),
        valid_until=valid or moves.longest_validity(issued), actor=actor,
    )  # fmt: skip


# Deadlines, by hand --------------------------------------------------------------------------


def test_the_deadlines_of_a_letter_are_calendar_months_clipped_at_the_months_end():
    assert moves.longest_validity(D(2026, 3, 15)) == D(2026, 6, 15)
    assert moves.longest_validity(D(2025, 11, 30)) == D(2026, 2, 28)
    assert moves.longest_validity(D(2023, 11, 30)) == D(2024, 2, 29)
    assert moves.longest_validity(D(2026, 10, 31)) == D(2027, 1, 31)
    assert moves.receipt_due(D(2026, 1, 31)) == D(2026, 2, 28)
    assert moves.receipt_due(D(2024, 1, 31)) == D(2024, 2, 29)
    assert moves.receipt_due(D(2026, 12, 15)) == D(2027, 1, 15)
    assert moves.receipt_due(D(2026, 3, 31)) == D(2026, 4, 30)


def test_a_letter_valid_beyond_three_months_is_refused_and_nothing_is_saved(branch):
    member = in_branch(branch)
    with pytest.raises(ValidationError) as error:
        issue_out(member, branch, issued=D(2025, 11, 30), valid=D(2026, 3, 1))
    assert "valid_until" in error.value.message_dict
    assert not TransferLetter.objects.exists()
    letter = issue_out(member, branch, issued=D(2025, 11, 30), valid=D(2026, 2, 28))
    assert letter.receipt_due_on == D(2025, 12, 30)
    assert letter.direction == "out" and letter.from_organisation == branch.name


def test_a_letter_past_its_validity_and_a_receipt_overdue_are_flagged_on_the_right_days(branch):
    letter = issue_out(in_branch(branch), branch, issued=D(2026, 1, 31))
    assert (letter.valid_until, letter.receipt_due_on) == (D(2026, 4, 30), D(2026, 2, 28))

    def flags(today):
        letters = TransferLetter.objects.all()
        return (
            letters.filter(moves.lapsed_q(today)).exists(),
            letters.filter(moves.receipt_overdue_q(today)).exists(),
        )

    assert flags(D(2026, 2, 28)) == (False, False)
    assert flags(D(2026, 3, 1)) == (False, True)
    assert flags(D(2026, 4, 30)) == (False, True)
    assert flags(D(2026, 5, 1)) == (True, True)
    moves.letter_arrival_record(letter=letter, on=D(2026, 4, 2))
    assert flags(D(2026, 5, 1)) == (False, True)
    moves.letter_receipt_record(letter=letter, on=D(2026, 5, 6), actor=None)
    assert flags(D(2026, 5, 7)) == (False, False)


def test_the_receipt_ends_the_participation_and_the_relation_moves_with_dates_kept(branch):
    member = in_branch(branch, joined=D(2025, 4, 1))
    letter = issue_out(member, branch, issued=D(2026, 1, 31))
    # Until the receipt: still active in the branch, listed as pending.
    assert Participation.objects.get(member=member).left_on is None
    assert list(moves.pending_letters_of_branch(branch=branch)) == [letter]
    with pytest.raises(ValidationError):
        issue_out(member, branch, issued=D(2026, 2, 2))
    moves.letter_receipt_record(letter=letter, on=D(2026, 2, 20), actor=None)
    participation = Participation.objects.get(member=member)
    assert participation.joined_on == D(2025, 4, 1) and participation.left_on == D(2026, 2, 20)
    assert "上海市某建筑公司党委" in participation.leaving_reason
    member.refresh_from_db()
    assert member.relation_state == Member.RelationState.AT_HOME
    assert member.home_organisation.name == "上海市某建筑公司党委"
    assert member.history.count() >= 2  # the relation's change is in the member's history
    letter.refresh_from_db()
    assert (letter.arrived_on, letter.receipt_on) == (D(2026, 2, 20), D(2026, 2, 20))
    assert not moves.pending_letters_of_branch(branch=branch).exists()
    with pytest.raises(ValidationError):
        moves.letter_receipt_record(letter=letter, on=D(2026, 2, 21), actor=None)


def test_a_receipt_before_the_arrival_is_refused_and_nothing_changes(branch):
    member = in_branch(branch)
    letter = issue_out(member, branch, issued=D(2026, 1, 31))
    moves.letter_arrival_record(letter=letter, on=D(2026, 2, 10))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        moves.letter_receipt_record(letter=letter, on=D(2026, 2, 9), actor=None)
    assert refused.value.message_dict["on"] == ["回执日期不能早于报到日期（2026年2月10日）。"]
    letter.refresh_from_db()
    assert letter.receipt_on is None
    assert Participation.objects.get(member=member).left_on is None


def test_a_receipt_before_the_letter_says_the_letters_date(branch):
    letter = issue_out(in_branch(branch), branch, issued=D(2026, 1, 31))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        moves.letter_receipt_record(letter=letter, on=D(2026, 1, 30), actor=None)
    assert refused.value.message_dict["on"] == ["回执日期不能早于介绍信开具日期（2026年1月31日）。"]


def test_only_a_relation_in_the_branch_is_transferred_out(branch):
    with pytest.raises(ValidationError):
        issue_out(floating(branch), branch)
    assert not TransferLetter.objects.exists()


# Incoming letters and dues from the letter's month ---------------------------------------------


def incoming(branch, secretary, *, requested=JAN_5):
    member = ParticipationFactory(
        branch=branch, member__relation_state=Member.RelationState.IN_POCKET,
        member__home_organisation=None,
    ).member  # fmt: skip
    transfer = services.transfer_request(
        member=member, to_branch=branch, requested_on=requested, actor=secretary,
        from_organisation="河南省滑县某镇党委",
    )  # fmt: skip
    return member, transfer


def test_an_incoming_letter_arrives_with_the_step_received(branch, secretary):
    _member, transfer = incoming(branch, secretary)
    letter = moves.incoming_letter_record(
        transfer=transfer, number="豫滑组字第12号", issued_on=D(2026, 1, 2),
        from_organisation=transfer.from_organisation, dues_paid_to=D(2026, 1, 1),
        valid_until=D(2026, 4, 2), actor=secretary,
    )  # fmt: skip
    assert letter.receipt_due_on == D(2026, 2, 2) and letter.arrived_on is None
    with pytest.raises(ValidationError):  # the member reported: the receipt comes after
        moves.letter_receipt_record(letter=letter, on=D(2026, 1, 20), actor=secretary)
    for status, on in (("letter_issued", D(2026, 1, 10)), ("received", D(2026, 1, 20))):
        services.transfer_advance(transfer=transfer, to_status=status, on=on, actor=secretary)
    letter.refresh_from_db()
    assert letter.arrived_on == D(2026, 1, 20)
    assert [h.arrived_on for h in letter.history.order_by("history_id")] == [None, D(2026, 1, 20)]
    moves.letter_receipt_record(letter=letter, on=D(2026, 1, 25), actor=secretary)
    letter.refresh_from_db()
    assert letter.receipt_on == D(2026, 1, 25)


def test_dues_in_the_branch_start_the_month_after_the_letters(branch, secretary):
    member, transfer = incoming(branch, secretary)
    moves.incoming_letter_record(
        transfer=transfer, number="豫滑组字第13号", issued_on=D(2026, 1, 2),
        from_organisation=transfer.from_organisation, dues_paid_to=D(2026, 2, 1),
        valid_until=D(2026, 4, 2), actor=secretary,
    )  # fmt: skip
    for status, on in (
        ("letter_issued", D(2026, 1, 10)),
        ("received", D(2026, 1, 20)),
        ("completed", D(2026, 6, 8)),
    ):
        services.transfer_advance(transfer=transfer, to_status=status, on=on, actor=secretary)
    DuesBase.objects.create(
        member=member, category="salaried", pay=Decimal("4000.00"), effective_from=D(2026, 1, 1)
    )
    standing = dues.member_dues_standing(member=member, today=D(2026, 7, 15))
    # Paid up to February on the letter: March is the first month owed here, not June.
    assert standing.owes_from == D(2026, 3, 1)
    assert standing.months_unpaid == 4  # March … June
    rows = {r.member.pk: r for r in dues.collection_rows(branch=branch, month=D(2026, 2, 1),
                                                          today=D(2026, 7, 15))}  # fmt: skip
    assert rows[member.pk].expected is None
    rows = {r.member.pk: r for r in dues.collection_rows(branch=branch, month=D(2026, 3, 1),
                                                          today=D(2026, 7, 15))}  # fmt: skip
    assert rows[member.pk].expected == Decimal("40.00")


def test_a_transfer_without_a_letter_keeps_dues_from_its_completion(branch, secretary):
    member, transfer = incoming(branch, secretary)
    for status, on in (
        ("letter_issued", D(2026, 1, 10)),
        ("received", D(2026, 1, 20)),
        ("completed", D(2026, 6, 8)),
    ):
        services.transfer_advance(transfer=transfer, to_status=status, on=on, actor=secretary)
    DuesBase.objects.create(
        member=member, category="salaried", pay=Decimal("4000.00"), effective_from=D(2026, 1, 1)
    )
    assert dues.member_dues_standing(member=member, today=D(2026, 7, 15)).owes_from == D(2026, 6, 1)


# The six-month rule ---------------------------------------------------------------------------


def test_six_months_away_at_the_boundaries():
    assert not moves.away_long_enough(D(2026, 1, 15), D(2026, 7, 14))
    assert moves.away_long_enough(D(2026, 1, 15), D(2026, 7, 15))
    assert not moves.away_long_enough(D(2026, 1, 31), D(2026, 7, 30))
    assert moves.away_long_enough(D(2026, 1, 31), D(2026, 7, 31))
    # 31 August + 6 months is 28 February: clipped, the end of February counts.
    assert not moves.away_long_enough(D(2025, 8, 31), D(2026, 2, 27))
    assert moves.away_long_enough(D(2025, 8, 31), D(2026, 2, 28))
    assert moves.away_cutoff(D(2026, 2, 28)) == D(2025, 8, 31)
    assert moves.away_cutoff(D(2026, 2, 27)) == D(2025, 8, 27)


def test_the_query_cutoff_agrees_with_the_rule_on_every_day_of_two_years():
    start = D(2025, 1, 1)
    joins = [start + datetime.timedelta(days=n) for n in range(0, 730)]
    for today in (D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30), D(2026, 8, 30), D(2027, 1, 1)):
        cutoff = moves.away_cutoff(today)
        for joined in joins:
            assert (joined <= cutoff) == moves.away_long_enough(joined, today), (today, joined)


def test_a_floating_member_away_six_months_is_flagged_until_a_transfer_starts(
    branch, other_branch, secretary
):
    today = D(2026, 7, 31)
    member = floating(branch, joined=D(2026, 1, 31))
    floating(branch, "王五", joined=D(2026, 2, 1))  # six months tomorrow
    ParticipationFactory(branch=branch, joined_on=D(2025, 1, 1))  # not floating
    pocket = floating(other_branch, "赵六", joined=D(2025, 1, 1))
    pocket.relation_state = Member.RelationState.IN_POCKET  # not at a home organisation
    pocket.save()
    floating(other_branch, "钱七", joined=D(2025, 1, 1))
    floating(other_branch, "孙八", joined=D(2025, 1, 1))
    assert [p.member for p in moves.away_of_branch(branch=branch, today=today)] == [member]
    away = {pk: flags["away"] for pk, flags in
            moves.flags_by_branch([branch.pk, other_branch.pk], today=today).items()}  # fmt: skip
    assert away == {branch.pk: 1, other_branch.pk: 2}
    services.transfer_request(member=member, to_branch=branch, requested_on=D(2026, 7, 30),
                              actor=secretary)  # fmt: skip
    assert not moves.away_of_branch(branch=branch, today=today).exists()
    assert moves.flags_by_branch([branch.pk], today=today)[branch.pk]["away"] == 0


def test_the_flag_leads_to_the_transfer_form_prefilled(secretary_client, branch):
    member = floating(branch, joined=D(2025, 1, 2))
    page = secretary_client.get(reverse("members:branch_moves", args=[branch.pk]))
    url = reverse("members:transfer_request", args=[member.pk])
    assert url in page.content.decode()
    form = secretary_client.get(url).context["form"]
    assert form["from_organisation"].value() == member.home_organisation.name
    assert str(branch.name) in secretary_client.get(url).content.decode()


# Certificates ----------------------------------------------------------------------------------


def test_a_certificate_is_recorded_once_and_kept_as_history(secretary_client, branch):
    member = floating(branch)
    url = reverse("members:certificate_record", args=[member.pk])
    data = {"number": "流证2026001", "issued_on": "2026-03-01", "valid_until": "2027-02-28",
            "issuing_organisation": "安徽省阜阳市颍州区某村党支部"}  # fmt: skip
    assert secretary_client.post(url, data).status_code == 302
    assert secretary_client.post(url, data).status_code == 200  # sent twice: one row
    assert FloatingCertificate.objects.count() == 1
    bad = dict(data, number="流证2026002", valid_until="2026-02-01")
    response = secretary_client.post(url, bad)
    assert response.context["form"].errors and FloatingCertificate.objects.count() == 1
    data2 = dict(data, number="流证2027001", issued_on="2026-11-01")
    assert secretary_client.post(url, data2).status_code == 302
    assert list(member.floating_certificates.values_list("number", flat=True)) == [
        "流证2027001",
        "流证2026001",
    ]
    other = in_branch(branch, "赵六")
    assert (
        secretary_client.get(reverse("members:certificate_record", args=[other.pk])).status_code
        == 403
    )


# Pages: the form prefilled from the dues records, scope, queries ---------------------------------


def test_a_letter_out_for_a_relation_held_elsewhere_says_why_on_the_members_page(
    secretary_client, branch
):
    away = floating(branch, "王五")
    response = secretary_client.get(reverse("members:letter_issue", args=[away.pk]), follow=True)
    assert response.redirect_chain[-1][0] == away.get_absolute_url()
    assert "的组织关系不在本支部" in response.content.decode()
    assert not TransferLetter.objects.exists()


def test_the_letter_form_is_prefilled_with_the_last_month_paid(secretary_client, branch):
    member = in_branch(branch)
    DuesBase.objects.create(
        member=member, category="salaried", pay=Decimal("4000.00"), effective_from=D(2024, 1, 1)
    )
    month = dues.add_months(dues.month_of(TODAY), -1)
    DuesPayment.objects.create(
        member=member, branch=branch, month=month, amount=Decimal("40.00"), paid_on=TODAY
    )
    url = reverse("members:letter_issue", args=[member.pk])
    form = secretary_client.get(url).context["form"]
    assert form.initial["dues_paid_to"] == month
    assert form.initial["valid_until"] == moves.longest_validity(TODAY)
    data = {"number": "星支转字01号", "issued_on": TODAY.isoformat(), "to_organisation": "某党委",
            "dues_paid_to": f"{month:%Y-%m}", "valid_until": TODAY.isoformat()}  # fmt: skip
    assert secretary_client.post(url, data).status_code == 302
    letter = TransferLetter.objects.get()
    assert letter.dues_paid_to == month and letter.recorded_by.username == "secretary"


def test_the_secretary_of_another_branch_gets_404(outsider_client, branch, secretary):
    member = in_branch(branch)
    letter = issue_out(member, branch)
    away = floating(branch, "王五")
    _pocket, transfer = incoming(branch, secretary)
    for url in (
        reverse("members:branch_moves", args=[branch.pk]),
        reverse("members:letter_issue", args=[member.pk]),
        reverse("members:letter_record", args=[transfer.pk]),
        reverse("members:letter_arrival", args=[letter.pk]),
        reverse("members:letter_receipt", args=[letter.pk]),
        reverse("members:certificate_record", args=[away.pk]),
    ):
        assert outsider_client.get(url).status_code == 404, url
        if "moves" not in url:
            assert outsider_client.post(url, {"on": "2026-02-20"}).status_code == 404, url
    letter.refresh_from_db()
    assert letter.receipt_on is None and letter.arrived_on is None


def _letters_and_away(branch, count, start):
    for n in range(count):
        member = in_branch(branch, f"甲{start + n}")
        issue_out(member, branch, issued=D(2026, 1, 1) + datetime.timedelta(days=n))
        floating(branch, f"乙{start + n}", joined=D(2025, 1, 1))


def test_the_branch_page_and_the_street_page_cost_the_same_queries_as_they_grow(
    secretary_client, staff_client, branch, other_branch
):
    _letters_and_away(branch, 2, 0)
    pages = (
        (secretary_client, reverse("members:branch_moves", args=[branch.pk])),
        (staff_client, reverse("members:transfers")),
    )
    small = []
    for client, url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        small.append(len(queries))
    _letters_and_away(branch, 20, 2)
    _letters_and_away(other_branch, 5, 30)
    for (client, url), before in zip(pages, small, strict=True):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(queries) == before, url
    assert response.context["letters"].paginator.count == 27
    figures = {b.pk: b.move_flags for b in response.context["page"].object_list}
    assert figures[branch.pk]["away"] == 22 and figures[branch.pk]["receipts"] == 22


def test_a_rejected_transfers_letter_is_not_flagged(branch, secretary):
    _member, transfer = incoming(branch, secretary)
    moves.incoming_letter_record(
        transfer=transfer, number="1", issued_on=D(2026, 1, 2), from_organisation="某党委",
        dues_paid_to=D(2026, 1, 1), valid_until=D(2026, 2, 2), actor=secretary,
    )  # fmt: skip
    assert TransferLetter.objects.filter(moves.flagged_q(D(2026, 6, 1))).exists()
    services.transfer_advance(
        transfer=transfer, to_status=Transfer.Status.REJECTED, on=D(2026, 2, 5),
        actor=secretary, note="信息不全",
    )  # fmt: skip
    assert not TransferLetter.objects.filter(moves.flagged_q(D(2026, 6, 1))).exists()


def test_a_member_transferring_out_owes_no_dues_here_after_the_letters_month(branch):
    member = in_branch(branch)
    DuesBase.objects.create(
        member=member, category="salaried", pay=Decimal("4000.00"), effective_from=D(2025, 1, 1)
    )
    DuesPayment.objects.create(
        member=member, branch=branch, month=D(2025, 12, 1), amount=Decimal("40.00"),
        paid_on=D(2025, 12, 10),
    )  # fmt: skip
    moves.outgoing_letter_issue(
        member=member, branch=branch, number="转字第002号", issued_on=D(2026, 1, 31),
        to_organisation="上海市某建筑公司党委", dues_paid_to=D(2026, 1, 1),
        valid_until=D(2026, 4, 30), actor=None,
    )  # fmt: skip
    standing = dues.member_dues_standing(member=member, today=D(2026, 7, 15))
    # January is owed here (paid up to January on the letter), February on at the destination.
    assert standing.months_unpaid == 1 and standing.owes_until == D(2026, 1, 1)
    rows = {r.member.pk: r for r in dues.collection_rows(branch=branch, month=D(2026, 2, 1),
                                                          today=D(2026, 7, 15))}  # fmt: skip
    assert rows[member.pk].expected is None


def test_a_letter_form_with_a_validity_too_long_keeps_the_values_and_saves_nothing(
    secretary_client, branch
):
    member = in_branch(branch)
    url = reverse("members:letter_issue", args=[member.pk])
    data = {"number": "星支转字02号", "issued_on": "2026-01-31", "to_organisation": "某党委",
            "dues_paid_to": "2026-01", "valid_until": "2026-05-01"}  # fmt: skip
    response = secretary_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "valid_until" in form.errors and "2026年4月30日" in str(form.errors["valid_until"])
    assert form["number"].value() == "星支转字02号"
    assert not TransferLetter.objects.exists()


def test_the_member_page_and_the_branch_page_show_the_letters_deadlines(secretary_client, branch):
    member = in_branch(branch)
    letter = issue_out(member, branch, issued=D(2026, 1, 31))
    page = secretary_client.get(member.get_absolute_url()).content.decode()
    assert letter.number in page and "2026年4月30日" in page and "2026年2月28日" in page
    assert reverse("members:letter_receipt", args=[letter.pk]) in page
    branch_page = secretary_client.get(reverse("members:branch_moves", args=[branch.pk]))
    shown = branch_page.context["letters"].object_list
    assert shown == [letter] and shown[0].overdue and shown[0].lapsed == (D(2026, 4, 30) < TODAY)
    assert "table-danger" in branch_page.content.decode()


# Correcting a recorded letter ---------------------------------------------------------------------


def test_a_letter_is_corrected_with_the_recorded_version_kept_in_its_history(branch, secretary):
    letter = issue_out(in_branch(branch), branch, issued=D(2025, 11, 30))
    with pytest.raises(ValidationError) as error:  # the same limit as when it was recorded
        moves.letter_correct(
            letter=letter, number="转字第002号", to_organisation="上海市某建筑公司党委",
            dues_paid_to=D(2025, 11, 15), valid_until=D(2026, 3, 1), actor=secretary,
        )  # fmt: skip
    assert "valid_until" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        moves.letter_correct(
            letter=letter, number="转字第002号", to_organisation="  ",
            dues_paid_to=D(2025, 11, 15), valid_until=D(2026, 2, 28), actor=secretary,
        )  # fmt: skip
    assert "to_organisation" in error.value.message_dict
    letter.refresh_from_db()
    assert letter.number == "转字第001号" and letter.history.count() == 1  # nothing half-saved
    moves.letter_correct(
        letter=letter, number="转字第002号", to_organisation="上海市另一建筑公司党委",
        dues_paid_to=D(2025, 11, 15), valid_until=D(2026, 2, 28), actor=secretary,
    )  # fmt: skip
    letter.refresh_from_db()
    assert (letter.number, letter.to_organisation, letter.dues_paid_to, letter.valid_until) == (
        "转字第002号", "上海市另一建筑公司党委", D(2025, 11, 1), D(2026, 2, 28),
    )  # fmt: skip
    assert letter.receipt_due_on == D(2025, 12, 30)  # the date and its receipt stay
    first, second = letter.history.order_by("history_id")
    assert (first.number, first.valid_until) == ("转字第001号", D(2026, 2, 28))
    assert first.to_organisation == "上海市某建筑公司党委"
    assert (second.number, second.history_user, second.history_change_reason) == (
        "转字第002号", secretary, "corrected",
    )  # fmt: skip
    with pytest.raises(ValidationError):  # nothing to correct: no history row for nothing
        moves.letter_correct(
            letter=letter, number="转字第002号", to_organisation="上海市另一建筑公司党委",
            dues_paid_to=D(2025, 11, 1), valid_until=D(2026, 2, 28), actor=secretary,
        )  # fmt: skip
    moves.letter_receipt_record(letter=letter, on=D(2026, 1, 10), actor=secretary)
    with pytest.raises(ValidationError):  # a letter whose receipt came back is closed
        moves.letter_correct(
            letter=letter, number="转字第003号", to_organisation="上海市另一建筑公司党委",
            dues_paid_to=D(2025, 11, 1), valid_until=D(2026, 2, 28), actor=secretary,
        )  # fmt: skip


def test_an_incoming_letters_destination_stays_the_branch(branch, secretary):
    _member, transfer = incoming(branch, secretary)
    letter = moves.incoming_letter_record(
        transfer=transfer, number="豫滑组字第12号", issued_on=D(2026, 1, 2),
        from_organisation=transfer.from_organisation, dues_paid_to=D(2026, 1, 1),
        valid_until=D(2026, 4, 2), actor=secretary,
    )  # fmt: skip
    moves.letter_correct(
        letter=letter, number="豫滑组字第13号", to_organisation="别处",
        dues_paid_to=D(2025, 12, 1), valid_until=D(2026, 3, 2), actor=secretary,
    )  # fmt: skip
    letter.refresh_from_db()
    assert (letter.number, letter.to_organisation, letter.valid_until) == (
        "豫滑组字第13号", branch.name, D(2026, 3, 2),
    )  # fmt: skip


def test_a_secretary_corrects_a_letter_from_the_moves_page_and_another_branch_gets_404(
    branch, secretary_client, outsider_client
):
    letter = issue_out(in_branch(branch), branch, issued=D(2025, 11, 30))
    page = secretary_client.get(reverse("members:branch_moves", args=[branch.pk]))
    url = reverse("members:letter_correct", args=[letter.pk])
    assert url in page.content.decode()
    form = secretary_client.get(url).context["form"]
    assert form["number"].value() == "转字第001号" and "to_organisation" in form.fields
    data = {
        "number": "转字第009号",
        "to_organisation": "上海市某建筑公司党委",
        "dues_paid_to": "2025-10",
        "valid_until": "2026-03-01",
    }
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, data).status_code == 404
    response = secretary_client.post(url, data)  # beyond three months: said, values kept
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"]
    assert response.context["form"]["number"].value() == "转字第009号"
    letter.refresh_from_db()
    assert letter.number == "转字第001号"
    data["valid_until"] = "2026-02-28"
    response = secretary_client.post(url, data)
    assert response.url == reverse("members:branch_moves", args=[branch.pk]) + "#letters"
    letter.refresh_from_db()
    assert (letter.number, letter.dues_paid_to) == ("转字第009号", D(2025, 10, 1))
    assert letter.history.count() == 2
