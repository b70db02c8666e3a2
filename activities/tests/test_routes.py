"""Organisational-life pages as a logged-in user: a branch's brand, deleting a draft activity, a
suggestion's page, and what the campaign, brand and rule lists show. A secretary works on their
own branch; another branch's objects answer 404 and stay as they were."""

import datetime

import pytest
from django.urls import reverse

from activities import services
from activities.models import ActivityLog, Brand, Campaign, Rule, Suggestion
from activities.tests.factories import ActivityLogFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def brand_data(**changes) -> dict:
    return {
        "name": "红色引擎",
        "pillar_1": "党建引领",
        "pillar_2": "工地课堂",
        "pillar_3": "先锋攻坚",
        "slogan": "一个支部一面旗",
        "story": "",
    } | changes


# Brands ------------------------------------------------------------------------------------------


def test_brand_page_offers_the_branchs_submitted_logs_as_evidence(
    secretary_client, branch, other_branch
):
    submitted = ActivityLogFactory(branch=branch, title="工地党课")
    ActivityLogFactory(branch=branch, status=ActivityLog.Status.DRAFT, submitted_at=None)
    ActivityLogFactory(branch=other_branch)
    response = secretary_client.get(reverse("activities:brand_edit", args=[branch.pk]))
    assert response.status_code == 200
    assert f"{branch.name} 的品牌" in response.content.decode()
    assert list(response.context["form"].fields["evidence"].queryset) == [submitted]


def test_a_secretary_gives_their_branch_a_brand_with_evidence(secretary_client, branch):
    log = ActivityLogFactory(branch=branch, title="工地党课")
    response = secretary_client.post(
        reverse("activities:brand_edit", args=[branch.pk]), brand_data(evidence=[log.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:brands")
    brand = Brand.objects.get(branch=branch)
    assert (brand.name, brand.pillar_2, brand.slogan) == ("红色引擎", "工地课堂", "一个支部一面旗")
    assert list(brand.evidence.all()) == [log]


def test_editing_a_brand_changes_the_one_the_branch_has(secretary_client, branch):
    url = reverse("activities:brand_edit", args=[branch.pk])
    secretary_client.post(url, brand_data())
    assert secretary_client.get(url).context["form"].initial["name"] == "红色引擎"
    # The edit form carries the revision it was shown with (core.forms.RevisionFormMixin).
    secretary_client.post(url, brand_data(name="工地红帆", revision=Brand.objects.get().revision))
    assert list(Brand.objects.values_list("name", flat=True)) == ["工地红帆"]


@pytest.mark.parametrize("bad", ["no pillar", "another branch's log"])
def test_a_bad_brand_is_refused(secretary_client, branch, other_branch, bad):
    data = brand_data(pillar_3="")
    if bad == "another branch's log":
        data = brand_data(evidence=[ActivityLogFactory(branch=other_branch).pk])
    response = secretary_client.post(reverse("activities:brand_edit", args=[branch.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Brand.objects.exists()


def test_brand_edit_is_404_for_a_secretary_of_another_branch(outsider_client, branch):
    url = reverse("activities:brand_edit", args=[branch.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, brand_data()).status_code == 404
    assert not Brand.objects.exists()


def test_brand_list_shows_each_brand_with_its_pillars_and_evidence(
    staff_client, secretary_client, branch, other_branch
):
    own = Brand.objects.create(branch=branch, **brand_data())
    own.evidence.set([ActivityLogFactory(branch=branch), ActivityLogFactory(branch=branch)])
    Brand.objects.create(branch=other_branch, **brand_data(name="江海先锋", slogan=""))

    page = staff_client.get(reverse("activities:brands")).content.decode()
    assert "红色引擎" in page and "江海先锋" in page
    assert "党建引领 · 工地课堂 · 先锋攻坚" in page
    assert "一个支部一面旗" in page
    assert "2 项佐证活动" in page
    assert reverse("activities:brand_edit", args=[branch.pk]) in page

    page = secretary_client.get(reverse("activities:brands")).content.decode()
    assert "红色引擎" in page and "江海先锋" not in page


def test_brand_list_says_when_there_is_none(secretary_client):
    assert "尚无品牌。" in secretary_client.get(reverse("activities:brands")).content.decode()


# Deleting a draft --------------------------------------------------------------------------------


def test_a_draft_is_deleted(secretary_client, branch):
    draft = ActivityLogFactory(branch=branch, status=ActivityLog.Status.DRAFT, submitted_at=None)
    response = secretary_client.post(reverse("activities:delete", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(reverse("activities:list"), 302)]
    assert "草稿已删除。" in response.content.decode()
    assert not ActivityLog.objects.filter(pk=draft.pk).exists()


def test_a_submitted_activity_is_not_deleted(secretary_client, staff_client, branch):
    log = ActivityLogFactory(branch=branch)
    for client in (secretary_client, staff_client):
        response = client.post(reverse("activities:delete", args=[log.pk]), follow=True)
        assert response.redirect_chain == [(log.get_absolute_url(), 302)]
        assert "只能删除草稿。" in response.content.decode()
    assert ActivityLog.objects.filter(pk=log.pk).exists()


def test_delete_is_a_post_and_404_for_another_branch(secretary_client, outsider_client, branch):
    draft = ActivityLogFactory(branch=branch, status=ActivityLog.Status.DRAFT, submitted_at=None)
    url = reverse("activities:delete", args=[draft.pk])
    assert secretary_client.get(url).status_code == 405
    assert outsider_client.post(url).status_code == 404
    assert ActivityLog.objects.filter(pk=draft.pk).exists()


# Suggestions -------------------------------------------------------------------------------------


@pytest.fixture
def suggestion(branch, street_staff):
    return services.suggestion_submit(
        suggestion=Suggestion(
            project=branch.project,
            author="钢筋班组长",
            author_is_member=True,
            content="夜间浇筑错峰作业，减少扰民",
            submitted_on=D(2026, 3, 1),
        ),
        actor=street_staff,
    )


def test_suggestion_page_shows_the_suggestion_and_its_steps(secretary_client, suggestion, branch):
    services.suggestion_move(
        suggestion=suggestion,
        to_status=Suggestion.Status.ADOPTED,
        on=D(2026, 3, 5),
        actor=None,
        note="采纳，下周起执行",
    )
    response = secretary_client.get(reverse("activities:suggestion_detail", args=[suggestion.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "夜间浇筑错峰作业，减少扰民" in page
    assert branch.project.name in page
    assert "钢筋班组长 (党员)" in page
    assert "采纳，下周起执行" in page
    assert [step.status for step in response.context["steps"]] == ["submitted", "adopted"]
    assert reverse("activities:suggestion_move", args=[suggestion.pk]) in page


def test_a_declined_suggestion_offers_no_next_step(staff_client, suggestion):
    services.suggestion_move(
        suggestion=suggestion,
        to_status=Suggestion.Status.DECLINED,
        on=D(2026, 3, 5),
        actor=None,
        note="暂不具备条件",
    )
    page = staff_client.get(reverse("activities:suggestion_detail", args=[suggestion.pk]))
    assert "暂不具备条件" in page.content.decode()
    assert "登记下一步" not in page.content.decode()


def test_suggestion_page_is_404_for_a_secretary_of_another_branch(outsider_client, suggestion):
    url = reverse("activities:suggestion_detail", args=[suggestion.pk])
    assert outsider_client.get(url).status_code == 404


# Campaigns and rules -----------------------------------------------------------------------------


def test_campaign_list_shows_each_campaign_with_its_dates_and_branches(
    staff_client, secretary_client, branch, other_branch
):
    both = Campaign.objects.create(
        name="紫琅山下党旗红", starts_on=D(2026, 3, 1), ends_on=D(2026, 6, 30)
    )
    both.branches.set([branch, other_branch])
    theirs = Campaign.objects.create(
        name="江海先锋行", starts_on=D(2026, 7, 1), ends_on=D(2026, 9, 30)
    )
    theirs.branches.set([other_branch])

    response = staff_client.get(reverse("activities:campaigns"))
    page = response.content.decode()
    assert [c.name for c in response.context["page"].object_list] == [
        "江海先锋行",
        "紫琅山下党旗红",
    ]
    assert "2 个支部" in page and "1 个支部" in page
    assert both.get_absolute_url() in page

    page = secretary_client.get(reverse("activities:campaigns")).content.decode()
    assert "紫琅山下党旗红" in page and "江海先锋行" not in page


def test_campaign_list_says_when_there_is_none(secretary_client):
    assert (
        "尚无主题活动。" in secretary_client.get(reverse("activities:campaigns")).content.decode()
    )


def test_rule_list_shows_each_rule_of_the_branches_in_scope(
    staff_client, secretary_client, branch, other_branch
):
    services.rule_save(
        rule=Rule(
            branch=branch,
            owner=Rule.Owner.BRANCH,
            kind=Rule.Kind.OPERATING,
            title="支部委员会议事规则",
            effective_on=D(2025, 4, 1),
            text="每月召开一次支委会",
        )
    )
    services.rule_save(
        rule=Rule(
            branch=other_branch,
            owner=Rule.Owner.ENGINEERING,
            kind=Rule.Kind.ACTIVITY,
            title="工程部联建活动制度",
            effective_on=D(2025, 5, 1),
            text="每季度联建一次",
        )
    )
    page = staff_client.get(reverse("activities:rules")).content.decode()
    assert "支部委员会议事规则" in page and "工程部联建活动制度" in page
    assert "每月召开一次支委会" in page
    assert "项目党支部" in page and "运行制度" in page
    assert branch.name in page

    page = secretary_client.get(reverse("activities:rules")).content.decode()
    assert "支部委员会议事规则" in page and "工程部联建活动制度" not in page


def test_rule_list_says_when_there_is_none(secretary_client):
    assert "尚无制度。" in secretary_client.get(reverse("activities:rules")).content.decode()
