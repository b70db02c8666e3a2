"""Committee terms (换届): opened, shown with their deadline, reminded six months and one month
ahead; the set-up rules flagged with their reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from assessments import reminders
from assessments.models import Notification
from branches import services
from branches.models import Term
from branches.selectors import attach_setup_problems, terms_due
from branches.tests.factories import BranchFactory
from members.models import Member
from members.tests.factories import MemberFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are compared in their English source (the pages speak Chinese)."""
    with translation.override("en"):
        yield


D = datetime.date


def staff_members(branch, full, probationary=0):
    for _ in range(full):
        ParticipationFactory(branch=branch)
    for _ in range(probationary):
        member = MemberFactory(standing=Member.Standing.PROBATIONARY, full_member_on=None)
        ParticipationFactory(branch=branch, member=member)


def test_a_term_ends_three_or_five_years_on(branch):
    term = services.term_open(branch=branch, started_on=D(2025, 3, 1), years=5)
    assert term.ends_on == D(2030, 3, 1)


def test_bad_terms_are_refused_and_nothing_is_saved(branch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.term_open(branch=branch, started_on=tomorrow, years=3)
    assert "started_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.term_open(branch=branch, started_on=D(2025, 3, 1), years=4)
    assert "years" in error.value.message_dict
    services.term_open(branch=branch, started_on=D(2025, 3, 1), years=3)
    with pytest.raises(ValidationError) as error:
        services.term_open(branch=branch, started_on=D(2025, 3, 1), years=3)
    assert "started_on" in error.value.message_dict
    assert Term.objects.count() == 1


def test_the_terms_due_are_the_current_ones_expired_or_ending_within_six_months(
    street_staff, branch, other_branch
):
    today = D(2026, 6, 30)
    services.term_open(branch=branch, started_on=D(2023, 7, 1), years=3)  # ends 2026-07-01
    quiet = BranchFactory()
    services.term_open(branch=quiet, started_on=D(2024, 1, 1), years=3)  # 2027-01-01: not yet
    services.term_open(branch=other_branch, started_on=D(2020, 1, 1), years=5)  # expired
    renewed = BranchFactory()
    services.term_open(branch=renewed, started_on=D(2020, 1, 1), years=3)
    services.term_open(branch=renewed, started_on=D(2023, 1, 2), years=5)  # 2028: superseded
    due = terms_due(user=street_staff, today=today)
    assert [(t.branch, t.stage) for t in due] == [(other_branch, "expired"), (branch, "1m")]


def test_a_secretary_sees_only_their_branch_term(secretary, branch, other_branch):
    services.term_open(branch=branch, started_on=D(2020, 1, 1), years=3)
    services.term_open(branch=other_branch, started_on=D(2020, 1, 1), years=3)
    assert [t.branch for t in terms_due(user=secretary)] == [branch]


def test_term_reminders_six_months_and_one_month_ahead_and_when_expired(
    branch, secretary, street_staff
):
    services.term_open(branch=branch, started_on=D(2023, 7, 1), years=3)  # ends 2026-07-01
    term_reminders = Notification.objects.filter(event="term_ending")
    reminders.sweep(today=D(2025, 12, 31))  # six months and a day ahead: nothing yet
    assert not term_reminders.exists()
    reminders.sweep(today=D(2026, 1, 1))
    reminders.sweep(today=D(2026, 3, 1))  # still the six-month stage: nothing new
    assert sorted(term_reminders.values_list("recipient__username", "stage")) == [
        ("secretary", "6m"),
        ("staff", "6m"),
    ]
    reminders.sweep(today=D(2026, 6, 1))
    reminders.sweep(today=D(2026, 7, 1))
    stages = sorted(term_reminders.filter(recipient=secretary).values_list("stage", flat=True))
    assert stages == ["1m", "6m", "expired"]
    assert term_reminders.filter(recipient=secretary, stage="1m").get().url.endswith("#term")


def test_set_up_problems_of_a_branch(branch, other_branch):
    staff_members(branch, full=2, probationary=3)
    staff_members(other_branch, full=3)
    big = BranchFactory()
    staff_members(big, full=40, probationary=11)
    attach_setup_problems([branch, other_branch, big])
    assert branch.setup_problems == [
        "Fewer than three full members (2): three are needed to form a branch."
    ] or branch.setup_problems[0].startswith("正式党员不足三名")
    assert other_branch.setup_problems == []
    assert len(big.setup_problems) == 1 and "51" in big.setup_problems[0]


def test_the_branch_page_shows_the_term_and_the_flags(staff_client, branch):
    staff_members(branch, full=2)
    start = timezone.localdate() - datetime.timedelta(days=3 * 365 - 60)
    services.term_open(branch=branch, started_on=start, years=3)
    response = staff_client.get(reverse("branches:detail", args=[branch.pk]))
    assert response.context["term"].stage == "6m"
    assert response.context["branch"].setup_problems
    page = response.content.decode()
    assert str(start.year) in page and 'id="term"' in page


def test_the_branch_list_flags_with_the_reason(staff_client, branch, other_branch):
    staff_members(branch, full=2)
    staff_members(other_branch, full=3)
    response = staff_client.get(reverse("branches:list"))
    flagged = {b.pk: b.setup_problems for b in response.context["page"].object_list}
    assert flagged[branch.pk] and not flagged[other_branch.pk]


def test_the_term_is_recorded_by_staff_only(
    staff_client, secretary_client, outsider_client, branch
):
    url = reverse("branches:term_record", args=[branch.pk])
    assert outsider_client.get(url).status_code == 404
    assert secretary_client.post(url, {"started_on": "2025-03-01", "years": 3}).status_code == 403
    response = staff_client.post(url, {"started_on": "2025-03-01", "years": 4})
    assert response.status_code == 200 and response.context["form"].errors["years"]
    response = staff_client.post(url, {"started_on": "2025-03-01", "years": 3})
    assert response.status_code == 302
    assert Term.objects.get().ends_on == D(2028, 3, 1)
