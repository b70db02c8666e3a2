"""Assessment pages as a logged-in user: the versions of the rules (read by everyone, changed by
street staff only, frozen once published), moving a cycle to its next phase, joint inspections and
their rectification, and marking reminders read. Staff-only pages answer 403 to a secretary for
their own branch and 404 for a cycle their branch is not in."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Criterion, Cycle, Delivery, Inspection, Notification, RuleVersion
from assessments.tests.factories import leaf, make_cycle, make_version

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def version():
    return make_version(name="2026年考核细则")


@pytest.fixture
def draft():
    return make_version(name="2027年考核细则（征求意见稿）", published=False)


@pytest.fixture
def cycle(version, branch):
    """A cycle of the secretary's branch only: the other branch's secretary is outside it."""
    return make_cycle(version, [branch], name="2026年上半年")


@pytest.fixture
def inspection(cycle, branch):
    return Inspection.objects.create(
        cycle=cycle,
        branch=branch,
        held_on=D(2026, 4, 10),
        inspectors="街道党工委联合检查组",
        findings="三会一课记录不全",
        rectification="补齐记录",
        rectification_due=D(2026, 5, 10),
    )


# Versions of the rules ---------------------------------------------------------------------------


def test_version_list_shows_each_version_with_its_state_and_criteria(
    staff_client, secretary_client, version, draft
):
    page = staff_client.get(reverse("assessments:versions")).content.decode()
    assert "2026年考核细则" in page and "2027年考核细则（征求意见稿）" in page
    assert "已发布" in page and "草稿" in page
    assert "9 个条目" in page
    assert draft.get_absolute_url() in page
    assert reverse("assessments:version_create") in page

    page = secretary_client.get(reverse("assessments:versions")).content.decode()
    assert "2026年考核细则" in page
    assert reverse("assessments:version_create") not in page


def test_version_page_shows_the_criteria_tree_and_weights(secretary_client, version):
    response = secretary_client.get(reverse("assessments:version_detail", args=[version.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026年考核细则" in page and "已发布" in page
    assert [criterion.code for criterion, _depth in response.context["tree"]] == [
        "1",
        "1-1",
        "1-2",
        "2",
        "2-1",
        "3",
        "3-1",
        "5",
        "5-1",
    ]
    assert "组织建设" in page and "重大安全事故" in page
    # Read-only for a secretary: no button to change or copy the rules.
    assert reverse("assessments:version_copy", args=[version.pk]) not in page


def test_version_page_offers_staff_what_fits_the_versions_state(staff_client, version, draft):
    page = staff_client.get(reverse("assessments:version_detail", args=[draft.pk])).content.decode()
    assert reverse("assessments:version_publish", args=[draft.pk]) in page
    assert reverse("assessments:criterion_edit", args=[draft.pk, leaf(draft, "1-1").pk]) in page
    page = staff_client.get(
        reverse("assessments:version_detail", args=[version.pk])
    ).content.decode()
    assert reverse("assessments:version_publish", args=[version.pk]) not in page
    assert reverse("assessments:version_copy", args=[version.pk]) in page


def test_an_unknown_version_is_404(secretary_client):
    url = reverse("assessments:version_detail", args=[999])
    assert secretary_client.get(url).status_code == 404


def test_staff_publish_a_draft_and_it_is_frozen(staff_client, draft):
    response = staff_client.post(
        reverse("assessments:version_publish", args=[draft.pk]), follow=True
    )
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "版本已发布，不能再修改。" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RuleVersion.Status.PUBLISHED
    assert draft.published_on is not None
    edit = reverse("assessments:criterion_edit", args=[draft.pk, leaf(draft, "1-1").pk])
    assert staff_client.get(edit).status_code == 403


def test_a_version_without_construction_criteria_is_not_published(staff_client, draft):
    Criterion.objects.filter(version=draft, category="construction").delete()
    response = staff_client.post(
        reverse("assessments:version_publish", args=[draft.pk]), follow=True
    )
    assert "发布前，版本须同时包含党建工作和项目建设两类条目。" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.published_on) == (RuleVersion.Status.DRAFT, None)


def test_a_published_version_is_not_published_again(staff_client, version):
    response = staff_client.post(
        reverse("assessments:version_publish", args=[version.pk]), follow=True
    )
    assert "该版本已发布。" in response.content.decode()
    version.refresh_from_db()
    assert version.published_on == D(2026, 1, 10)


def test_version_publish_is_for_street_staff_and_a_post(staff_client, secretary_client, draft):
    url = reverse("assessments:version_publish", args=[draft.pk])
    assert secretary_client.post(url).status_code == 403
    assert staff_client.get(url).status_code == 405
    draft.refresh_from_db()
    assert draft.status == RuleVersion.Status.DRAFT


def test_staff_make_a_new_draft_from_a_published_version(staff_client, version):
    response = staff_client.post(reverse("assessments:version_copy", args=[version.pk]))
    copy = RuleVersion.objects.get(based_on=version)
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    assert copy.status == RuleVersion.Status.DRAFT
    assert copy.name.startswith("2026年考核细则（") and copy.name.endswith("修订）")
    assert sorted(copy.criteria.values_list("code", flat=True)) == sorted(
        version.criteria.values_list("code", flat=True)
    )
    assert copy.criteria.get(code="1-1").parent == copy.criteria.get(code="1")
    assert version.criteria.count() == 9  # the published version is untouched


def test_copying_twice_the_same_day_is_refused(staff_client, version):
    url = reverse("assessments:version_copy", args=[version.pk])
    staff_client.post(url)
    response = staff_client.post(url, follow=True)
    assert response.redirect_chain == [(version.get_absolute_url(), 302)]
    assert RuleVersion.objects.filter(based_on=version).count() == 1


def test_version_copy_is_for_street_staff(secretary_client, version):
    assert (
        secretary_client.post(reverse("assessments:version_copy", args=[version.pk])).status_code
        == 403
    )
    assert RuleVersion.objects.count() == 1


def test_criterion_page_shows_the_criterion(staff_client, draft):
    item = leaf(draft, "1-1")
    response = staff_client.get(reverse("assessments:criterion_edit", args=[draft.pk, item.pk]))
    assert response.status_code == 200
    assert "2027年考核细则（征求意见稿） 的考核条目" in response.content.decode()
    form = response.context["form"]
    assert (form.initial["code"], form.initial["title"]) == ("1-1", "组织建设")
    assert item not in form.fields["parent"].queryset


def test_staff_change_a_criterion_of_a_draft(staff_client, draft):
    item = leaf(draft, "1-1")
    response = staff_client.post(
        reverse("assessments:criterion_edit", args=[draft.pk, item.pk]),
        {
            "parent": leaf(draft, "1").pk,
            "code": "1-1",
            "title": "组织建设与班子配备",
            "category": "party",
            "max_score": "50",
            "method": "manual",
            "order": "0",
            "revision": item.revision,  # the one the edit form was shown with
        },
    )
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    item.refresh_from_db()
    assert (item.title, item.max_score) == ("组织建设与班子配备", Decimal(50))


def test_a_criterion_under_another_versions_parent_is_refused(staff_client, draft, version):
    item = leaf(draft, "1-1")
    response = staff_client.post(
        reverse("assessments:criterion_edit", args=[draft.pk, item.pk]),
        {
            "parent": leaf(version, "1").pk,
            "code": "1-1",
            "title": "改错了版本",
            "category": "party",
            "max_score": "60",
            "method": "manual",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    item.refresh_from_db()
    assert item.title == "组织建设"


def test_criterion_edit_is_for_street_staff_on_a_draft_and_its_own_criteria(
    staff_client, secretary_client, draft, version
):
    url = reverse("assessments:criterion_edit", args=[draft.pk, leaf(draft, "1-1").pk])
    assert secretary_client.get(url).status_code == 403
    assert secretary_client.post(url, {"title": "x"}).status_code == 403
    frozen = reverse("assessments:criterion_edit", args=[version.pk, leaf(version, "1-1").pk])
    assert staff_client.get(frozen).status_code == 403
    elsewhere = reverse("assessments:criterion_edit", args=[draft.pk, leaf(version, "1-1").pk])
    assert staff_client.get(elsewhere).status_code == 404
    assert leaf(draft, "1-1").title == "组织建设"


# Cycles ------------------------------------------------------------------------------------------


def test_staff_move_a_cycle_through_its_phases(staff_client, cycle):
    url = reverse("assessments:cycle_advance", args=[cycle.pk])
    response = staff_client.post(url, follow=True)
    assert response.redirect_chain == [(cycle.get_absolute_url(), 302)]
    assert "考核周期已进入" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.INSPECTING
    staff_client.post(url)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ASSESSING


def test_the_last_phase_ends_by_publishing_not_by_advancing(staff_client, version, branch):
    cycle = make_cycle(version, [branch], name="2025年下半年", status=Cycle.Status.ASSESSING)
    response = staff_client.post(reverse("assessments:cycle_advance", args=[cycle.pk]), follow=True)
    assert "已是最后阶段：请发布考核结果。" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ASSESSING


def test_cycle_advance_is_for_street_staff(secretary_client, outsider_client, staff_client, cycle):
    url = reverse("assessments:cycle_advance", args=[cycle.pk])
    assert secretary_client.post(url).status_code == 403
    assert outsider_client.post(url).status_code == 404
    assert staff_client.get(url).status_code == 405
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DEPLOYING


# Inspections -------------------------------------------------------------------------------------


def test_inspection_page_offers_the_cycles_branches(staff_client, cycle, branch, other_branch):
    response = staff_client.get(reverse("assessments:inspection_create", args=[cycle.pk]))
    assert response.status_code == 200
    assert "登记联合检查" in response.content.decode()
    assert list(response.context["form"].fields["branch"].queryset) == [branch]


def inspection_data(of_branch, **changes) -> dict:
    return {
        "branch": of_branch.pk,
        "held_on": "2026-04-10",
        "inspectors": "街道党工委联合检查组",
        "findings": "台账齐全",
        "rectification": "",
        "rectification_due": "",
    } | changes


def test_staff_record_a_joint_inspection(staff_client, cycle, branch):
    response = staff_client.post(
        reverse("assessments:inspection_create", args=[cycle.pk]),
        inspection_data(branch, rectification="补齐记录", rectification_due="2026-05-10"),
    )
    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    inspection = cycle.inspections.get()
    assert (inspection.branch, inspection.held_on, inspection.rectification_due) == (
        branch,
        D(2026, 4, 10),
        D(2026, 5, 10),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"held_on": "2999-01-01"},
        {"rectification": "补齐记录", "rectification_due": "2026-04-01"},
        {"rectification": "补齐记录"},
        {"branch": "other"},
    ],
    ids=["future", "due before the inspection", "no due date", "branch not in the cycle"],
)
def test_a_bad_inspection_is_refused(staff_client, cycle, branch, other_branch, changes):
    if changes.get("branch") == "other":
        changes = {"branch": other_branch.pk}
    response = staff_client.post(
        reverse("assessments:inspection_create", args=[cycle.pk]),
        inspection_data(branch, **changes),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Inspection.objects.exists()


def test_inspection_create_is_for_street_staff(secretary_client, outsider_client, cycle, branch):
    url = reverse("assessments:inspection_create", args=[cycle.pk])
    assert secretary_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert secretary_client.post(url, inspection_data(branch)).status_code == 403
    assert not Inspection.objects.exists()


def test_rectification_page_names_the_branch(secretary_client, inspection, branch):
    response = secretary_client.get(
        reverse("assessments:inspection_rectified", args=[inspection.pk])
    )
    assert response.status_code == 200
    assert f"整改完成：{branch.name}" in response.content.decode()


def test_the_branch_records_its_rectification(secretary_client, inspection, cycle):
    response = secretary_client.post(
        reverse("assessments:inspection_rectified", args=[inspection.pk]), {"on": "2026-05-02"}
    )
    assert response.status_code == 302
    assert response["Location"] == cycle.get_absolute_url()
    inspection.refresh_from_db()
    assert inspection.rectified_on == D(2026, 5, 2)


@pytest.mark.parametrize("day", ["2026-04-01", "2999-01-01"], ids=["before", "future"])
def test_a_rectification_lies_between_the_inspection_and_today(secretary_client, inspection, day):
    response = secretary_client.post(
        reverse("assessments:inspection_rectified", args=[inspection.pk]), {"on": day}
    )
    assert response.status_code == 200 and response.context["form"].errors
    inspection.refresh_from_db()
    assert inspection.rectified_on is None


def test_a_rectification_is_recorded_once_and_only_when_required(
    secretary_client, inspection, cycle, branch
):
    url = reverse("assessments:inspection_rectified", args=[inspection.pk])
    secretary_client.post(url, {"on": "2026-05-02"})
    response = secretary_client.post(url, {"on": "2026-05-03"})
    assert "整改情况已登记。" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.rectified_on == D(2026, 5, 2)

    clean = Inspection.objects.create(
        cycle=cycle, branch=branch, held_on=D(2026, 4, 12), inspectors="检查组", findings="无问题"
    )
    response = secretary_client.post(
        reverse("assessments:inspection_rectified", args=[clean.pk]), {"on": "2026-05-02"}
    )
    assert "该次检查没有整改要求。" in response.content.decode()
    clean.refresh_from_db()
    assert clean.rectified_on is None


def test_rectification_is_404_for_a_secretary_of_another_branch(outsider_client, inspection):
    url = reverse("assessments:inspection_rectified", args=[inspection.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"on": "2026-05-02"}).status_code == 404
    inspection.refresh_from_db()
    assert inspection.rectified_on is None


# Reminders ---------------------------------------------------------------------------------------


def test_marking_reminders_read_touches_only_ones_own(secretary_client, secretary, other_secretary):
    for user, key in ((secretary, "a"), (secretary, "b"), (other_secretary, "c")):
        Notification.objects.create(
            recipient=user, key=key, event="phase_deadline", stage="3", title=f"提醒{key}"
        )
    response = secretary_client.post(reverse("assessments:reminders_read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:reminders")
    assert not secretary.notifications.filter(read_at__isnull=True).exists()
    assert other_secretary.notifications.get().read_at is None


def test_reminders_are_marked_read_by_a_post_only(secretary_client, secretary):
    Notification.objects.create(
        recipient=secretary, key="a", event="phase_deadline", stage="3", title="提醒"
    )
    assert secretary_client.get(reverse("assessments:reminders_read")).status_code == 405
    assert secretary.notifications.get().read_at is None


def test_reminder_list_shows_ones_own_reminders_and_failures_to_staff_only(
    staff_client, secretary_client, secretary, other_secretary
):
    Notification.objects.create(
        recipient=secretary,
        key="own",
        event="phase_deadline",
        stage="3",
        title="检查阶段三天后截止",
    )
    theirs = Notification.objects.create(
        recipient=other_secretary,
        key="theirs",
        event="phase_deadline",
        stage="3",
        title="别的支部的提醒",
    )
    Delivery.objects.create(
        notification=theirs,
        channel="email",
        status=Delivery.Status.FAILED,
        next_attempt_at=timezone.now(),
        last_error="Connection refused",
    )
    response = secretary_client.get(reverse("assessments:reminders"))
    page = response.content.decode()
    assert "检查阶段三天后截止" in page
    assert "别的支部的提醒" not in page
    assert response.context["failing"] is None
    assert reverse("assessments:deliveries") not in page
    response = staff_client.get(reverse("assessments:reminders"))
    page = response.content.decode()
    assert response.context["failing"] == 1
    assert reverse("assessments:deliveries") in page


def test_cycle_list_shows_the_cycles_of_the_branches_in_scope(
    staff_client, secretary_client, version, branch, other_branch
):
    make_cycle(version, [branch, other_branch], name="2026年上半年")
    make_cycle(
        version,
        [other_branch],
        name="2026年下半年",
        starts_on=D(2026, 7, 1),
        ends_on=D(2026, 12, 31),
        deploy_due=D(2026, 7, 31),
        inspect_due=D(2026, 11, 30),
        assess_due=D(2027, 1, 15),
    )
    response = staff_client.get(reverse("assessments:list"))
    assert [c.name for c in response.context["page"].object_list] == [
        "2026年下半年",
        "2026年上半年",
    ]
    page = response.content.decode()
    assert "2026年考核细则" in page and ">2<" in page
    assert reverse("assessments:cycle_create") in page
    page = secretary_client.get(reverse("assessments:list")).content.decode()
    assert "2026年上半年" in page and "2026年下半年" not in page
    assert reverse("assessments:cycle_create") not in page
