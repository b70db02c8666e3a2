import datetime

import pytest
from django.core import mail
from django.utils import translation

from accounts.tests.factories import UserFactory
from assessments import reminders, tasks
from assessments.models import Delivery, DeploymentTask, Notification
from assessments.tests.factories import make_cycle, make_version

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cycle(branch, secretary, street_staff):
    return make_cycle(make_version(), [branch], deploy_due=D(2026, 3, 10))


def test_stages():
    due = D(2026, 3, 10)
    assert reminders.stage_for(due, D(2026, 3, 1)) is None
    assert reminders.stage_for(due, D(2026, 3, 3)) == "7d"
    assert reminders.stage_for(due, D(2026, 3, 9)) == "1d"
    assert reminders.stage_for(due, D(2026, 3, 10)) == "1d"
    assert reminders.stage_for(due, D(2026, 3, 11)) == "overdue"


def test_a_phase_deadline_reaches_the_secretary_and_staff_once(cycle, secretary, street_staff):
    phase = Notification.objects.filter(event="phase_deadline")
    reminders.sweep(today=D(2026, 3, 4))
    assert sorted(phase.values_list("recipient__username", flat=True)) == ["secretary", "staff"]
    # The same day again, or the next day in the same stage: nothing new.
    assert reminders.sweep(today=D(2026, 3, 4)) == []
    assert reminders.sweep(today=D(2026, 3, 5)) == []
    # The next stage is a new reminder.
    reminders.sweep(today=D(2026, 3, 9))
    reminders.sweep(today=D(2026, 3, 12))
    assert phase.count() == 6
    stages = sorted(phase.filter(recipient=secretary).values_list("stage", flat=True))
    assert stages == ["1d", "7d", "overdue"]


def test_tasks_coming_due_reach_their_branch_only(cycle, branch, secretary, other_secretary):
    DeploymentTask.objects.create(
        cycle=cycle, branch=branch, side="party", title="计划", due_on=D(2026, 4, 20)
    )
    reminders.sweep(today=D(2026, 4, 15))
    assert list(
        Notification.objects.filter(event="task_due").values_list("recipient__username", flat=True)
    ) == ["secretary"]


def test_reminders_are_written_in_the_portal_language_whoever_ran_the_sweep(cycle, branch):
    """With eager Celery a sweep may run inside an English user's request: the stored texts
    (read later by everyone, sent to the groups' robots) are still in the portal's language."""
    DeploymentTask.objects.create(
        cycle=cycle, branch=branch, side="party", title="计划", due_on=D(2026, 4, 20)
    )
    with translation.override("en"):
        reminders.sweep(today=D(2026, 4, 15))
    title = Notification.objects.get(event="task_due").title
    with translation.override("zh-hans"):
        assert title == translation.gettext("Task %(title)s %(when)s") % {
            "title": "计划",
            "when": reminders._stage_text("7d", D(2026, 4, 20)),
        }
    assert "Task" not in title


def test_a_done_task_is_not_reminded(cycle, branch, secretary):
    DeploymentTask.objects.create(
        cycle=cycle,
        branch=branch,
        side="party",
        title="计划",
        due_on=D(2026, 4, 20),
        done_on=D(2026, 4, 1),
    )
    reminders.sweep(today=D(2026, 4, 15))
    assert not Notification.objects.filter(event="task_due").exists()


def test_a_reminder_is_emailed_once(cycle, django_capture_on_commit_callbacks, eager_celery):
    user = UserFactory(username="mailme", email="mailme@example.org", role="street_staff")
    with django_capture_on_commit_callbacks(execute=True):
        created = tasks.sweep_reminders.apply().get()
    assert created >= 1
    delivery = Delivery.objects.get(notification__recipient=user)
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "sent", 1)
    assert [m.to for m in mail.outbox] == [["mailme@example.org"]]
    tasks.deliver_reminder.apply(args=[delivery.pk])  # a redelivered message: nothing more
    tasks.requeue_deliveries.apply()
    assert len(mail.outbox) == 1


def test_what_a_dead_sweep_left_unqueued_is_sent_by_the_requeue_pass(
    cycle, django_capture_on_commit_callbacks, eager_celery, settings
):
    """The sweep committed its reminders, then its worker died before handing any delivery to
    the broker (its on-commit callbacks never ran)."""
    for n in range(5):
        UserFactory(username=f"mail{n}", email=f"mail{n}@example.org", role="street_staff")
    with django_capture_on_commit_callbacks(execute=False):
        tasks.sweep_reminders.apply()
    pending = Delivery.objects.filter(status="pending")
    assert pending.count() == 5
    assert mail.outbox == []

    tasks.requeue_deliveries.apply()  # at once: they count as handed over by the sweep
    assert mail.outbox == []
    settings.PORTAL_REMINDER_REQUEUE_AFTER_SECONDS = 0  # … and later still: lost, sent again
    tasks.requeue_deliveries.apply()
    tasks.requeue_deliveries.apply()
    assert sorted(m.to[0] for m in mail.outbox) == [f"mail{n}@example.org" for n in range(5)]
    assert not pending.exists()
    # The redelivered sweep message finds every reminder taken and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_reminders.apply().get() == 0
    assert len(mail.outbox) == 5


def test_unread_count_in_the_navigation(secretary_client, secretary, cycle):
    reminders.sweep(today=D(2026, 3, 4))
    unread = secretary.notifications.filter(read_at__isnull=True).count()
    assert unread >= 1
    page = secretary_client.get("/").content.decode()
    assert f'class="badge text-bg-warning">{unread}<' in page
    secretary_client.post("/assessments/reminders/read/")
    assert 'class="badge text-bg-warning">' not in secretary_client.get("/").content.decode()


def _reminder(user, **extra) -> Notification:
    return Notification.objects.create(
        recipient=user,
        key=f"k-{user.pk}-{Notification.objects.count()}",
        event="phase_deadline",
        stage="7d",
        title="部署阶段",
        url=extra.pop("url", "/assessments/"),
        **extra,
    )


def test_opening_a_reminder_marks_it_read_and_leads_to_its_page(secretary_client, secretary):
    reminder = _reminder(secretary)
    listing = secretary_client.get("/assessments/reminders/").content.decode()
    assert f'href="/assessments/reminders/{reminder.pk}/"' in listing
    response = secretary_client.get(f"/assessments/reminders/{reminder.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/assessments/"
    reminder.refresh_from_db()
    first_read = reminder.read_at
    assert first_read is not None
    # Opened again: still read, the first time kept.
    secretary_client.get(f"/assessments/reminders/{reminder.pk}/")
    reminder.refresh_from_db()
    assert reminder.read_at == first_read


def test_a_reminder_to_someone_else_cannot_be_opened(secretary_client, other_secretary):
    reminder = _reminder(other_secretary)
    assert secretary_client.get(f"/assessments/reminders/{reminder.pk}/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_a_reminder_never_leads_off_the_portal(secretary_client, secretary):
    reminder = _reminder(secretary, url="https://evil.example/")
    response = secretary_client.get(f"/assessments/reminders/{reminder.pk}/")
    assert response["Location"] == "/assessments/reminders/"


def test_reminder_times_and_dates_read_as_every_other_date(secretary_client, secretary):
    import zoneinfo

    reminder = _reminder(secretary)
    # 19:43 UTC on 30 November is 03:43 on 1 December in Nantong.
    Notification.objects.filter(pk=reminder.pk).update(
        created_at=datetime.datetime(2026, 11, 30, 19, 43, tzinfo=zoneinfo.ZoneInfo("UTC"))
    )
    page = secretary_client.get("/assessments/reminders/").content.decode()
    assert "2026年12月1日 03:43" in page
    assert "2026-12-01" not in page and "2026-11-30" not in page
    assert "2026年12月1日" in reminders._stage_text("7d", D(2026, 12, 1))


def _paying_member(branch, *, base_on, last_paid=None):
    from decimal import Decimal

    from members.models import DuesBase, DuesPayment
    from members.tests.factories import ParticipationFactory

    member = ParticipationFactory(branch=branch, member__relation_state="in_branch").member
    base = DuesBase.objects.create(
        member=member, category="salaried", pay=Decimal("4000"), effective_from=base_on
    )
    if last_paid:
        DuesPayment.objects.create(
            member=member, branch=branch, month=last_paid, amount=Decimal("40"), paid_on=last_paid
        )
    return member, base


def test_the_dues_review_reaches_the_branch_in_january_only(branch, secretary, other_secretary):
    from django.utils import timezone

    from members.models import DuesBase

    _member, base = _paying_member(branch, base_on=D(2026, 1, 1))
    DuesBase.objects.filter(pk=base.pk).update(
        recorded_at=timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 0))
    )
    review = Notification.objects.filter(event="dues_review")
    reminders.sweep(today=D(2026, 12, 20))
    assert not review.exists()
    reminders.sweep(today=D(2027, 1, 4))
    assert list(review.values_list("recipient__username", flat=True)) == ["secretary"]
    assert "1" in review.get().title and review.get().url.endswith(f"/dues/branch/{branch.pk}/")
    reminders.sweep(today=D(2027, 1, 20))  # once a year
    assert review.count() == 1


def test_six_months_unpaid_reach_the_branch_and_the_street_each_month(
    branch, secretary, street_staff
):
    from members.models import DuesArrearsReason

    member, _base = _paying_member(branch, base_on=D(2026, 1, 1), last_paid=D(2026, 8, 1))
    flagged = Notification.objects.filter(event="dues_arrears")
    reminders.sweep(today=D(2027, 2, 27))  # September … January: five months
    assert not flagged.exists()
    reminders.sweep(today=D(2027, 3, 1))  # … February: six, across the new year
    assert sorted(flagged.values_list("recipient__username", flat=True)) == ["secretary", "staff"]
    reminders.sweep(today=D(2027, 3, 20))
    assert flagged.count() == 2
    DuesArrearsReason.objects.create(member=member, reason="病休", recorded_on=D(2027, 3, 21))
    reminders.sweep(today=D(2027, 4, 2))  # a reason recorded: no more
    assert flagged.count() == 2


# Members on the move ----------------------------------------------------------------------------


def _letter_out(branch, issued):
    from members import moves
    from members.models import Member
    from members.tests.factories import ParticipationFactory

    member = ParticipationFactory(
        branch=branch, member__relation_state=Member.RelationState.IN_BRANCH
    ).member
    return moves.outgoing_letter_issue(
        member=member, branch=branch, number="转字第9号", issued_on=issued,
        to_organisation="某党委", dues_paid_to=D(2026, 1, 1),
        valid_until=D(2026, 3, 31), actor=None,
    )  # fmt: skip


def test_a_letters_receipt_is_reminded_ahead_and_overdue_to_the_street_too(
    branch, secretary, street_staff
):
    letter = _letter_out(branch, D(2026, 1, 31))  # receipt due 28 February
    receipt = Notification.objects.filter(event="receipt_due")
    reminders.sweep(today=D(2026, 2, 20))
    assert not receipt.exists()
    reminders.sweep(today=D(2026, 2, 21))
    assert list(receipt.values_list("recipient__username", "stage")) == [("secretary", "7d")]
    reminders.sweep(today=D(2026, 2, 28))
    reminders.sweep(today=D(2026, 3, 1))
    overdue = receipt.filter(stage="overdue")
    assert sorted(overdue.values_list("recipient__username", flat=True)) == ["secretary", "staff"]
    assert overdue.first().url.endswith(f"/members/branches/{branch.pk}/moves/#letters")
    reminders.sweep(today=D(2026, 3, 5))
    assert receipt.count() == 4  # 7d, 1d, overdue twice: no more
    from members import moves

    moves.letter_receipt_record(letter=letter, on=D(2026, 3, 6), actor=None)
    reminders.sweep(today=D(2026, 4, 10))
    assert (
        receipt.count() == 4
        and not Notification.objects.filter(event="letter_validity", stage="overdue").exists()
    )


def test_a_letter_past_its_validity_without_arrival_is_reminded(branch, secretary, street_staff):
    _letter_out(branch, D(2026, 1, 31))  # valid until 31 March
    validity = Notification.objects.filter(event="letter_validity")
    reminders.sweep(today=D(2026, 3, 31))
    assert list(validity.values_list("stage", flat=True)) == ["1d"]
    reminders.sweep(today=D(2026, 4, 1))
    assert sorted(
        validity.filter(stage="overdue").values_list("recipient__username", flat=True)
    ) == [
        "secretary",
        "staff",
    ]


def test_floating_members_away_six_months_are_reminded_to_their_branch_each_month(
    branch, secretary
):
    from members.tests.factories import ParticipationFactory

    for joined in (D(2026, 1, 31), D(2026, 2, 1)):
        ParticipationFactory(
            branch=branch, joined_on=joined, member__is_floating=True,
            member__floating_from="河南省周口市",
        )  # fmt: skip
    away = Notification.objects.filter(event="floating_away")
    reminders.sweep(today=D(2026, 7, 30))
    assert not away.exists()
    reminders.sweep(today=D(2026, 7, 31))  # the first reached six months: 31 January + 6 months
    assert list(away.values_list("recipient__username", flat=True)) == ["secretary"]
    assert "1" in away.get().title
    assert away.get().url.endswith(f"/members/branches/{branch.pk}/moves/#away")
    reminders.sweep(today=D(2026, 8, 15))  # once a month
    assert away.count() == 2 and "2" in away.order_by("-pk").first().title
    reminders.sweep(today=D(2026, 8, 20))
    assert away.count() == 2
