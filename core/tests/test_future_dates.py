"""A change of state is recorded once it has happened: a date after today is refused with the
message on its field, and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches import services as branch_services
from branches.models import Branch
from branches.tests.factories import PartyGroupFactory
from members import services as member_services
from members.models import Participation
from members.tests.factories import MemberFactory, ParticipationFactory
from projects import services as project_services
from projects.tests.factories import ProjectManagerFactory

pytestmark = pytest.mark.django_db


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def field_errors(error: pytest.ExceptionInfo) -> set[str]:
    return set(error.value.message_dict)


def test_today_is_accepted_and_tomorrow_refused_for_a_leaving(branch):
    participation = ParticipationFactory(branch=branch)
    with pytest.raises(ValidationError) as error:
        member_services.participation_end(
            participation=participation, left_on=tomorrow(), reason="调离"
        )
    assert field_errors(error) == {"left_on"}
    participation.refresh_from_db()
    assert participation.left_on is None
    member_services.participation_end(
        participation=participation, left_on=timezone.localdate(), reason="调离"
    )


def test_a_move_dated_tomorrow_ends_nothing(branch, other_branch):
    participation = ParticipationFactory(branch=branch)
    with pytest.raises(ValidationError) as error:
        member_services.participation_move(
            member=participation.member, branch=other_branch, on=tomorrow(), reason="调动"
        )
    assert field_errors(error) == {"on"}
    assert Participation.objects.filter(member=participation.member).count() == 1


def test_member_dates_cannot_lie_ahead():
    member = MemberFactory.build(joined_party_on=tomorrow(), full_member_on=None)
    member.standing = "probationary"
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "joined_party_on" in field_errors(error)


def test_branch_closing_and_groups_are_not_dated_ahead(branch):
    with pytest.raises(ValidationError) as error:
        branch_services.branch_transform(
            branch=branch, on=tomorrow(), into="community", successor_name="某社区党委"
        )
    assert field_errors(error) == {"on"}
    branch.refresh_from_db()
    assert branch.status == Branch.Status.ACTIVE

    with pytest.raises(ValidationError) as error:
        branch_services.party_group_dissolve(group=PartyGroupFactory(branch=branch), on=tomorrow())
    assert field_errors(error) == {"on"}


def test_a_project_manager_is_not_appointed_ahead(branch):
    with pytest.raises(ValidationError) as error:
        project_services.project_manager_appoint(
            project=branch.project, name="张工", appointed_on=tomorrow()
        )
    assert field_errors(error) == {"appointed_on"}
    manager = ProjectManagerFactory(project=branch.project)
    with pytest.raises(ValidationError):
        project_services.project_manager_end(manager=manager, ended_on=tomorrow())


def test_the_transform_form_keeps_the_values_and_says_why(staff_client, branch):
    url = reverse("branches:transform", args=[branch.pk])
    response = staff_client.post(
        url,
        {
            "on": tomorrow().isoformat(),
            "into": "community",
            "successor_name": "某社区党委",
            "note": "",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "某社区党委" in page
    assert "该日期晚于今天。" in page
    branch.refresh_from_db()
    assert branch.status == Branch.Status.ACTIVE
