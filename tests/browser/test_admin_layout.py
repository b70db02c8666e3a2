"""The admin as committee staff see it on a laptop (1280 pixels): the member's page fits the
screen's width, and the pickers the admin's scripts draw read in Chinese."""

import pytest
from django.core.management import call_command

from accounts.demo import STAFF_USERNAMES
from members.models import Member
from tests.browser.conftest import enter_second_factor, give_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username in STAFF_USERNAMES:
        give_second_factor(username)
    return live_server.url


def test_the_member_page_fits_a_laptop_and_the_pickers_are_chinese(
    demo_server, watched_page, artifacts
):
    page, watch = watched_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(demo_server + "/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    enter_second_factor(page, "admin")

    member = Member.objects.filter(participations__isnull=False).order_by("pk").first()
    page.goto(f"{demo_server}/admin/members/member/{member.pk}/change/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=artifacts / "admin-member-1280.png", full_page=True)
    assert page.locator("input[name=name]").input_value() == member.name
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the member's page is {overflow}px wider than the screen"

    page.goto(demo_server + "/admin/auth/group/add/")
    page.wait_for_load_state("networkidle")
    choose_all = page.locator(".selector-chooseall").first.inner_text()
    assert choose_all.startswith("选择全部"), choose_all
    assert "Choose" not in page.locator("#content").inner_text()
    watch.assert_clean()
