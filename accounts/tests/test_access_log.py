"""The access log (访问日志): every view of full personal numbers, export, import, log-in, failed
log-in, lock-out, role and permission change leaves exactly one record; nobody edits or deletes
one; committee admins search and export it."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from accounts.models import AccessRecord, User
from accounts.services import prune_access_records, record_access
from accounts.tests.factories import PASSWORD, UserFactory
from assessments.models import Cycle
from assessments.tests.factories import make_cycle, make_version
from members.tests.factories import MemberFactory, ParticipationFactory
from members.tests.test_views import good_row, roster_file

pytestmark = pytest.mark.django_db
A = AccessRecord.Action


@pytest.fixture
def member(branch):
    return ParticipationFactory(branch=branch).member


@pytest.fixture
def admin_client(committee_admin):
    client = Client()
    client.force_login(committee_admin)
    return client


def records(action=None):
    queryset = AccessRecord.objects.all()
    return list(queryset.filter(action=action) if action else queryset)


def test_showing_a_members_full_numbers_leaves_one_record(staff_client, street_staff, member):
    staff_client.get(member.get_absolute_url())
    assert records(A.VIEW_PERSONAL_DATA) == []  # the page itself shows them masked
    staff_client.post(reverse("members:personal_data", args=[member.pk]), REMOTE_ADDR="10.1.2.3")
    [record] = records(A.VIEW_PERSONAL_DATA)
    assert (record.user, record.username, record.ip_address) == (
        street_staff,
        "staff",
        "10.1.2.3",
    )
    assert (record.object_type, record.object_id, record.object_label) == (
        "members.Member",
        str(member.pk),
        member.name,
    )
    assert record.result == AccessRecord.Result.SUCCESS


def test_a_refused_show_leaves_no_record_of_a_view(secretary_client, other_branch):
    outsider = ParticipationFactory(branch=other_branch).member
    assert (
        secretary_client.post(reverse("members:personal_data", args=[outsider.pk])).status_code
        == 404
    )
    assert records(A.VIEW_PERSONAL_DATA) == []


def test_opening_a_member_in_the_admin_leaves_one_record(admin_client, member):
    response = admin_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert response.status_code == 200
    [record] = records(A.VIEW_PERSONAL_DATA)
    assert record.object_id == str(member.pk) and record.detail == "admin"


def test_opening_an_earlier_version_in_the_admin_leaves_one_record(admin_client, member):
    version = member.history.latest()
    url = reverse("admin:members_member_simple_history", args=[member.pk, version.history_id])
    response = admin_client.get(url)
    assert response.status_code == 200 and member.id_number in response.content.decode()
    [record] = records(A.VIEW_PERSONAL_DATA)
    assert record.detail == f"admin, version {version.history_id}"


def test_the_roster_export_leaves_one_record(staff_client, member):
    response = staff_client.get(reverse("members:export"), {"q": member.name})
    b"".join(response.streaming_content)
    [record] = records(A.EXPORT)
    assert record.object_type == "members.Member" and member.name in record.detail


def test_the_activity_ledger_export_leaves_one_record(staff_client):
    b"".join(staff_client.get(reverse("activities:ledger")).streaming_content)
    assert [r.object_type for r in records(A.EXPORT)] == ["activities.Activity"]


def test_the_assessment_ledger_export_leaves_one_record(staff_client, branch):
    cycle = make_cycle(make_version(), [branch], status=Cycle.Status.ASSESSING)
    response = staff_client.get(reverse("assessments:cycle_export", args=[cycle.pk]))
    assert response.status_code == 200
    [record] = records(A.EXPORT)
    assert (record.object_type, record.object_id) == ("assessments.Cycle", str(cycle.pk))


def test_the_archive_download_leaves_one_record(
    staff_client, branch, django_capture_on_commit_callbacks, eager_celery
):
    from branches.models import Archive

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("branches:archive_request", args=[branch.pk]))
    archive = Archive.objects.get()
    response = staff_client.get(reverse("branches:archive_download", args=[archive.pk]))
    assert response.status_code == 200
    [record] = records(A.EXPORT)
    assert record.object_type == "branches.Archive" and record.object_label == str(branch)


def test_an_import_leaves_one_record_whether_it_saves_or_not(secretary_client, branch):
    url = reverse("members:import")
    secretary_client.post(url, {"file": roster_file([good_row(1, branch)])})
    secretary_client.post(url, {"file": roster_file([good_row(2, branch, branch="别的支部")])})
    done, refused = sorted(records(A.IMPORT), key=lambda r: r.pk)
    assert (done.result, done.detail) == ("success", "1 members")
    assert (refused.result, refused.detail) == ("failure", "1 errors")
    assert done.object_label == "roster.xlsx" and done.username == "secretary"


def test_a_log_in_and_a_failed_log_in_leave_one_record_each(client, secretary):
    url = reverse("accounts:login")
    client.post(url, {"username": "secretary", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    [failed] = records()
    assert (failed.action, failed.result, failed.user, failed.ip_address) == (
        A.LOGIN_FAILED,
        "failure",
        secretary,
        "10.0.0.9",
    )
    client.post(url, {"username": "secretary", "password": PASSWORD})
    assert [r.action for r in records()] == [A.LOGIN, A.LOGIN_FAILED]


def test_a_failed_log_in_under_an_unknown_name_keeps_the_name(client):
    client.post(reverse("accounts:login"), {"username": "=cmd|' /C calc'!A0", "password": "x"})
    [record] = records()
    assert record.user is None and record.username == "=cmd|' /C calc'!A0"


def test_a_lock_out_leaves_one_record(client, secretary, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "secretary", "password": "wrong"})
    assert len(records(A.LOGIN_FAILED)) == settings.AXES_FAILURE_LIMIT
    [lockout] = records(A.LOCKOUT)
    assert lockout.user == secretary


def _user_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        # The user's seats (an inline of the page), left as they are.
        "seats-TOTAL_FORMS": "0",
        "seats-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_role_change_in_the_admin_leaves_one_record(admin_client, secretary):
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    response = admin_client.post(url, _user_form(secretary, role="street_staff"))
    assert response.status_code == 302
    [record] = records(A.ROLE_CHANGE)
    assert record.detail == "branch_secretary → street_staff"
    assert record.object_id == str(secretary.pk) and record.username == "committee"
    assert records(A.PERMISSION_CHANGE) == []


def test_a_permission_change_in_the_admin_leaves_one_record(admin_client, secretary):
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    admin_client.post(url, _user_form(secretary, is_active=None))  # unticked: disabled
    [record] = records(A.PERMISSION_CHANGE)
    assert record.detail == "is_active: True → False"
    assert records(A.ROLE_CHANGE) == []


def test_saving_a_user_unchanged_leaves_no_record(admin_client, secretary):
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    assert admin_client.post(url, _user_form(secretary)).status_code == 302
    assert records(A.ROLE_CHANGE) == records(A.PERMISSION_CHANGE) == []


def test_a_group_permission_change_leaves_one_record(admin_client):
    group = Group.objects.create(name="档案员")
    permission = Permission.objects.get(codename="view_member")
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = admin_client.post(url, {"name": "档案员", "permissions": [permission.pk]})
    assert response.status_code == 302
    [record] = records(A.PERMISSION_CHANGE)
    assert record.object_label == "档案员" and "view_member" in record.detail
    admin_client.post(url, {"name": "档案员", "permissions": [permission.pk]})  # unchanged
    assert len(records(A.PERMISSION_CHANGE)) == 1


def test_removing_failed_log_ins_in_the_axes_admin_is_an_unlock_on_record(admin_client):
    attempt = AccessAttempt.objects.create(
        username="secretary", ip_address="203.0.113.7", failures_since_start=5
    )
    url = reverse("admin:axes_accessattempt_changelist")
    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    [record] = records(A.UNLOCK)
    assert record.object_label == "secretary"


# Who may read the log --------------------------------------------------------------------------


def test_a_secretary_cannot_read_the_log(secretary_client, secretary):
    record_access(action=A.LOGIN, user=secretary)
    url = reverse("admin:accounts_accessrecord_changelist")
    response = secretary_client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert secretary_client.get(reverse("admin:accounts_accessrecord_export")).status_code == 302
    # Even given the admin site, without the committee-admin role: refused.
    User.objects.filter(pk=secretary.pk).update(is_staff=True)
    assert secretary_client.get(url).status_code == 403
    assert secretary_client.get(reverse("admin:accounts_accessrecord_export")).status_code == 403


def test_street_staff_cannot_read_the_log(staff_client):
    response = staff_client.get(reverse("admin:accounts_accessrecord_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["committee_admin", "superuser"])
def test_nobody_adds_changes_or_deletes_a_record_in_the_admin(who, committee_admin, secretary):
    user = committee_admin
    if who == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    record = record_access(action=A.LOGIN, user=secretary)
    change = reverse("admin:accounts_accessrecord_change", args=[record.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"action": "export", "detail": "x"}).status_code == 403
    delete = reverse("admin:accounts_accessrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:accounts_accessrecord_add")).status_code == 403
    changelist = client.get(reverse("admin:accounts_accessrecord_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    bulk = client.post(
        reverse("admin:accounts_accessrecord_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    record.refresh_from_db()
    assert (record.action, record.detail) == (A.LOGIN, "")
    assert AccessRecord.objects.filter(pk=record.pk).exists()


# Searching and exporting -----------------------------------------------------------------------


def _at(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_who_saw_member_xs_id_number_this_month_is_one_search(
    admin_client, street_staff, secretary
):
    x = MemberFactory(name="王建国")
    y = MemberFactory(name="李明")
    today = timezone.localdate()
    month_start = today.replace(day=1)
    last_month = month_start - datetime.timedelta(days=3)
    saw_x = record_access(action=A.VIEW_PERSONAL_DATA, user=street_staff, obj=x)
    also_saw_x = record_access(action=A.VIEW_PERSONAL_DATA, user=secretary, obj=x)
    record_access(action=A.VIEW_PERSONAL_DATA, user=secretary, obj=y)
    record_access(action=A.EXPORT, user=secretary, object_label="王建国")
    old = record_access(action=A.VIEW_PERSONAL_DATA, user=secretary, obj=x)
    AccessRecord.objects.filter(pk=old.pk).update(at=_at(last_month))
    next_month = (month_start + datetime.timedelta(days=32)).replace(day=1)

    response = admin_client.get(
        reverse("admin:accounts_accessrecord_changelist"),
        {
            "q": "王建国",
            "action__exact": A.VIEW_PERSONAL_DATA,
            # As the date filter's own "This month" link writes them.
            "at__gte": str(_at(month_start, 0)),
            "at__lt": str(_at(next_month, 0)),
        },
    )
    assert response.status_code == 200
    found = {r.pk for r in response.context["cl"].result_list}
    assert found == {saw_x.pk, also_saw_x.pk}
    # By the member's id as well.
    by_id = admin_client.get(
        reverse("admin:accounts_accessrecord_changelist"),
        {"q": str(x.pk), "action__exact": A.VIEW_PERSONAL_DATA},
    )
    assert {r.pk for r in by_id.context["cl"].result_list} >= {saw_x.pk, also_saw_x.pk, old.pk}


def test_the_filtered_log_is_exported_as_xlsx_and_the_export_is_recorded(
    admin_client, street_staff, secretary
):
    x = MemberFactory(name="王建国")
    record_access(action=A.VIEW_PERSONAL_DATA, user=street_staff, obj=x, request=None)
    record_access(action=A.LOGIN, user=secretary)
    record_access(action=A.LOGIN_FAILED, username='=HYPERLINK("http://x","x")')
    AccessRecord.objects.filter(action=A.LOGIN).delete()  # the admin's own log-in
    before = AccessRecord.objects.count()
    response = admin_client.get(
        reverse("admin:accounts_accessrecord_export"), {"action__exact": A.VIEW_PERSONAL_DATA}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "用户", "姓名") and len(rows) == 2
    assert rows[1][1] == "staff" and rows[1][7] == "王建国"
    export = AccessRecord.objects.latest("pk")
    assert AccessRecord.objects.count() == before + 1
    assert (export.action, export.username) == (A.EXPORT, "committee")

    everything = admin_client.get(reverse("admin:accounts_accessrecord_export"))
    workbook = load_workbook(io.BytesIO(b"".join(everything.streaming_content)))
    cells = [c for row in workbook.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # a typed user name stays text


# Retention --------------------------------------------------------------------------------------


def test_records_are_kept_six_months_then_pruned(settings, secretary):
    settings.PORTAL_ACCESS_LOG_DAYS = 30  # below the legal minimum: six months still hold
    now = timezone.now()
    young = record_access(action=A.LOGIN, user=secretary)
    kept = record_access(action=A.LOGIN, user=secretary)
    gone = record_access(action=A.LOGIN, user=secretary)
    AccessRecord.objects.filter(pk=kept.pk).update(at=now - datetime.timedelta(days=182))
    AccessRecord.objects.filter(pk=gone.pk).update(at=now - datetime.timedelta(days=184))
    assert prune_access_records(now=now) == 1
    assert set(AccessRecord.objects.values_list("pk", flat=True)) == {young.pk, kept.pk}


def test_a_longer_retention_is_honoured(settings, secretary):
    settings.PORTAL_ACCESS_LOG_DAYS = 400
    record = record_access(action=A.LOGIN, user=secretary)
    AccessRecord.objects.filter(pk=record.pk).update(
        at=timezone.now() - datetime.timedelta(days=300)
    )
    assert prune_access_records() == 0


def test_the_pruning_is_scheduled_daily_in_beat():
    task = PeriodicTask.objects.get(task="accounts.tasks.prune_access_log")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("3", "45")
