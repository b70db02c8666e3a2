import pytest
from django.core.management import call_command

from branches.models import Branch
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_staff_logs_in_and_sees_the_home_page_in_chinese(demo_server, watched_page, artifacts):
    page, watch = watched_page
    page.goto(demo_server + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "项目党建工作平台"

    log_in(page, demo_server, "jiedao")
    assert page.locator("h1").inner_text() == "欢迎，杨旭"
    assert page.get_by_role("link", name="星光耀广场项目党支部").is_visible()
    assert page.locator(".portal-stat .display-6").first.inner_text() == "5"
    # The vendored icon font and stylesheet really loaded (no blank boxes, no unstyled page).
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    page.screenshot(path=artifacts / "home-zh-hans.png", full_page=True)
    watch.assert_clean()


def test_secretary_sees_own_branch_only_on_a_phone(demo_server, page, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "xingguang")
    assert page.get_by_role("heading", name="我的支部").is_visible()
    assert page.get_by_text("星光耀广场项目党支部").is_visible()
    assert page.get_by_text("汇金国际广场项目党支部").count() == 0
    # The menu folds into the toggler on a phone and opens on a tap.
    page.click(".navbar-toggler")
    page.get_by_role("link", name="党组织").click()
    assert page.locator("tbody tr").count() == 1
    other = Branch.objects.get(name="汇金国际广场项目党支部")
    response = page.goto(f"{demo_server}/branches/{other.pk}/")
    assert response.status == 404
    page.goto(demo_server + "/")
    page.screenshot(path=artifacts / "secretary-phone-zh-hans.png", full_page=True)


def test_language_switches_to_english(demo_server, watched_page):
    page, watch = watched_page
    log_in(page, demo_server, "jiedao")
    with page.expect_navigation():
        page.select_option("#portal-language", "en")
    assert page.locator("h1").inner_text() == "Welcome, 杨旭"
    watch.assert_clean()


def test_committee_admin_works_in_the_admin_under_the_csp(demo_server, watched_page):
    page, watch = watched_page
    page.goto(demo_server + "/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#site-name").inner_text() == "项目党建工作平台 · 后台管理"
    page.goto(demo_server + "/admin/branches/branch/")
    page.get_by_role("link", name="星光耀广场项目党支部").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=name]").input_value() == "星光耀广场项目党支部"
    watch.assert_clean()
