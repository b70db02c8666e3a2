"""Two people editing the same activity log at once: the second save is refused with the
other's changes shown, the second person's typing is kept, and nothing is overwritten."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from activities import services
from activities.models import ActivityLog, Attendance, Brand
from activities.tests.factories import kind
from core.tests.html import shown_form
from members.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def draft(branch, secretary):
    roster = [ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1)).member for _ in range(2)]
    log = services.activity_log_create(
        log=ActivityLog(
            branch=branch,
            kind=kind("committee-meeting"),
            title="三月支委会",
            held_on=D(2026, 3, 10),
        ),
        attendance={member.pk: ("present", "") for member in roster},
        actor=secretary,
    )
    log.roster = roster
    return log


def test_second_save_of_the_same_draft_is_refused_with_its_values_kept(
    secretary_client, staff_client, draft
):
    url = reverse("activities:edit", args=[draft.pk])
    secretary_sees = shown_form(secretary_client.get(url))
    staff_sees = shown_form(staff_client.get(url))
    absent = draft.roster[0]

    first = staff_client.post(
        url, {**staff_sees, "content": "传达上级会议精神", f"att_{absent.pk}": "absent"}
    )
    second = secretary_client.post(url, {**secretary_sees, "title": "三月支委会（补记）"})

    assert first.status_code == 302
    assert second.status_code == 200
    draft.refresh_from_db()
    assert draft.title == "三月支委会"  # the refused save wrote nothing
    assert draft.content == "传达上级会议精神"  # and the first save stands
    assert draft.attendance.get(member=absent).status == Attendance.Status.ABSENT
    form = second.context["form"]
    assert form.conflict is not None
    assert form["title"].value() == "三月支委会（补记）"  # what the secretary typed is kept
    changed = {row.name: row for row in form.conflict_rows}
    assert set(changed) == {"content", f"att_{absent.pk}"}
    assert changed["content"].theirs == "传达上级会议精神"
    with translation.override("zh-hans"):
        assert changed[f"att_{absent.pk}"].theirs == str(Attendance.Status.ABSENT.label)
    assert "data-edit-conflict" in second.content.decode()


def test_saving_again_after_the_conflict_keeps_both_changes(secretary_client, staff_client, draft):
    url = reverse("activities:edit", args=[draft.pk])
    secretary_sees = shown_form(secretary_client.get(url))
    staff_sees = shown_form(staff_client.get(url))
    staff_client.post(url, {**staff_sees, "content": "传达上级会议精神"})
    refused = secretary_client.post(url, {**secretary_sees, "title": "三月支委会（补记）"})

    # The form now holds the staff's content next to the secretary's title.
    assert shown_form(refused)["content"] == "传达上级会议精神"
    saved = secretary_client.post(url, shown_form(refused))

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.content) == ("三月支委会（补记）", "传达上级会议精神")


def test_the_same_field_changed_by_both_keeps_the_typing_and_shows_theirs(
    secretary_client, staff_client, draft
):
    url = reverse("activities:edit", args=[draft.pk])
    secretary_sees = shown_form(secretary_client.get(url))
    staff_sees = shown_form(staff_client.get(url))
    staff_client.post(url, {**staff_sees, "place": "项目部会议室"})
    refused = secretary_client.post(url, {**secretary_sees, "place": "工地党建阵地"})

    [row] = refused.context["form"].conflict_rows
    assert (row.theirs, row.yours, row.kept_yours) == ("项目部会议室", "工地党建阵地", True)
    assert shown_form(refused)["place"] == "工地党建阵地"
    draft.refresh_from_db()
    assert draft.place == "项目部会议室"


def test_one_person_saving_twice_in_a_row_is_no_conflict(secretary_client, draft):
    url = reverse("activities:edit", args=[draft.pk])
    assert secretary_client.post(url, {**shown_form(secretary_client.get(url)), "place": "A"})
    response = secretary_client.post(url, {**shown_form(secretary_client.get(url)), "place": "B"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.place, draft.revision) == ("B", 3)


def test_a_form_sent_without_its_revision_is_treated_as_out_of_date(secretary_client, draft):
    url = reverse("activities:edit", args=[draft.pk])
    stale = {k: v for k, v in shown_form(secretary_client.get(url)).items() if k != "revision"}
    response = secretary_client.post(url, {**stale, "place": "A"})
    assert response.status_code == 200 and response.context["form"].conflict is not None
    draft.refresh_from_db()
    assert draft.place == ""


def test_submitting_meanwhile_refuses_an_edit_based_on_the_draft(
    secretary_client, staff_client, draft
):
    url = reverse("activities:edit", args=[draft.pk])
    staff_sees = shown_form(staff_client.get(url))
    secretary_client.post(reverse("activities:submit", args=[draft.pk]))
    response = staff_client.post(url, {**staff_sees, "title": "改"})
    assert response.status_code == 200 and response.context["form"].conflict is not None
    draft.refresh_from_db()
    assert (draft.status, draft.title) == ("submitted", "三月支委会")


def test_a_brand_created_meanwhile_is_shown_instead_of_being_replaced(
    secretary_client, staff_client, branch
):
    url = reverse("activities:brand_edit", args=[branch.pk])
    brand = {"name": "红色工地", "pillar_1": "一", "pillar_2": "二", "pillar_3": "三"}
    secretary_sees = shown_form(secretary_client.get(url))
    staff_sees = shown_form(staff_client.get(url))
    assert staff_client.post(url, {**staff_sees, **brand, "slogan": "先"}).status_code == 302

    response = secretary_client.post(url, {**secretary_sees, **brand, "slogan": "后"})

    assert response.status_code == 200
    assert {row.name for row in response.context["form"].conflict_rows} >= {"slogan"}
    assert Brand.objects.get(branch=branch).slogan == "先"
    assert secretary_client.post(url, shown_form(response)).status_code == 302
    assert Brand.objects.get(branch=branch).slogan == "后"
