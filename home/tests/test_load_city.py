"""load_city --scale 0.01: the small city on top of the demo, on whichever database the suite
runs (SQLite by default, PostgreSQL in the second configuration)."""

import io
from collections import defaultdict
from itertools import pairwise

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activities.models import ActivityLog, Attendance, Suggestion
from assessments.models import Cycle, Delivery, Notification, Result, Score
from branches.models import Branch, PartyGroup, Seat
from members.models import Candidate, Member, Participation
from projects.models import CoordinationItem, Project

pytestmark = pytest.mark.django_db

DEMO_BRANCHES = 5
DEMO_MEMBERS = 105


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The demo and a city at scale 0.01, loaded once for the module inside a transaction rolled
    back at its end (each test runs in a savepoint of its own within it)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("load_city", scale=0.01, force=True, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_small_city_has_a_hundredth_of_the_volumes(city):
    assert Branch.objects.filter(status="active").count() == DEMO_BRANCHES + 20
    assert Project.objects.filter(branches__status="active").count() == DEMO_BRANCHES + 20
    assert Member.objects.count() == DEMO_MEMBERS + 1_000
    city_logs = ActivityLog.objects.filter(branch__name__in=city_branch_names())
    assert city_logs.count() == 10_000
    attendance = Attendance.objects.filter(log__in=city_logs).count()
    assert 25_000 <= attendance <= 32_000  # three a log on average
    assert CoordinationItem.objects.filter(branch__name__in=city_branch_names()).count() == 200
    assert User.objects.filter(role="branch_secretary", username__startswith="city").count() == 20


def test_workers_recruited_at_each_stage_in_the_legal_intervals(city):
    recruits = Candidate.objects.filter(branch__name__in=city_branch_names())
    assert recruits.count() == 100
    assert set(recruits.values_list("stage", flat=True)) == {
        "applicant",
        "activist",
        "development",
    }
    assert not recruits.exclude(steps__kind="application").exists()
    for candidate in recruits.filter(stage="development"):
        assert (candidate.development_on - candidate.activist_on).days >= 365
        assert candidate.steps.filter(kind="introducer").count() == 2
    # A few candidacies ended, after their last step and not after today, their steps kept.
    ended = recruits.filter(ended_on__isnull=False)
    assert 0 < ended.count() < 20
    for candidate in ended:
        last = candidate.steps.order_by("-happened_on").first().happened_on
        assert last <= candidate.ended_on <= timezone.localdate()
        assert candidate.end_reason in Candidate.EndReason.values


def test_suggestions_and_a_year_of_reminders_with_their_deliveries(city):
    suggestions = Suggestion.objects.filter(branch__name__in=city_branch_names())
    assert suggestions.count() == 200
    assert not suggestions.exclude(steps__status="submitted").exists()  # each has its history
    implemented = suggestions.filter(status="implemented")
    assert implemented.exists()
    assert not implemented.filter(Q(implemented_on__isnull=True) | Q(days_saved__isnull=True))
    secretary = User.objects.get(username="city0001")
    assert Notification.objects.filter(recipient=secretary).count() == 25
    staff = Notification.objects.filter(recipient__username="jiedao", key__startswith="city:")
    assert staff.count() == 50
    city_reminders = Notification.objects.filter(key__startswith="city:")
    assert Delivery.objects.filter(notification__in=city_reminders).count() == (
        city_reminders.count()
    )
    assert not Delivery.objects.filter(notification__in=city_reminders).exclude(
        status__in=["sent", "failed"]
    )


def test_it_states_its_time_and_rows_per_table(city):
    assert "City loaded at scale 0.01 in" in city
    assert "activities_attendance" in city
    assert "members_member" in city


def city_branch_names():
    return Branch.objects.filter(seats__user__username__startswith="city").values("name")


def test_every_branch_has_a_secretary_log_in_and_party_groups_matched_to_working_groups(city):
    for branch in Branch.objects.filter(name__in=city_branch_names()):
        secretary = Seat.objects.get(branch=branch, kind="secretary", ended_on__isnull=True)
        assert secretary.user.role == User.Role.BRANCH_SECRETARY
        groups = PartyGroup.objects.filter(branch=branch)
        assert groups.count() >= 3
        assert all(g.working_group.project_id == branch.project_id for g in groups)


def test_sampled_rows_of_every_model_pass_full_clean(city):
    problems = []
    for label in ("accounts", "projects", "branches", "members", "activities", "assessments"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for row in list(model.objects.order_by("-pk")[:2000])[::40]:
                try:
                    row.full_clean()
                except ValidationError as error:
                    problems.append((model._meta.label, row.pk, error.message_dict))
    assert problems == []


def test_no_member_takes_part_in_two_branches_at_once(city):
    periods = defaultdict(list)
    for member_id, joined, left in Participation.objects.values_list(
        "member_id", "joined_on", "left_on"
    ):
        periods[member_id].append((joined, left))
    for member_periods in periods.values():
        member_periods.sort()
        for (_joined, left), (next_joined, _next_left) in pairwise(member_periods):
            assert left is not None and left < next_joined
    assert Participation.objects.filter(left_on__isnull=True).count() == Member.objects.count()


def test_everyone_counted_at_an_activity_took_part_in_its_branch_that_day(city):
    took_part = Participation.objects.filter(
        member=OuterRef("member_id"),
        branch=OuterRef("log__branch_id"),
        joined_on__lte=OuterRef("log__held_on"),
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=OuterRef("log__held_on")))
    assert not Attendance.objects.filter(~Exists(took_part)).exists()


def test_both_cycles_cover_every_branch_with_scores(city):
    active = Branch.objects.filter(status="active").count()
    published = Cycle.objects.get(status=Cycle.Status.PUBLISHED)
    ongoing = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).get()
    assert published.branches.count() == active
    assert ongoing.branches.count() == active
    results = Result.objects.filter(cycle=published)
    assert results.count() == active
    assert sorted(results.values_list("rank", flat=True))[0] == 1
    assert Score.objects.filter(cycle=ongoing, self_score__isnull=False).exists()


def test_it_is_refused_outside_debug_and_on_a_loaded_city(city):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_city", scale=0.01, stdout=io.StringIO())
    with pytest.raises(CommandError, match="already loaded"):
        call_command("load_city", scale=0.01, force=True, stdout=io.StringIO())


def test_members_whose_relation_is_in_their_branch_have_a_year_of_dues(city):
    from django.utils import timezone

    from members import dues
    from members.models import DuesPayment

    today = timezone.localdate()
    city_branches = Branch.objects.filter(name__in=city_branch_names())
    paying = Member.objects.filter(
        relation_state="in_branch",
        participations__branch__in=city_branches,
        participations__left_on__isnull=True,
    )
    assert 100 <= paying.count() <= 250  # about one in six of the city's 1,000
    assert DuesPayment.objects.filter(branch__in=city_branches).count() > 8 * paying.count()
    branches = dues.summary_figures_for_page(list(city_branches), year=today.year, today=today)
    assert sum(b.dues_paying for b in branches) == paying.count()
    assert sum(b.dues_shown for b in branches) > 0  # some stopped paying
    assert sum(b.dues_no_base for b in branches) == 0


def main_pages():
    published = Cycle.objects.get(status=Cycle.Status.PUBLISHED)
    ongoing = Cycle.objects.exclude(status=Cycle.Status.PUBLISHED).get()
    return [
        reverse("home:home"),
        reverse("projects:list"),
        reverse("branches:list"),
        reverse("members:list"),
        reverse("members:dues"),
        reverse("members:recruiting_street"),
        reverse("activities:list"),
        reverse("activities:compliance"),
        reverse("assessments:cycle_detail", args=[published.pk]),
        reverse("assessments:cycle_detail", args=[ongoing.pk]),
    ]


@pytest.mark.parametrize("username", ["jiedao", "city0001"])
def test_the_main_pages_answer(city, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    for url in main_pages():
        assert client.get(url).status_code == 200, url


def test_letters_in_transit_with_their_flags_and_floating_certificates(city):
    from django.utils import timezone

    from members import moves
    from members.models import FloatingCertificate, TransferLetter

    today = timezone.localdate()
    city_letters = TransferLetter.objects.filter(branch__name__in=city_branch_names())
    assert city_letters.filter(direction="in").exists()
    assert city_letters.filter(direction="out", receipt_on__isnull=True).exists()
    assert city_letters.filter(moves.receipt_overdue_q(today)).exists()
    for letter in city_letters:
        assert letter.valid_until <= moves.longest_validity(letter.issued_on)
        assert letter.receipt_due_on == moves.receipt_due(letter.issued_on)
        if letter.direction == "in":
            assert letter.transfer.member_id == letter.member_id
            assert letter.transfer.to_branch_id == letter.branch_id
        assert letter.issued_on <= today
    assert FloatingCertificate.objects.filter(member__is_floating=True).count() >= 10
    assert TransferLetter.history.count() >= city_letters.count()
