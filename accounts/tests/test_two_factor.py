"""Two-factor log-in (双因素认证): required for street staff and committee admins, available to
secretaries, skipped by the demo log-ins only under DEBUG. These tests log in through the pages
(force_login would count as a whole log-in, second factor included: see conftest.py)."""

import datetime
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessRecord
from accounts.tests.factories import PASSWORD, StreetStaffFactory
from accounts.twofactor import recovery_codes_renew

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]
ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the authenticator app shows now (or a step later, within the device's tolerance)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead)
    return f"{value:06d}"


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return client


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    device.last_t = int(time.time()) // device.step - 2  # no code used yet
    device.save()
    return device


def past_the_wait(device):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(minutes=5)
    )


@pytest.mark.parametrize("who", ["street_staff", "committee_admin"])
def test_staff_without_a_second_factor_reach_nothing_but_the_enrolment(who, request):
    user = request.getfixturevalue(who)
    client = logged_in(user.username)
    for path in ("/", "/members/", "/projects/", "/admin/", reverse("accounts:password_change")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(ENROL + "?next="), path
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert client.post(reverse("accounts:logout")).status_code == 302  # log-out stays open


def test_the_enrolment_page_keeps_to_the_csp(street_staff):
    page = logged_in("staff").get(ENROL).content.decode()
    assert "style=" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_a_wrong_code_at_enrolment_is_refused_and_a_right_one_enrols(street_staff):
    client = logged_in("staff")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=street_staff, confirmed=False)
    response = client.post(ENROL, {"token": "000000" if code(device) != "000000" else "111111"})
    assert response.status_code == 200 and response.context["form"].errors["token"]
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 302
    assert AccessRecord.objects.filter(action="second_factor_failed").count() == 1

    past_the_wait(device)  # each wrong code makes the next try wait (1 s, then 2 s, 4 s …)
    response = client.post(ENROL, {"token": code(device), "next": "/members/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(c in response.content.decode() for c in codes)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/members/").status_code == 200
    assert AccessRecord.objects.filter(action="two_factor_enrolled", user=street_staff).count() == 1


def test_a_log_in_with_a_second_factor_asks_for_the_code(street_staff):
    enrolled(street_staff)
    client = logged_in("staff")
    response = client.get("/members/")
    assert response["Location"] == f"{VERIFY}?next=/members/"
    assert client.get(ENROL)["Location"].startswith(VERIFY)  # no re-enrolment on a password alone


def test_a_wrong_code_is_refused_and_counted(street_staff):
    device = enrolled(street_staff)
    client = logged_in("staff")
    wrong = "000000" if code(device) != "000000" else "111111"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 200 and response.context["form"].errors["token"]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    [record] = AccessRecord.objects.filter(action="second_factor_failed")
    assert record.user == street_staff and record.result == "failure"
    assert client.get("/").status_code == 302  # still not in
    past_the_wait(device)
    assert client.post(VERIFY, {"token": wrong}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 2


def test_a_correct_totp_code_logs_in(street_staff):
    device = enrolled(street_staff)
    client = logged_in("staff")
    response = client.post(VERIFY + "?next=/members/", {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert client.get("/members/").status_code == 200
    # The same code cannot be used twice (a second session replaying it is refused).
    replay = logged_in("staff")
    assert replay.post(VERIFY, {"token": code(device)}).status_code == 200


def test_a_recovery_code_logs_in_once(street_staff):
    enrolled(street_staff)
    codes = recovery_codes_renew(user=street_staff)
    client = logged_in("staff")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    again = logged_in("staff")
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 200


def test_a_secretary_may_go_without_or_enrol(secretary):
    client = logged_in("secretary")
    assert client.get("/").status_code == 200
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=secretary)
    client.post(ENROL, {"token": code(device)})
    # From now on, the secretary's log-ins ask for the code too.
    later = logged_in("secretary")
    assert later.get("/")["Location"].startswith(VERIFY)
    assert later.post(VERIFY, {"token": code(device, steps_ahead=1)}).status_code == 302
    assert later.get("/").status_code == 200


def test_demo_log_ins_skip_the_second_factor_only_under_debug(settings):
    StreetStaffFactory(username="jiedao")
    StreetStaffFactory(username="someone")
    settings.DEBUG = True
    assert logged_in("jiedao").get("/").status_code == 200
    assert logged_in("someone").get("/")["Location"].startswith(ENROL)
    settings.DEBUG = False
    assert logged_in("jiedao").get("/")["Location"].startswith(ENROL)


def test_force_login_leaves_the_session_unverified_in_these_tests(street_staff):
    client = Client()
    client.force_login(street_staff)
    assert client.get("/")["Location"].startswith(ENROL)


def test_a_committee_admin_deletes_a_lost_device_but_never_sees_a_secret(
    street_staff, committee_admin
):
    device = enrolled(street_staff)
    codes = recovery_codes_renew(user=street_staff)
    admin = Client()
    admin.post(reverse("accounts:login"), {"username": "committee", "password": PASSWORD})
    admin_device = enrolled(committee_admin)
    admin.post(VERIFY, {"token": code(admin_device)})
    for name in ("otp_totp_totpdevice", "otp_static_staticdevice"):
        listing = admin.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert street_staff.full_name in listing
    page = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200 and device.key not in page.content.decode()
    static = street_staff.staticdevice_set.get()
    page = admin.get(reverse("admin:otp_static_staticdevice_change", args=[static.pk]))
    assert not any(c in page.content.decode() for c in codes)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert logged_in("staff").get("/")["Location"].startswith(ENROL)  # enrols again
