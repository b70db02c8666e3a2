import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import user_create
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Jiedao-gongzuo7"


def code_from(key_text: str, drift: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the enrolment page."""
    compact = key_text.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key, drift=drift):06d}"


def test_street_staff_enrol_and_log_in_with_a_totp_code(live_server, watched_page, artifacts):
    page, watch = watched_page
    user_create(username="wangli", password=PASSWORD, role=User.Role.STREET_STAFF)

    log_in(page, live_server.url, "wangli", PASSWORD)
    assert "/accounts/two-factor/" in page.url  # nothing else opens before the enrolment
    page.goto(live_server.url + "/members/")
    assert "/accounts/two-factor/?next=/members/" in page.url
    assert page.locator(".portal-qr-frame svg path").count() >= 1  # the QR code, drawn inline
    page.screenshot(path=artifacts / "two-factor-enrolment.png", full_page=True)
    key = page.locator("#totp-key").inner_text()

    page.fill("input[name=token]", "000000" if code_from(key) != "000000" else "111111")
    page.click("main form button[type=submit]")
    assert page.get_by_text("验证码不正确").is_visible()
    # A wrong code makes the next try wait (a second, then longer): let that second pass.
    TOTPDevice.objects.filter(user__username="wangli").update(throttling_failure_timestamp=None)

    page.fill("input[name=token]", code_from(key))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="继续").click()
    page.wait_for_load_state("networkidle")
    assert "/members/" in page.url and page.locator("h1").count() >= 1

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=username]", "wangli")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/two-factor/verify/" in page.url
    # This time step's code was used at the enrolment: the app's next one is accepted.
    page.fill("input[name=token]", code_from(key, drift=1))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("工作台")
    watch.assert_clean()
