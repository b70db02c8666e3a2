"""The activity form of a branch secretary: attendance in a few taps, nothing picked lost, every
mistake shown at once, nothing typed twice."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities import services
from activities.forms import ActivityLogForm
from activities.models import ActivityKind, ActivityLog, ActivityPhoto, PendingPhoto
from activities.tests.factories import kind
from branches.tests.factories import PartyGroupFactory
from members.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db
D = datetime.date
CREATE = reverse("activities:create")


def jpeg(name="site.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def groups(branch):
    return [PartyGroupFactory(branch=branch), PartyGroupFactory(branch=branch)]


@pytest.fixture
def roster(branch, groups):
    return [
        ParticipationFactory(
            branch=branch, party_group=groups[n % 2], joined_on=D(2025, 4, 1)
        ).member
        for n in range(4)
    ]


def lesson(roster, **overrides):
    data = {
        "kind": kind("work-shed-lesson").pk,
        "title": "工棚小党课",
        "held_on": "2026-03-10",
        "lecturer": "张书记",
        "non_member_count": "0",
        "submission_token": "5f0c2b1e-0000-4000-8000-000000000020",
    }
    return data | overrides


def test_a_new_form_starts_with_nobody_marked_and_the_unmarked_are_absent(
    secretary_client, branch, roster
):
    page = secretary_client.get(CREATE).content.decode()
    assert 'type="radio"' in page and " checked" not in page
    data = lesson(roster, **{f"att_{roster[0].pk}": "present", f"att_{roster[1].pk}": "present"})
    assert secretary_client.post(CREATE, data).status_code == 302
    log = ActivityLog.objects.get()
    marked = dict(log.attendance.values_list("member_id", "status"))
    assert marked == {
        roster[0].pk: "present",
        roster[1].pk: "present",
        roster[2].pk: "absent",
        roster[3].pk: "absent",
    }


def test_a_party_group_meeting_starts_from_its_members(secretary_client, branch, roster, groups):
    response = secretary_client.get(
        CREATE, {"kind": kind("group-meeting").pk, "party_group": groups[0].pk}
    )
    form = response.context["form"]
    initial = {m.pk: form[f"att_{m.pk}"].value() for m in roster}
    assert initial == {
        roster[0].pk: "present",
        roster[1].pk: None,
        roster[2].pk: "present",
        roster[3].pk: None,
    }
    page = response.content.decode()
    assert f'data-mark-group="{groups[0].pk}"' in page and 'data-mark="absent"' in page


def test_an_edited_log_keeps_its_recorded_attendance(secretary_client, branch, roster):
    secretary_client.post(CREATE, lesson(roster, **{f"att_{roster[1].pk}": "present"}))
    log = ActivityLog.objects.get()
    form = secretary_client.get(reverse("activities:edit", args=[log.pk])).context["form"]
    assert [form[f"att_{m.pk}"].value() for m in roster] == [
        "absent",
        "present",
        "absent",
        "absent",
    ]


def test_an_empty_title_is_made_from_the_kind_and_the_month(secretary_client, branch, roster):
    assert secretary_client.post(CREATE, lesson(roster, title="")).status_code == 302
    assert ActivityLog.objects.get().title == "2026年3月工棚小党课"


def test_a_due_item_opens_the_form_prefilled(secretary_client, branch, roster):
    home = secretary_client.get(reverse("home:home"))
    due = home.context["homes"][0]["due_activities"]
    assert due
    for item in due:
        link = f"{CREATE}?branch={branch.pk}&amp;kind={item.kind.pk}"
        if item.group:
            link += f"&amp;party_group={item.group.pk}"
        assert f'href="{link}"' in home.content.decode()
    committee = kind("committee-meeting")
    response = secretary_client.get(CREATE, {"branch": branch.pk, "kind": committee.pk})
    form = response.context["form"]
    today = timezone.localdate()
    assert str(form["kind"].value()) == str(committee.pk)
    assert form["title"].value() == f"{today.year}年{today.month}月支委会"


def test_a_link_with_nonsense_in_it_opens_a_plain_form(secretary_client, branch, roster):
    response = secretary_client.get(
        CREATE, {"kind": "abc", "party_group": "999999", "held_on": "2026-02-30"}
    )
    assert response.status_code == 200
    assert response.context["form"]["title"].value() in (None, "")


def test_people_are_picked_from_the_branch_members(secretary_client, branch, roster):
    page = secretary_client.get(CREATE).content.decode()
    assert '<datalist id="branch-members">' in page
    for member in roster:
        assert f'<option value="{member.name}">' in page
    for name in ("host", "recorder", "lecturer"):
        assert f'name="{name}"' in page
    assert page.count('list="branch-members"') == 3
    # Someone from outside the branch is still typed freely.
    secretary_client.post(CREATE, lesson(roster, lecturer="市委党校王老师"))
    assert ActivityLog.objects.get().lecturer == "市委党校王老师"


def test_a_single_kind_is_preselected(secretary_client, branch, roster):
    ActivityKind.objects.exclude(code="party-lesson").update(is_active=False)
    form = secretary_client.get(CREATE).context["form"]
    assert str(form["kind"].value()) == str(kind("party-lesson").pk)
    assert form["title"].value().endswith("党课")


def test_every_mistake_is_shown_at_once_with_a_summary(secretary_client, branch, roster):
    data = lesson(
        roster,
        lecturer="",
        held_on="",
        kind=kind("group-meeting").pk,
        **{f"att_{roster[0].pk}": "leave"},
    )
    response = secretary_client.post(CREATE, {**data, "submit": "1"})
    errors = response.context["form"].errors
    assert {"held_on", "party_group", f"why_{roster[0].pk}"} <= set(errors)
    page = response.content.decode()
    assert 'id="error-summary"' in page
    for anchor in ("id_held_on", "id_party_group", f"id_why_{roster[0].pk}"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert not ActivityLog.objects.exists()


def test_the_lecturer_is_asked_for_with_the_other_errors(secretary_client, branch, roster):
    response = secretary_client.post(
        CREATE, {**lesson(roster, lecturer="", held_on=""), "submit": "1"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"held_on", "lecturer"}  # one round trip, not two
    page = response.content.decode()
    assert 'href="#id_lecturer"' in page
    assert "portal-kind-required is-required" in page  # marked as required for a lesson
    # A draft may wait for its lecturer.
    assert secretary_client.post(CREATE, lesson(roster, lecturer="")).status_code == 302


def test_a_future_activity_cannot_be_submitted_but_can_be_drafted(secretary_client, branch, roster):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = secretary_client.post(CREATE, {**lesson(roster, held_on=tomorrow), "submit": "1"})
    assert set(response.context["form"].errors) == {"held_on"}
    assert secretary_client.post(CREATE, lesson(roster, held_on=tomorrow)).status_code == 302


# Photos kept across a failed form ----------------------------------------------------------------


def test_a_photo_is_kept_when_the_form_fails_and_saved_with_it(
    secretary_client, secretary, branch, roster, django_capture_on_commit_callbacks
):
    response = secretary_client.post(
        CREATE, {**lesson(roster, held_on=""), "photos": jpeg("工棚.jpg")}
    )
    assert response.status_code == 200
    pending = PendingPhoto.objects.get()
    assert pending.user == secretary and pending.original_name == "工棚.jpg"
    assert pending.image.name.endswith(".jpg") and "工棚" not in pending.image.name
    page = response.content.decode()
    assert "工棚.jpg" in page
    assert f'name="kept_photos" value="{pending.pk}"' in page
    stored = pending.image.name
    storage = pending.image.storage

    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            CREATE,
            {
                **lesson(roster),
                "kept_photos": str(pending.pk),
                "offered_photos": str(pending.pk),
            },
        )
    assert response.status_code == 302
    photo = ActivityLog.objects.get().photos.get()
    assert photo.content_type == "image/jpeg" and photo.width == 40
    assert not PendingPhoto.objects.exists() and not storage.exists(stored)


def test_a_bad_photo_is_refused_with_the_other_errors_and_the_good_one_kept(
    secretary_client, branch, roster
):
    forged = SimpleUploadedFile("fake.jpg", b"not an image", content_type="image/jpeg")
    response = secretary_client.post(
        CREATE, {**lesson(roster, held_on=""), "photos": [jpeg("good.jpg"), forged]}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"held_on", "photos"}
    assert "fake.jpg" in errors["photos"][0]
    assert list(PendingPhoto.objects.values_list("original_name", flat=True)) == ["good.jpg"]
    assert not ActivityLog.objects.exists() and not ActivityPhoto.objects.exists()


def test_a_kept_photo_taken_off_the_form_is_deleted(
    secretary_client, branch, roster, django_capture_on_commit_callbacks
):
    secretary_client.post(CREATE, {**lesson(roster, held_on=""), "photos": jpeg()})
    pending = PendingPhoto.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_client.post(
            CREATE, {**lesson(roster), "offered_photos": str(pending.pk)}
        )
    assert response.status_code == 302
    assert not ActivityLog.objects.get().photos.exists()
    assert not PendingPhoto.objects.exists()
    assert not pending.image.storage.exists(pending.image.name)


def test_someone_elses_kept_photo_cannot_be_used_or_removed(
    secretary_client, other_secretary, branch, roster
):
    theirs = services.pending_photo_keep(upload=jpeg("theirs.jpg"), user=other_secretary)
    response = secretary_client.post(
        CREATE,
        {**lesson(roster), "kept_photos": str(theirs.pk), "offered_photos": str(theirs.pk)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kept_photos"]
    assert "theirs.jpg" not in response.content.decode()
    assert not ActivityLog.objects.exists()
    assert PendingPhoto.objects.get() == theirs  # still theirs, untouched


def test_kept_photos_of_unsent_forms_are_deleted_after_a_day(
    secretary, other_secretary, django_capture_on_commit_callbacks
):
    old = services.pending_photo_keep(upload=jpeg(), user=secretary)
    fresh = services.pending_photo_keep(upload=jpeg(), user=other_secretary)
    PendingPhoto.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pending_photos_prune() == 1
    assert list(PendingPhoto.objects.all()) == [fresh]
    assert not old.image.storage.exists(old.image.name)


def test_the_form_reads_the_same_number_of_queries_for_a_larger_roster(branch, groups):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            form = ActivityLogForm(branch=branch)
            form.attendance_rows()
            form.member_names()
        return len(captured)

    for n in range(3):
        ParticipationFactory(branch=branch, party_group=groups[n % 2])
    few = queries()
    for n in range(20):
        ParticipationFactory(branch=branch, party_group=groups[n % 2])
    assert queries() == few


def test_a_form_with_a_kept_photo_sent_twice_makes_one_log_with_one_photo(
    secretary_client, branch, roster
):
    secretary_client.post(CREATE, {**lesson(roster, held_on=""), "photos": jpeg()})
    pending = PendingPhoto.objects.get()
    data = {
        **lesson(roster),
        "kept_photos": str(pending.pk),
        "offered_photos": str(pending.pk),
        "photos": jpeg("another.jpg"),
    }
    first = secretary_client.post(CREATE, data)
    data["photos"] = jpeg("another.jpg")
    second = secretary_client.post(CREATE, data)
    log = ActivityLog.objects.get()
    assert first["Location"] == second["Location"] == log.get_absolute_url()
    assert log.photos.count() == 2  # the kept one and the new one, once each


def test_the_pruning_of_kept_photos_is_scheduled_daily_in_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="activities.tasks.prune_pending_photos")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("3", "50")


def test_the_pruning_task_deletes_stale_kept_photos(secretary, eager_celery):
    from activities.tasks import prune_pending_photos

    stale = services.pending_photo_keep(upload=jpeg(), user=secretary)
    PendingPhoto.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert prune_pending_photos.delay().get() == 1
    assert not PendingPhoto.objects.exists()


def test_without_javascript_a_toggle_marks_the_form_and_saves_nothing(
    secretary_client, branch, roster, groups
):
    data = {**lesson(roster, held_on=""), f"att_{roster[1].pk}": "leave"}
    response = secretary_client.post(CREATE, {**data, "mark": "present", "photos": jpeg("a.jpg")})
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.errors  # shown when the form is sent to be saved, not while marking
    assert [form[f"att_{m.pk}"].value() for m in roster] == ["present"] * 4
    assert not ActivityLog.objects.exists()
    pending = PendingPhoto.objects.get()  # the photo chosen is not lost either
    assert "a.jpg" in response.content.decode()

    data = {**lesson(roster), "kept_photos": str(pending.pk), "offered_photos": str(pending.pk)}
    form = secretary_client.post(CREATE, {**data, "mark": f"group-{groups[1].pk}"}).context["form"]
    assert [form[f"att_{m.pk}"].value() for m in roster] == [None, "present", None, "present"]
    form = secretary_client.post(CREATE, {**data, "mark": "absent"}).context["form"]
    assert [form[f"att_{m.pk}"].value() for m in roster] == ["absent"] * 4
    assert secretary_client.post(CREATE, {**data, "mark": "nonsense"}).status_code == 200

    assert secretary_client.post(CREATE, data).status_code == 302
    assert ActivityLog.objects.get().photos.count() == 1
