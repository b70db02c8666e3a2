"""Lock-out per account across addresses, idle time-out, sessions that end with the browser,
password complexity and change, a reset forced by a committee admin."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY
from accounts.models import AccessRecord, User
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
NEW = "Zhibu-shuji7"


def attempt(password: str, address: str, username: str = "secretary"):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def test_failures_from_many_addresses_lock_the_account(secretary, settings):
    limit = settings.AXES_FAILURE_LIMIT
    for n in range(limit - 1):
        assert attempt("wrong", f"198.51.100.{n + 1}").status_code == 200
    assert attempt("wrong", f"198.51.100.{limit}").status_code == 429  # the last allowed guess
    # A new address, and the right password: still refused while the account is locked.
    response = attempt(PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_the_lock_out_is_per_account(secretary, other_secretary, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong", f"198.51.100.{n + 1}")
    assert attempt(PASSWORD, "198.51.100.1", username="outsider").status_code == 302


def test_the_cool_off_is_slower_than_before(settings):
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_a_committee_admin_unlocks_an_account(secretary, committee_admin, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong", f"198.51.100.{n + 1}")
    admin = Client()
    admin.force_login(committee_admin)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [secretary.pk]},
    )
    assert response.status_code == 302
    assert attempt(PASSWORD, "203.0.113.7").status_code == 302
    [record] = AccessRecord.objects.filter(action=AccessRecord.Action.UNLOCK)
    assert record.user == committee_admin and record.object_id == str(secretary.pk)


# Idle time-out --------------------------------------------------------------------------------


def idle_for(client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] -= minutes * 60
    session.save()


def test_a_session_idle_too_long_is_logged_out(secretary_client, settings):
    assert secretary_client.get("/").status_code == 200
    idle_for(secretary_client, settings.PORTAL_IDLE_TIMEOUT_MINUTES + 1)
    response = secretary_client.get("/members/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/members/"
    assert "_auth_user_id" not in secretary_client.session
    page = secretary_client.get(response["Location"]).content.decode()
    assert f"{settings.PORTAL_IDLE_TIMEOUT_MINUTES} 分钟" in page


def test_a_session_in_use_stays(secretary_client, settings):
    idle_for(secretary_client, settings.PORTAL_IDLE_TIMEOUT_MINUTES - 1)
    assert secretary_client.get("/").status_code == 200
    idle_for(secretary_client, settings.PORTAL_IDLE_TIMEOUT_MINUTES - 1)
    assert secretary_client.get("/").status_code == 200  # the clock restarted at each request


def test_the_idle_limit_is_a_setting(secretary_client, settings):
    settings.PORTAL_IDLE_TIMEOUT_MINUTES = 5
    idle_for(secretary_client, 6)
    assert secretary_client.get("/").status_code == 302


def test_sessions_end_with_the_browser(client, secretary):
    response = client.post(LOGIN, {"username": "secretary", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


# Passwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Short1!", "alllowercase1", "ALLUPPER-ONLY", "1234567890123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Zhibu-shuji7", "Dangjian2026x", "ganbu#2026dj"])
def test_passwords_of_three_kinds_and_ten_characters_pass(password):
    validate_password(password)


def test_every_user_changes_their_own_password(secretary_client, secretary):
    url = reverse("accounts:password_change")
    assert secretary_client.get(url).status_code == 200
    weak = secretary_client.post(
        url, {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 200 and weak.context["form"].errors["new_password2"]
    response = secretary_client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Zhibu-shuji7",
            "new_password2": "Zhibu-shuji7",
        },
    )
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password("Zhibu-shuji7")
    assert secretary_client.get("/").status_code == 200  # still logged in
    assert AccessRecord.objects.filter(action="password_changed", user=secretary).count() == 1


def test_a_forced_reset_comes_before_anything_else(committee_admin, secretary, client):
    admin = Client()
    admin.force_login(committee_admin)
    admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "require_password_change", "_selected_action": [secretary.pk]},
    )
    assert User.objects.get(pk=secretary.pk).must_change_password
    assert AccessRecord.objects.filter(action="password_reset_required").count() == 1

    client.post(LOGIN, {"username": "secretary", "password": PASSWORD})
    change = reverse("accounts:password_change")
    for path in ("/", "/members/", "/branches/"):
        assert client.get(path)["Location"].startswith(change + "?next="), path
    assert client.get(change).status_code == 200
    client.post(
        change,
        {
            "old_password": PASSWORD,
            "new_password1": "Zhibu-shuji7",
            "new_password2": "Zhibu-shuji7",
        },
    )
    assert not User.objects.get(pk=secretary.pk).must_change_password
    assert client.get("/").status_code == 200
