"""The journey of issue 14: from a secretary's home page on a phone, one activity logged for 5 of
25 members with a photo, counting every tap (a click, a file picked) and every typed field."""

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate

from activities.models import ActivityLog, PendingPhoto
from branches.models import Branch
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TAPS = 12
MAX_TYPED = 2
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


class Journey:
    def __init__(self, page):
        self.page = page
        self.taps = 0
        self.typed = 0

    def tap(self, locator) -> None:
        locator.click()
        self.taps += 1

    def type_into(self, locator, text: str) -> None:
        locator.fill(text)
        self.typed += 1

    def pick_file(self, selector: str, path) -> None:
        self.page.set_input_files(selector, str(path))
        self.taps += 1

    def tap_and_load(self, locator) -> None:
        self.tap(locator)
        self.page.wait_for_load_state("networkidle")


def test_secretary_logs_a_due_activity_for_5_of_25_members_with_a_photo_in_few_taps(
    demo_server, watched_page, artifacts, tmp_path
):
    from PIL import Image

    branch = Branch.objects.get(name="星光耀广场项目党支部")
    today = localdate()
    # This month's committee meeting is what is due (whatever day the test runs on).
    ActivityLog.objects.filter(
        branch=branch,
        kind__code="committee-meeting",
        held_on__year=today.year,
        held_on__month=today.month,
    ).delete()
    photo = tmp_path / "支委会现场.jpg"
    Image.new("RGB", (800, 600), "darkred").save(photo, "JPEG")

    page, watch = watched_page
    page.set_viewport_size(PHONE)
    log_in(page, demo_server, "xingguang")
    journey = Journey(page)

    # 1 tap: the due item opens the form for it, the kind chosen and the title suggested.
    journey.tap_and_load(page.locator(".card ul a", has_text="支委会"))
    assert "/activities/new/" in page.url
    assert page.locator("select[name=kind] option:checked").inner_text() == "支委会"
    assert page.input_value("input[name=title]") == f"{today.year}年{today.month}月支委会"
    assert page.input_value("input[name=held_on]") == today.isoformat()

    # The roster starts with nobody marked, and 25 members fit one phone screen.
    rows = page.locator(".portal-attendance li")
    assert rows.count() == 25
    assert page.locator(".portal-attendance input[type=radio]:checked").count() == 0
    roster = page.locator(".portal-attendance").bounding_box()
    assert roster["height"] <= PHONE["height"], roster
    assert page.locator("[data-attendance-tools]").is_visible()
    page.screenshot(path=artifacts / "activity-form-roster-phone.png", full_page=True)

    # 5 taps: five came; 1 tap: one is on leave (the reason forgotten: the mistake).
    for n in range(5):
        journey.tap(rows.nth(n).get_by_text("出席", exact=True))
    journey.tap(rows.nth(5).get_by_text("请假", exact=True))
    assert page.locator("[data-attendance-count]").inner_text() == "出席 5 / 共 25 人"
    journey.pick_file("input[name=photos]", photo)  # 1 tap
    journey.tap_and_load(page.get_by_role("button", name="保存并提交"))  # 1 tap

    # One round trip: the summary names the mistake, links to it, and the photo is kept.
    assert not ActivityLog.objects.filter(
        branch=branch, held_on=today, kind__code="committee-meeting"
    ).exists()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator("a").count() == 1
    kept = page.locator("[data-kept-photos]")
    assert "支委会现场.jpg" in kept.inner_text()
    assert kept.locator("input[name=kept_photos]").is_checked()
    assert page.locator(".portal-attendance input[value=present]:checked").count() == 5
    page.screenshot(path=artifacts / "activity-form-error-phone.png", full_page=True)
    journey.tap(summary.locator("a"))  # 1 tap: to the reason
    reason = page.locator(".portal-attendance li").nth(5).locator("input[type=text]")
    assert reason.evaluate("el => el === document.activeElement")
    journey.type_into(reason, "外出学习")  # 1 typed field
    journey.tap_and_load(page.get_by_role("button", name="保存并提交"))  # 1 tap

    assert page.get_by_text("活动记录已提交。").is_visible()
    log = ActivityLog.objects.get(branch=branch, held_on=today, kind__code="committee-meeting")
    assert log.status == "submitted" and log.title == f"{today.year}年{today.month}月支委会"
    statuses = list(log.attendance.values_list("status", flat=True))
    assert (statuses.count("present"), statuses.count("leave"), statuses.count("absent")) == (
        5,
        1,
        19,
    )
    assert log.photos.count() == 1 and not PendingPhoto.objects.exists()
    assert page.evaluate("document.querySelector('img.img-fluid').naturalWidth") == 800
    assert journey.taps <= MAX_TAPS and journey.typed <= MAX_TYPED, (
        journey.taps,
        journey.typed,
    )
    watch.assert_clean()


def test_attendance_toggles_mark_everyone_nobody_or_a_party_group(demo_server, watched_page):
    page, watch = watched_page
    page.set_viewport_size(PHONE)
    log_in(page, demo_server, "xingguang")
    page.goto(demo_server + "/activities/new/")
    rows = page.locator(".portal-attendance li")
    present = page.locator(".portal-attendance input[value=present]:checked")
    page.get_by_role("button", name="全部出席").click()
    assert present.count() == 25
    page.get_by_role("button", name="全部缺席").click()
    assert present.count() == 0
    assert page.locator(".portal-attendance input[value=absent]:checked").count() == 25
    page.locator("[data-mark-group]").first.click()
    assert present.count() == 5
    # A Party group meeting starts from its group's members once the group is chosen.
    page.goto(demo_server + "/activities/new/")
    page.select_option("select[name=kind]", label="党小组会")
    assert page.locator("[data-required-when=group]").evaluate(
        "el => el.classList.contains('is-required')"
    )
    page.select_option("select[name=party_group]", index=1)
    assert present.count() == 5
    group = page.locator("select[name=party_group] option:checked").inner_text()
    assert page.input_value("input[name=title]").endswith("党小组会")
    marked = [
        rows.nth(i).inner_text().split("\n")[0]
        for i in range(25)
        if rows.nth(i).locator("input[value=present]").is_checked()
    ]
    assert len(marked) == 5 and group
    # A lesson marks its lecturer as required.
    page.select_option("select[name=kind]", label="工棚小党课")
    assert page.locator("[data-required-when=lecturer]").evaluate(
        "el => el.classList.contains('is-required')"
    )
    assert page.input_value("input[name=title]").endswith("工棚小党课")
    # Enter in a field still saves the draft (the toggles, submit buttons without JavaScript,
    # come before the save buttons).
    page.press("input[name=place]", "Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("草稿已保存。").is_visible()
    assert ActivityLog.objects.filter(
        branch__name="星光耀广场项目党支部", status="draft", title__endswith="工棚小党课"
    ).exists()
    watch.assert_clean()


def test_attendance_toggles_work_without_javascript(demo_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    log_in(page, demo_server, "xingguang")
    page.goto(demo_server + "/activities/new/")
    present = page.locator(".portal-attendance input[value=present]:checked")
    page.get_by_role("button", name="全部出席").click()
    page.wait_for_load_state("networkidle")
    assert present.count() == 25
    assert not page.locator("#error-summary").count()  # marking is no attempt to save
    page.locator("[data-mark-group]").first.click()
    page.wait_for_load_state("networkidle")
    assert present.count() == 25
    page.get_by_role("button", name="全部缺席").click()
    page.wait_for_load_state("networkidle")
    assert present.count() == 0
    page.locator("[data-mark-group]").first.click()
    page.wait_for_load_state("networkidle")
    assert present.count() == 5
    page.select_option("select[name=kind]", label="支委会")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("草稿已保存。").is_visible()
    log = ActivityLog.objects.get(
        status="draft", title__endswith="支委会", created_by__username="xingguang"
    )
    assert log.attendance.filter(status="present").count() == 5
    context.close()
