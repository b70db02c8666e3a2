"""The member pages that act on one member as a logged-in user: joining a branch again, pioneer
posts, and the transfer of the organisational relation step by step. Each page shows the right
form, a valid post changes what it should and goes back to the member, bad input is refused with
nothing saved, and a secretary of another branch gets 404."""

import datetime

import pytest
from django.urls import reverse

from branches.tests.factories import PartyGroupFactory
from members import services
from members.models import Member, PioneerPost, Transfer
from members.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def own_member(branch):
    return ParticipationFactory(branch=branch, member__name="周建华").member


@pytest.fixture
def former_member(branch):
    """Took part in the branch and left it: the branch still sees them."""
    return ParticipationFactory(
        branch=branch,
        member__name="吴国强",
        joined_on=D(2025, 4, 1),
        left_on=D(2025, 8, 1),
        leaving_reason="工程结束",
    ).member


@pytest.fixture
def post(own_member, branch):
    return services.pioneer_post_assign(
        member=own_member,
        project=branch.project,
        kind=PioneerPost.Kind.KEY_POST,
        title="钢筋绑扎先锋岗",
        started_on=D(2025, 5, 1),
    )


@pytest.fixture
def transfer(own_member, branch, secretary):
    own_member.relation_state = Member.RelationState.IN_POCKET
    own_member.save()
    return services.transfer_request(
        member=own_member, to_branch=branch, requested_on=D(2025, 6, 1), actor=secretary
    )


# Joining a branch again --------------------------------------------------------------------------


def test_join_page_offers_the_secretarys_own_branch(secretary_client, former_member, branch):
    response = secretary_client.get(reverse("members:join", args=[former_member.pk]))
    assert response.status_code == 200
    assert "吴国强 加入支部" in response.content.decode()
    assert list(response.context["form"].fields["branch"].queryset) == [branch]


def test_a_former_member_joins_the_branch_again(secretary_client, former_member, branch):
    response = secretary_client.post(
        reverse("members:join", args=[former_member.pk]),
        {"branch": branch.pk, "joined_on": "2025-09-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == former_member.get_absolute_url()
    current = former_member.participations.get(left_on__isnull=True)
    assert (current.branch, current.joined_on) == (branch, D(2025, 9, 1))


def test_joining_before_leaving_the_last_branch_is_refused(secretary_client, former_member, branch):
    response = secretary_client.post(
        reverse("members:join", args=[former_member.pk]),
        {"branch": branch.pk, "joined_on": "2025-07-01"},
    )
    assert response.status_code == 200
    assert "joined_on" in response.context["form"].errors
    assert not former_member.participations.filter(left_on__isnull=True).exists()


def test_joining_another_branch_than_ones_own_is_refused(
    secretary_client, former_member, other_branch
):
    response = secretary_client.post(
        reverse("members:join", args=[former_member.pk]),
        {"branch": other_branch.pk, "joined_on": "2025-09-01"},
    )
    assert "branch" in response.context["form"].errors
    assert not former_member.participations.filter(left_on__isnull=True).exists()


def test_a_member_active_in_a_branch_cannot_join_another(secretary_client, own_member):
    assert secretary_client.get(reverse("members:join", args=[own_member.pk])).status_code == 403


def test_join_is_404_for_a_secretary_of_another_branch(outsider_client, former_member):
    url = reverse("members:join", args=[former_member.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"joined_on": "2025-09-01"}).status_code == 404
    assert not former_member.participations.filter(left_on__isnull=True).exists()


# Moving and leaving -----------------------------------------------------------------------------


def test_move_page_offers_the_secretarys_branch_and_groups(secretary_client, own_member, branch):
    group = PartyGroupFactory(branch=branch, name="钢筋班组党小组")
    response = secretary_client.get(reverse("members:move", args=[own_member.pk]))
    assert response.status_code == 200
    assert "将 周建华 调整到其他支部或党小组" in response.content.decode()
    form = response.context["form"]
    assert list(form.fields["branch"].queryset) == [branch]
    assert list(form.fields["party_group"].queryset) == [group]


def test_a_member_moves_to_a_party_group_of_the_branch(secretary_client, own_member, branch):
    group = PartyGroupFactory(branch=branch, name="钢筋班组党小组")
    response = secretary_client.post(
        reverse("members:move", args=[own_member.pk]),
        {"branch": branch.pk, "party_group": group.pk, "on": "2025-09-01", "reason": "分组调整"},
    )
    assert response.status_code == 302
    assert response["Location"] == own_member.get_absolute_url()
    history = own_member.participations.order_by("joined_on")
    assert [(p.party_group, p.left_on) for p in history] == [
        (None, D(2025, 9, 1)),
        (group, None),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"on": "2025-09-01", "reason": "原地不动"},
        {"on": "2025-01-01", "reason": "早于加入"},
        {"on": "2025-09-01", "reason": ""},
    ],
    ids=["already there", "before joining", "no reason"],
)
def test_a_bad_move_is_refused(secretary_client, own_member, branch, data):
    response = secretary_client.post(
        reverse("members:move", args=[own_member.pk]), {"branch": branch.pk} | data
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert own_member.participations.get().left_on is None


def test_a_member_leaves_the_branch_with_a_reason(secretary_client, own_member, branch):
    page = secretary_client.get(reverse("members:leave", args=[own_member.pk])).content.decode()
    assert f"周建华 离开 {branch.name}" in page
    response = secretary_client.post(
        reverse("members:leave", args=[own_member.pk]),
        {"left_on": "2025-10-31", "reason": "工程结束"},
    )
    assert response.status_code == 302
    assert response["Location"] == own_member.get_absolute_url()
    participation = own_member.participations.get()
    assert (participation.left_on, participation.leaving_reason) == (D(2025, 10, 31), "工程结束")


@pytest.mark.parametrize(
    "data",
    [{"left_on": "2025-10-31", "reason": ""}, {"left_on": "2999-01-01", "reason": "工程结束"}],
    ids=["no reason", "future"],
)
def test_a_bad_departure_is_refused(secretary_client, own_member, data):
    response = secretary_client.post(reverse("members:leave", args=[own_member.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert own_member.participations.get().left_on is None


def test_move_and_leave_are_404_for_another_branch_and_403_for_a_former_member(
    secretary_client, outsider_client, own_member, former_member, branch
):
    for name, data in (
        ("members:move", {"branch": branch.pk, "on": "2025-09-01", "reason": "调整"}),
        ("members:leave", {"left_on": "2025-10-31", "reason": "工程结束"}),
    ):
        url = reverse(name, args=[own_member.pk])
        assert outsider_client.post(url, data).status_code == 404, name
        former = reverse(name, args=[former_member.pk])
        assert secretary_client.get(former).status_code == 403, name
    assert own_member.participations.get().left_on is None


# Pioneer posts -----------------------------------------------------------------------------------


def test_post_assign_page_proposes_the_members_project(secretary_client, own_member, branch):
    response = secretary_client.get(reverse("members:post_assign", args=[own_member.pk]))
    assert response.status_code == 200
    assert "为 周建华 设立党员先锋岗" in response.content.decode()
    form = response.context["form"]
    assert form.initial["project"] == branch.project.pk
    assert list(form.fields["project"].queryset) == [branch.project]


def test_a_pioneer_post_is_assigned(secretary_client, own_member, branch):
    response = secretary_client.post(
        reverse("members:post_assign", args=[own_member.pk]),
        {
            "project": branch.project.pk,
            "kind": PioneerPost.Kind.KEY_PROCESS,
            "title": "混凝土浇筑监督岗",
            "started_on": "2025-06-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == own_member.get_absolute_url() + "#posts"
    post = own_member.pioneer_posts.get()
    assert (post.project, post.kind, post.title, post.started_on, post.ended_on) == (
        branch.project,
        PioneerPost.Kind.KEY_PROCESS,
        "混凝土浇筑监督岗",
        D(2025, 6, 1),
        None,
    )


@pytest.mark.parametrize(
    "change",
    [{"started_on": "2999-01-01"}, {"title": ""}, {"project": "other"}],
    ids=["future", "no title", "another branch's project"],
)
def test_a_bad_pioneer_post_is_refused(secretary_client, own_member, branch, other_branch, change):
    data = {
        "project": branch.project.pk,
        "kind": PioneerPost.Kind.KEY_POST,
        "title": "安全巡查岗",
        "started_on": "2025-06-01",
    } | change
    if data["project"] == "other":
        data["project"] = other_branch.project.pk
    response = secretary_client.post(reverse("members:post_assign", args=[own_member.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not PioneerPost.objects.exists()


def test_post_assign_is_404_for_another_branch_and_403_once_the_member_moved_on(
    secretary_client, outsider_client, own_member, other_branch
):
    url = reverse("members:post_assign", args=[own_member.pk])
    assert outsider_client.get(url).status_code == 404
    services.participation_move(
        member=own_member, branch=other_branch, on=D(2025, 9, 1), reason="调往新项目"
    )
    assert secretary_client.get(url).status_code == 403


def test_post_end_page_names_the_post(secretary_client, post):
    response = secretary_client.get(reverse("members:post_end", args=[post.pk]))
    assert response.status_code == 200
    assert "结束先锋岗：钢筋绑扎先锋岗" in response.content.decode()


def test_a_pioneer_post_is_ended(secretary_client, post, own_member):
    response = secretary_client.post(
        reverse("members:post_end", args=[post.pk]), {"on": "2025-10-31"}
    )
    assert response.status_code == 302
    assert response["Location"] == own_member.get_absolute_url() + "#posts"
    post.refresh_from_db()
    assert post.ended_on == D(2025, 10, 31)


def test_a_post_ends_once_and_never_in_the_future(secretary_client, post):
    url = reverse("members:post_end", args=[post.pk])
    response = secretary_client.post(url, {"on": "2999-01-01"})
    assert response.status_code == 200 and response.context["form"].errors
    post.refresh_from_db()
    assert post.ended_on is None

    secretary_client.post(url, {"on": "2025-10-31"})
    response = secretary_client.post(url, {"on": "2025-11-30"})
    assert response.status_code == 200 and response.context["form"].errors
    post.refresh_from_db()
    assert post.ended_on == D(2025, 10, 31)


def test_post_end_is_404_for_a_secretary_of_another_branch(outsider_client, post):
    url = reverse("members:post_end", args=[post.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"on": "2025-10-31"}).status_code == 404
    post.refresh_from_db()
    assert post.ended_on is None


# Transfers of the organisational relation --------------------------------------------------------


def test_transfer_request_page_names_the_member_and_the_branch(
    secretary_client, own_member, branch
):
    response = secretary_client.get(reverse("members:transfer_request", args=[own_member.pk]))
    assert response.status_code == 200
    assert f"将 周建华 的组织关系转入 {branch.name}" in response.content.decode()


def test_a_transfer_is_requested_from_the_home_organisation(
    secretary_client, secretary, own_member, branch
):
    response = secretary_client.post(
        reverse("members:transfer_request", args=[own_member.pk]), {"requested_on": "2025-06-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == own_member.get_absolute_url() + "#transfers"
    transfer = own_member.transfers.get()
    assert (transfer.to_branch, transfer.status, transfer.requested_on) == (
        branch,
        Transfer.Status.REQUESTED,
        D(2025, 6, 1),
    )
    assert transfer.from_organisation == own_member.home_organisation.name
    [step] = transfer.steps.all()
    assert (step.status, step.actor) == (Transfer.Status.REQUESTED, secretary)


def test_a_transfer_is_refused_when_the_relation_is_already_in_the_branch(
    secretary_client, own_member
):
    own_member.relation_state = Member.RelationState.IN_BRANCH
    own_member.save()
    response = secretary_client.post(
        reverse("members:transfer_request", args=[own_member.pk]), {"requested_on": "2025-06-01"}
    )
    assert response.status_code == 200
    assert "该党员的组织关系已在项目支部。" in response.content.decode()
    assert not Transfer.objects.exists()


def test_a_transfer_requested_in_the_future_is_refused(secretary_client, own_member):
    response = secretary_client.post(
        reverse("members:transfer_request", args=[own_member.pk]), {"requested_on": "2999-01-01"}
    )
    assert "requested_on" in response.context["form"].errors
    assert not Transfer.objects.exists()


def test_transfer_request_is_404_for_another_branch_and_403_for_a_former_member(
    secretary_client, outsider_client, own_member, branch
):
    url = reverse("members:transfer_request", args=[own_member.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"requested_on": "2025-06-01"}).status_code == 404
    former = ParticipationFactory(
        branch=branch, left_on=D(2025, 8, 1), leaving_reason="工程结束"
    ).member
    url = reverse("members:transfer_request", args=[former.pk])
    assert secretary_client.get(url).status_code == 403
    assert not Transfer.objects.exists()


def test_transfer_step_page_offers_the_next_step_or_a_rejection(secretary_client, transfer):
    response = secretary_client.get(reverse("members:transfer_step", args=[transfer.pk]))
    assert response.status_code == 200
    assert "周建华 组织关系转接的下一步" in response.content.decode()
    choices = [value for value, _label in response.context["form"].fields["to_status"].choices]
    assert choices == [Transfer.Status.LETTER_ISSUED, Transfer.Status.REJECTED]


def test_a_transfer_goes_step_by_step_to_completion(secretary_client, transfer, own_member):
    url = reverse("members:transfer_step", args=[transfer.pk])
    for status, day in (
        (Transfer.Status.LETTER_ISSUED, "2025-06-10"),
        (Transfer.Status.RECEIVED, "2025-06-20"),
        (Transfer.Status.COMPLETED, "2025-07-01"),
    ):
        response = secretary_client.post(url, {"to_status": status, "on": day})
        assert response.status_code == 302
        assert response["Location"] == own_member.get_absolute_url() + "#transfers"
    transfer.refresh_from_db()
    own_member.refresh_from_db()
    assert (transfer.status, transfer.closed_on) == (Transfer.Status.COMPLETED, D(2025, 7, 1))
    assert transfer.steps.count() == 4
    assert own_member.relation_state == Member.RelationState.IN_BRANCH
    assert secretary_client.get(url).status_code == 403  # a closed transfer takes no step


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"to_status": Transfer.Status.REJECTED, "on": "2025-06-10"}, "note"),
        ({"to_status": Transfer.Status.LETTER_ISSUED, "on": "2025-05-01"}, "on"),
        ({"to_status": Transfer.Status.COMPLETED, "on": "2025-06-10"}, "to_status"),
    ],
    ids=["rejection without a reason", "before the request", "skipping steps"],
)
def test_a_bad_transfer_step_is_refused(secretary_client, transfer, own_member, data, field):
    response = secretary_client.post(reverse("members:transfer_step", args=[transfer.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    transfer.refresh_from_db()
    own_member.refresh_from_db()
    assert transfer.status == Transfer.Status.REQUESTED and transfer.steps.count() == 1
    assert own_member.relation_state == Member.RelationState.IN_POCKET


def test_a_rejection_closes_the_transfer_with_its_reason(secretary_client, transfer):
    secretary_client.post(
        reverse("members:transfer_step", args=[transfer.pk]),
        {"to_status": Transfer.Status.REJECTED, "on": "2025-06-10", "note": "材料不全"},
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.rejection_reason, transfer.closed_on) == (
        Transfer.Status.REJECTED,
        "材料不全",
        D(2025, 6, 10),
    )


def test_transfer_step_is_404_for_a_secretary_of_another_branch(outsider_client, transfer):
    url = reverse("members:transfer_step", args=[transfer.pk])
    assert outsider_client.get(url).status_code == 404
    response = outsider_client.post(
        url, {"to_status": Transfer.Status.LETTER_ISSUED, "on": "2025-06-10"}
    )
    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.REQUESTED


def test_street_staff_take_a_transfer_step_in_any_branch(staff_client, transfer):
    response = staff_client.post(
        reverse("members:transfer_step", args=[transfer.pk]),
        {"to_status": Transfer.Status.LETTER_ISSUED, "on": "2025-06-10"},
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.LETTER_ISSUED
