"""The home page: the street's workbench for street staff, a secretary's own branch."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from assessments.models import Delivery, Notification
from core.models import Job

pytestmark = pytest.mark.django_db


def test_home_for_street_staff_is_the_workbench(staff_client, branch, other_branch):
    response = staff_client.get(reverse("home:home"))
    assert response.templates[0].name == "home/home_street.html"
    coverage = response.context["workbench"]["coverage"]["projects"]
    assert (coverage["active"], coverage["covered"]) == (2, 2)


def test_home_for_a_secretary_shows_only_their_branch(secretary_client, branch, other_branch):
    response = secretary_client.get(reverse("home:home"))
    page = response.content.decode()
    assert branch.name in page
    assert other_branch.name not in page
    assert [home["branch"] for home in response.context["homes"]] == [branch]


def test_a_secretarys_home_counts_the_members_active_in_their_branch(
    secretary_client, branch, other_branch
):
    import datetime

    from members.models import Member
    from members.tests.factories import ParticipationFactory

    ParticipationFactory(branch=branch)
    ParticipationFactory(branch=branch, member__standing=Member.Standing.PROBATIONARY,
                         member__full_member_on=None)  # fmt: skip
    ParticipationFactory(branch=branch, member__is_floating=True,
                         member__relation_state=Member.RelationState.IN_POCKET)  # fmt: skip
    ParticipationFactory(branch=branch, member__is_floating=True)
    ParticipationFactory(branch=branch, left_on=datetime.date(2025, 5, 1))  # left
    ParticipationFactory(branch=other_branch, member__is_floating=True)
    response = secretary_client.get(reverse("home:home"))
    assert response.context["homes"][0]["members"] == {
        "total": 4, "probationary": 1, "floating": 2, "pocket": 1,
    }  # fmt: skip


def test_secretary_without_a_seat_is_told_what_to_do(client, db):
    client.force_login(UserFactory())
    assert "尚未关联任何支部职务" in client.get(reverse("home:home")).content.decode()


def test_the_workbench_says_how_many_reminders_fail_and_jobs_wait(staff_client, secretary):
    assert "未送达" not in staff_client.get(reverse("home:home")).content.decode()
    notification = Notification.objects.create(
        recipient=secretary, key="k", event="phase_deadline", stage="3", title="检查阶段截止"
    )
    Delivery.objects.create(
        notification=notification,
        channel="email",
        status=Delivery.Status.FAILED,
        next_attempt_at=timezone.now(),
    )
    Job.objects.create(task="home.tasks.build_archive", kwargs={"archive_id": 1})
    response = staff_client.get(reverse("home:home"))
    assert response.context["workbench"]["failing_reminders"] == 1
    assert response.context["workbench"]["waiting_jobs"] == 1
    page = response.content.decode()
    assert reverse("assessments:deliveries") in page
    assert "1 个后台任务正在等待队列" in page


def test_the_workbench_figures_are_kept_a_minute_and_say_as_of_when(
    staff_client, branch, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    settings.PORTAL_WORKBENCH_CACHE_SECONDS = 60
    cache.clear()
    first = staff_client.get(reverse("home:home"))
    assert "数据截至" in first.content.decode()
    Notification.objects.create(  # something live still shows at once
        recipient=UserFactory(), key="k2", event="phase_deadline", stage="3", title="x"
    )
    with django_assert_max_num_queries(12):
        second = staff_client.get(reverse("home:home"))
    assert second.context["workbench"]["computed_at"] == first.context["workbench"]["computed_at"]
    cache.clear()
