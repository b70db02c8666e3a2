import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.models import ActivityLog, Attendance, Campaign, CampaignItem, Suggestion
from activities.tests.factories import ActivityLogFactory, kind
from branches.tests.factories import PartyGroupFactory
from members.tests.factories import ParticipationFactory
from projects.tests.factories import WorkingGroupFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def draft(branch, **fields) -> ActivityLog:
    data = {
        "branch": branch,
        "kind": kind("committee-meeting"),
        "title": "支委会",
        "held_on": D(2026, 3, 10),
    }
    return ActivityLog(**(data | fields))


@pytest.fixture
def members(branch):
    return [ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1)).member for _ in range(3)]


def test_a_draft_is_recorded_with_attendance(branch, members):
    log = services.activity_log_create(
        log=draft(branch),
        attendance={
            members[0].pk: ("present", ""),
            members[1].pk: ("leave", "施工任务"),
            members[2].pk: ("absent", ""),
        },
        actor=None,
    )
    assert log.status == "draft"
    assert dict(log.attendance.values_list("member_id", "status")) == {
        members[0].pk: "present",
        members[1].pk: "leave",
        members[2].pk: "absent",
    }


def test_attendance_for_someone_not_in_the_branch_is_refused(branch, other_branch, members):
    outsider = ParticipationFactory(branch=other_branch).member
    with pytest.raises(ValidationError) as error:
        services.activity_log_create(
            log=draft(branch),
            attendance={members[0].pk: ("present", ""), outsider.pk: ("present", "")},
            actor=None,
        )
    assert outsider.name in str(error.value)
    assert not ActivityLog.objects.exists() and not Attendance.objects.exists()


def test_a_member_who_joined_later_was_not_there(branch):
    late = ParticipationFactory(branch=branch, joined_on=D(2026, 5, 1)).member
    with pytest.raises(ValidationError):
        services.activity_log_create(
            log=draft(branch, held_on=D(2026, 3, 10)),
            attendance={late.pk: ("present", "")},
            actor=None,
        )


def test_leave_needs_a_reason(branch, members):
    with pytest.raises(ValidationError, match=members[0].name):
        services.activity_log_create(
            log=draft(branch), attendance={members[0].pk: ("leave", " ")}, actor=None
        )


def test_a_group_meeting_names_a_group_of_its_own_branch(branch, other_branch):
    with pytest.raises(ValidationError) as error:
        services.activity_log_create(
            log=draft(branch, kind=kind("group-meeting")), attendance={}, actor=None
        )
    assert "party_group" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.activity_log_create(
            log=draft(
                branch,
                kind=kind("group-meeting"),
                party_group=PartyGroupFactory(branch=other_branch),
            ),
            attendance={},
            actor=None,
        )
    assert "party_group" in error.value.error_dict


def test_a_campaign_item_of_a_campaign_the_branch_is_not_in_is_refused(branch):
    campaign = Campaign.objects.create(
        name="紫琅山下党旗红", starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31)
    )
    item = CampaignItem.objects.create(campaign=campaign, name="关爱进工地")
    with pytest.raises(ValidationError) as error:
        services.activity_log_create(
            log=draft(branch, campaign_item=item), attendance={}, actor=None
        )
    assert "campaign_item" in error.value.error_dict
    campaign.branches.add(branch)
    services.activity_log_create(log=draft(branch, campaign_item=item), attendance={}, actor=None)


def test_the_same_form_sent_twice_makes_one_log(branch):
    token = uuid.uuid4()
    for _ in range(2):
        services.activity_log_create(
            log=draft(branch), attendance={}, actor=None, submission_token=token
        )
    assert ActivityLog.objects.count() == 1


def test_submitting_a_future_activity_is_refused(branch):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    log = services.activity_log_create(
        log=draft(branch, held_on=tomorrow), attendance={}, actor=None
    )
    with pytest.raises(ValidationError) as error:
        services.activity_log_submit(log=log, actor=None)
    assert "held_on" in error.value.error_dict
    log.refresh_from_db()
    assert log.is_draft


def test_a_draft_may_be_prepared_ahead_within_the_planning_horizon(branch):
    today = timezone.localdate()
    ahead = today + datetime.timedelta(days=services.DRAFT_DAYS_AHEAD)
    services.activity_log_create(log=draft(branch, held_on=ahead), attendance={}, actor=None)
    with pytest.raises(ValidationError) as error:
        services.activity_log_create(
            log=draft(branch, held_on=ahead + datetime.timedelta(days=1)), attendance={}, actor=None
        )
    assert "最多可提前" in error.value.message_dict["held_on"][0]
    assert ActivityLog.objects.count() == 1


def test_an_absurd_date_is_explained(branch):
    with pytest.raises(ValidationError) as error:
        services.activity_log_create(
            log=draft(branch, held_on=D(1900, 3, 10)), attendance={}, actor=None
        )
    [message] = error.value.message_dict["held_on"]
    assert "早于支部成立日期（2025年3月1日）" in message
    assert not ActivityLog.objects.exists()


def test_a_submitted_log_cannot_be_moved_into_the_future(branch, street_staff):
    log = services.activity_log_create(log=draft(branch), attendance={}, actor=None)
    log = services.activity_log_submit(log=log, actor=None)
    log.held_on = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.activity_log_update(log=log, attendance={}, actor=street_staff)
    assert "held_on" in error.value.message_dict
    log.refresh_from_db()
    assert log.held_on == D(2026, 3, 10)


def test_the_date_picker_offers_only_accepted_dates(secretary_client, branch):
    page = secretary_client.get("/activities/new/").content.decode()
    latest = timezone.localdate() + datetime.timedelta(days=services.DRAFT_DAYS_AHEAD)
    assert f'min="{branch.established_on.isoformat()}"' in page
    assert f'max="{latest.isoformat()}"' in page


def test_a_lesson_needs_its_lecturer(branch):
    log = services.activity_log_create(
        log=draft(branch, kind=kind("work-shed-lesson")), attendance={}, actor=None
    )
    with pytest.raises(ValidationError) as error:
        services.activity_log_submit(log=log, actor=None)
    assert "lecturer" in error.value.error_dict


def test_a_submitted_log_is_changed_only_by_street_staff(branch, secretary, street_staff, members):
    log = services.activity_log_create(log=draft(branch), attendance={}, actor=secretary)
    log = services.activity_log_submit(log=log, actor=secretary)
    log.title = "改过的标题"
    with pytest.raises(ValidationError):
        services.activity_log_update(log=log, attendance={}, actor=secretary)
    services.activity_log_update(
        log=log, attendance={members[0].pk: ("present", "")}, actor=street_staff
    )
    log.refresh_from_db()
    assert log.title == "改过的标题"
    assert log.history.count() == 3  # created, submitted, changed by staff


def test_submitting_twice_is_refused(branch):
    log = services.activity_log_create(log=draft(branch), attendance={}, actor=None)
    services.activity_log_submit(log=log, actor=None)
    with pytest.raises(ValidationError):
        services.activity_log_submit(log=log, actor=None)


def test_only_a_draft_can_be_deleted(branch):
    log = ActivityLogFactory(branch=branch)
    with pytest.raises(ValidationError):
        services.activity_log_delete_draft(log=log)


# Suggestions -------------------------------------------------------------------------------------


def suggestion(branch, **fields) -> Suggestion:
    data = {
        "project": branch.project,
        "author": "钢筋工",
        "content": "错峰作业",
        "submitted_on": D(2026, 3, 1),
    }
    return Suggestion(**(data | fields))


def test_a_suggestion_goes_from_submitted_to_implemented(branch):
    item = services.suggestion_submit(suggestion=suggestion(branch), actor=None)
    assert item.branch == branch
    item = services.suggestion_move(
        suggestion=item, to_status="adopted", on=D(2026, 3, 5), actor=None, note="采纳"
    )
    item = services.suggestion_move(
        suggestion=item,
        to_status="implemented",
        on=D(2026, 4, 5),
        actor=None,
        note="提前完工",
        days_saved=10,
    )
    assert (item.status, item.reply, item.effect, item.days_saved) == (
        "implemented",
        "采纳",
        "提前完工",
        10,
    )
    assert list(item.steps.values_list("status", flat=True)) == [
        "submitted",
        "adopted",
        "implemented",
    ]


def test_suggestion_steps_out_of_order_are_refused(branch):
    item = services.suggestion_submit(suggestion=suggestion(branch), actor=None)
    with pytest.raises(ValidationError) as error:
        services.suggestion_move(
            suggestion=item, to_status="implemented", on=D(2026, 3, 5), actor=None, note="x"
        )
    assert "to_status" in error.value.error_dict
    declined = services.suggestion_move(
        suggestion=item, to_status="declined", on=D(2026, 3, 5), actor=None, note="暂缓"
    )
    with pytest.raises(ValidationError):
        services.suggestion_move(
            suggestion=declined, to_status="adopted", on=D(2026, 3, 6), actor=None, note="x"
        )


def test_a_review_needs_a_reply_and_a_date_after_the_last_step(branch):
    item = services.suggestion_submit(suggestion=suggestion(branch), actor=None)
    with pytest.raises(ValidationError) as error:
        services.suggestion_move(suggestion=item, to_status="adopted", on=D(2026, 3, 5), actor=None)
    assert "note" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.suggestion_move(
            suggestion=item, to_status="adopted", on=D(2026, 2, 1), actor=None, note="好"
        )
    assert "on" in error.value.error_dict


def test_a_suggestion_about_another_projects_working_group_is_refused(branch):
    with pytest.raises(ValidationError) as error:
        services.suggestion_submit(
            suggestion=suggestion(branch, working_group=WorkingGroupFactory()), actor=None
        )
    assert "working_group" in error.value.error_dict
    assert not Suggestion.objects.exists()
