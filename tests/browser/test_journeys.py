import datetime
import io
from urllib.error import HTTPError

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate

from accounts.demo import STAFF_USERNAMES
from accounts.models import User
from activities.compliance import QUARTER_END
from activities.models import ActivityLog
from branches.models import Branch
from core.demo import add_months
from home.dashboard import activity_figures
from home.tests.demo_days import EXPECTED, clock_at
from tests.browser.conftest import enter_second_factor, give_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username in STAFF_USERNAMES:
        give_second_factor(username)
    return live_server.url


def test_staff_logs_in_and_sees_the_workbench_in_chinese(demo_server, watched_page, artifacts):
    page, watch = watched_page
    page.goto(demo_server + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "项目党建工作平台"

    log_in(page, demo_server, "jiedao")
    assert page.locator("h1").inner_text().startswith("工作台")
    page.wait_for_selector("#activity-chart svg")
    assert page.locator("#activity-chart svg text", has_text="星光耀广场").count() >= 1
    # The vendored icon font and stylesheet really loaded (no blank boxes, no unstyled page).
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert page.evaluate("document.fonts.check('16px bootstrap-icons')")
    page.screenshot(path=artifacts / "workbench-zh-hans.png", full_page=True)
    watch.assert_clean()

    # The demo's last twelve months, up to today: two branches lag in them, from the first
    # finished month of the year (in January no month of the year is over yet).
    expected = activity_figures(user=User.objects.get(username="jiedao"), today=localdate())
    behind = int(page.locator("#branches-behind .display-6").inner_text())
    assert behind == expected["behind"] == (2 if localdate().month > 1 else 0)
    page.click("#branches-behind")
    page.wait_for_load_state("networkidle")
    assert "behind=1" in page.url
    rows = page.locator(".portal-compliance tbody tr")
    assert rows.count() == behind
    assert all("落后" in rows.nth(i).inner_text() for i in range(behind))
    watch.assert_clean()


@pytest.mark.parametrize(
    "day",
    [datetime.date(2026, 12, 31), datetime.date(2027, 1, 1), datetime.date(2027, 3, 10)],
    ids=str,
)
def test_the_workbench_of_the_demo_on_any_day(live_server, watched_page, day):
    """The demo loaded on a day and the portal's clock on that day: the month's and the year's
    figures are those counted by hand, and a branch's year opens a list of as many logs."""
    expected = EXPECTED[day]
    with clock_at(day):
        call_command("load_demo", "--force", f"--today={day.isoformat()}", stdout=io.StringIO())
        for username in STAFF_USERNAMES:
            give_second_factor(username)
        page, watch = watched_page
        log_in(page, live_server.url, "jiedao")
        assert page.locator("h1").inner_text().startswith("工作台")
        figures = page.locator(".portal-stat .display-6")
        month = page.locator(".portal-stat", has_text="本月活动").locator(".display-6")
        year = page.locator(".portal-stat", has_text="本年活动").locator(".display-6")
        assert (int(month.inner_text()), int(year.inner_text())) == (expected.month, expected.year)
        behind = int(page.locator("#branches-behind .display-6").inner_text())
        assert behind == expected.behind
        assert figures.count() >= 16
        row = page.locator(".portal-compliance tbody tr", has_text="星光耀广场项目党支部")
        this_year = row.locator("td").nth(1)
        shown = int(this_year.inner_text())
        this_year.locator("a").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text(f"共 {shown} 条").first.is_visible()
        watch.assert_clean()


def test_secretary_sees_own_branch_only_on_a_phone(demo_server, page, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "xingguang")
    assert page.get_by_role("heading", name="星光耀广场项目党支部").is_visible()
    assert page.get_by_role("heading", name="待办").is_visible()
    assert page.get_by_text("汇金国际广场项目党支部").count() == 0
    # The menu folds into the toggler on a phone and opens on a tap.
    page.click(".navbar-toggler")
    with page.expect_navigation():
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
    assert page.locator("h1").inner_text().startswith("Workbench")
    watch.assert_clean()


def test_committee_admin_works_in_the_admin_under_the_csp(demo_server, watched_page):
    page, watch = watched_page
    page.goto(demo_server + "/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "demo-2026")
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/two-factor/verify/" in page.url  # the admin site too needs the code
    enter_second_factor(page, "admin")
    assert page.locator("#site-name").inner_text() == "项目党建工作平台 · 后台管理"
    page.goto(demo_server + "/admin/branches/branch/")
    page.get_by_role("link", name="星光耀广场项目党支部").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=name]").input_value() == "星光耀广场项目党支部"
    watch.assert_clean()


def test_secretary_opens_their_branch_and_adds_a_party_group(demo_server, watched_page, artifacts):
    page, watch = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "xingguang")
    page.get_by_role("link", name="星光耀广场项目党支部").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#party-groups ~ .table-responsive tbody tr").count() == 5
    page.get_by_role("link", name="新建党小组").click()
    page.fill("input[name=name]", "安全生产党小组")
    page.select_option("select[name=working_group]", label="质量监管工作小组")
    page.fill("input[name=leader_name]", "周建国")
    page.fill("input[name=established_on]", "2026-11-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("党小组已成立。").is_visible()
    row = page.locator("tr", has_text="安全生产党小组")
    assert "质量监管工作小组" in row.inner_text() and "周建国" in row.inner_text()
    page.screenshot(path=artifacts / "secretary-adds-party-group.png", full_page=True)
    watch.assert_clean()


def test_staff_sees_a_project_with_its_timeline_and_syncs(demo_server, watched_page, artifacts):
    page, watch = watched_page
    log_in(page, demo_server, "jiedao")
    page.goto(demo_server + "/projects/?has_branch=yes")
    page.get_by_role("link", name="南通大学城综合配套服务区", exact=True).click()
    page.wait_for_load_state("networkidle")
    sync_row = page.locator("tr", has_text="同步组建")
    assert "不同步" in sync_row.inner_text() and "72" in sync_row.inner_text()
    assert (
        page.locator("#timeline ~ .table-responsive .table-warning").inner_text().startswith("开工")
    )
    page.screenshot(path=artifacts / "project-detail-zh-hans.png", full_page=True)
    watch.assert_clean()


def _roster(path, rows):
    from openpyxl import Workbook

    from members.roster import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _n, header, _e, _r in COLUMNS])
    for row in rows:
        sheet.append([row.get(name, "") for name, _h, _e, _r in COLUMNS])
    workbook.save(path)
    return path


def _row(n, **overrides):
    import datetime

    from members.identity import check_character

    birth = datetime.date(1988, 2, 1) + datetime.timedelta(days=n)
    first = f"320602{birth:%Y%m%d}{n * 10 + 1:03d}"
    row = {
        "name": f"导入党员{n}",
        "gender": "男",
        "birth_date": birth.isoformat(),
        "phone": f"1391000{n:04d}",
        "id_number": first + check_character(first),
        "standing": "正式党员",
        "joined_party_on": "2012-07-01",
        "full_member_on": "2013-07-01",
        "employer": "龙信集团",
        "is_floating": "是",
        "floating_from": "江苏省如东县",
        "relation_state": "口袋党员",
        "branch": "星光耀广场项目党支部",
        "party_group": "质量监管党小组",
        "joined_on": "2026-11-01",
    }
    return row | overrides


def test_secretary_imports_a_roster_fixing_a_bad_row(
    demo_server, watched_page, artifacts, tmp_path
):
    page, watch = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "xingguang")
    page.goto(demo_server + "/members/")
    page.get_by_role("link", name="导入名册").click()
    bad = _roster(
        tmp_path / "bad.xlsx",
        [_row(1), _row(2, id_number="320602198802030021"), _row(3)],
    )
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_load_state("networkidle")
    errors = page.locator(".portal-import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.inner_text().split("\t")[:2] == ["3", "身份证号码"]
    assert "校验位" in errors.first.inner_text()
    page.screenshot(path=artifacts / "roster-import-error.png", full_page=True)

    good = _roster(tmp_path / "good.xlsx", [_row(1), _row(2), _row(3)])
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("已登记 3 名党员").is_visible()
    page.get_by_role("link", name="查看党员").click()
    page.fill("input[name=q]", "导入党员")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("tbody tr").count() == 3
    assert page.get_by_text("320***********").count() == 3  # masked in the list
    watch.assert_clean()


def test_secretary_logs_a_work_shed_lesson_on_a_phone_and_staff_see_it(
    demo_server, watched_page, artifacts, tmp_path, browser
):
    from PIL import Image

    page, watch = watched_page
    photo = tmp_path / "lesson.jpg"
    Image.new("RGB", (800, 600), "darkred").save(photo, "JPEG")

    # 陆洪闸 missed the Party lesson of the last finished quarter.
    quarter_end = next(
        month
        for month in (add_months(localdate().replace(day=1), -ago) for ago in (1, 2, 3))
        if month.month in QUARTER_END
    )

    def quarter_end_cell(p):
        p.goto(demo_server + f"/activities/compliance/?year={quarter_end.year}")
        row = p.locator("tr", has_text="陆洪闸历史文化街区项目党支部")
        return row.locator("td").nth(quarter_end.month - 1)

    staff = browser.new_page(locale="zh-CN")
    log_in(staff, demo_server, "jiedao")
    assert "党课" in quarter_end_cell(staff).get_attribute("title")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "luhongzha")
    page.goto(demo_server + "/activities/")
    page.get_by_role("link", name="登记活动").click()
    page.select_option("select[name=kind]", label="工棚小党课")
    page.fill("input[name=title]", "工棚小党课：汛期安全")
    page.fill("input[name=held_on]", quarter_end.replace(day=20).isoformat())
    page.fill("input[name=lecturer]", "陈帅")
    rows = page.locator(".portal-attendance li")
    assert rows.count() == 20
    page.get_by_role("button", name="全部出席").click()  # nobody is marked at first
    rows.nth(0).get_by_text("请假").click()
    rows.nth(0).locator("input[type=text]").fill("返乡探亲")
    rows.nth(1).get_by_text("缺席").click()
    page.set_input_files("input[name=photos]", str(photo))
    page.screenshot(path=artifacts / "secretary-logs-lesson-phone.png", full_page=True)
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("活动记录已提交。").is_visible()
    assert page.locator("h1 .badge").inner_text() == "已提交"
    assert page.locator("img.img-fluid").count() == 1
    assert page.evaluate("document.querySelector('img.img-fluid').naturalWidth") == 800
    statuses = list(
        ActivityLog.objects.get(title="工棚小党课：汛期安全").attendance.values_list(
            "status", flat=True
        )
    )
    assert statuses.count("present") == 18
    watch.assert_clean()

    assert "党课" not in (quarter_end_cell(staff).get_attribute("title") or "")
    staff.screenshot(path=artifacts / "compliance-grid-zh-hans.png", full_page=True)
    staff.close()


def test_an_unsent_activity_form_survives_a_reload(demo_server, watched_page):
    page, watch = watched_page
    log_in(page, demo_server, "huijin")
    page.goto(demo_server + "/activities/new/")
    page.select_option("select[name=kind]", label="支委会")
    page.fill("input[name=title]", "11月支委会")
    page.fill("textarea[name=content]", "研究塔吊安全检查")
    page.locator(".portal-attendance li").nth(0).get_by_text("缺席").click()
    # The connection drops; the secretary opens the form again later.
    page.goto(demo_server + "/activities/new/")
    assert page.locator("[data-draft-notice]").is_visible()
    assert page.input_value("input[name=title]") == "11月支委会"
    assert page.locator("select[name=kind] option:checked").inner_text() == "支委会"
    assert page.input_value("textarea[name=content]") == "研究塔吊安全检查"
    first = page.locator(".portal-attendance li").nth(0)
    assert first.locator("input[value=absent]").is_checked()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("草稿已保存。").is_visible()
    # Once saved on the server, the copy on the device is cleared.
    page.goto(demo_server + "/activities/new/")
    assert page.input_value("input[name=title]") == ""
    assert not page.locator("[data-draft-notice]").is_visible()
    watch.assert_clean()


def test_staff_deploy_a_cycle_secretary_self_scores_staff_score_and_publish(
    demo_server, watched_page, artifacts, browser
):
    page, watch = watched_page
    log_in(page, demo_server, "jiedao")
    page.goto(demo_server + "/assessments/cycles/new/")
    # The demo's rules of this year (those of the half-year under way).
    page.select_option(
        "select[name=version]", label=f"{localdate().year}年度项目党建与项目建设捆绑考核细则"
    )
    page.fill("input[name=name]", "2026年专项考核")
    for name, value in (
        ("starts_on", "2026-09-01"),
        ("ends_on", "2026-11-15"),
        ("deploy_due", "2026-09-10"),
        ("inspect_due", "2026-11-01"),
        ("assess_due", "2026-11-30"),
    ):
        page.fill(f"input[name={name}]", value)
    for label in (
        "汇金国际广场项目党支部",
        "江海美食文化街区项目党支部",
        "南通大学城综合配套服务区项目党支部",
    ):
        page.get_by_label(label).uncheck()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("考核周期已部署。").is_visible()
    cycle_url = page.url
    for _ in range(2):
        page.get_by_role("button", name="进入下一阶段").click()
        page.wait_for_load_state("networkidle")
    assert page.locator("h1 .badge").inner_text() == "同考核"

    secretary = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    log_in(secretary, demo_server, "xingguang")
    secretary.goto(cycle_url)
    secretary.get_by_role("link", name="支部自评").click()
    first = secretary.locator("tbody tr").first
    first.locator("input[type=number]").fill("18")
    first.locator("textarea").fill("支部成立批复、班子名单已上传台账")
    secretary.get_by_role("button", name="保存").click()
    secretary.wait_for_load_state("networkidle")
    assert secretary.get_by_text("评分已保存。").is_visible()
    secretary.close()

    for row in range(2):
        page.goto(cycle_url)
        page.get_by_role("link", name="项目党委评分").nth(row).click()
        if row == 0:
            assert "18" in page.locator("tbody tr").first.inner_text()  # the self-score is shown
        for field in page.locator("input[type=number]").all():
            field.fill("2")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("评分已保存。").is_visible()
    page.get_by_role("button", name="发布考核结果").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("考核结果已发布。").is_visible()
    page.wait_for_selector("#results-chart svg")
    assert page.locator("#results-chart svg text", has_text="星光耀广场").count() >= 1
    page.screenshot(path=artifacts / "assessment-results-zh-hans.png", full_page=True)
    watch.assert_clean()


def test_secretary_subscribes_their_phones_calendar(demo_server, watched_page, artifacts):
    from urllib.request import urlopen

    from icalendar import Calendar

    page, watch = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "xingguang")
    page.click(".navbar-toggler")
    page.get_by_role("link", name="日历订阅").click()
    page.wait_for_url("**/calendar/")
    page.get_by_role("button", name="生成我的日历订阅地址").click()
    address = page.locator("#calendar-url").input_value()
    assert address.startswith(demo_server + "/calendar/") and address.endswith(".ics")
    page.screenshot(path=artifacts / "calendar-subscription-phone.png", full_page=True)
    watch.assert_clean()

    with urlopen(address, timeout=10) as response:
        feed = Calendar.from_ical(response.read())
    summaries = [str(event["SUMMARY"]) for event in feed.walk("VEVENT")]
    assert summaries, "the demo branch has deadlines"
    assert all("汇金国际广场" not in summary for summary in summaries)

    # Shown once: the page no longer holds it; revoking closes the address.
    page.goto(demo_server + "/calendar/")
    assert page.locator("#calendar-url").count() == 0
    page.get_by_role("button", name="撤销地址").click()
    with pytest.raises(HTTPError):
        urlopen(address, timeout=10)


def test_secretary_records_a_months_dues_for_the_branch_on_a_phone(
    demo_server, watched_page, artifacts
):
    """The issue's journey: the month's dues of the whole branch on one screen, on a phone, in
    well under a minute once logged in."""
    import time
    from decimal import Decimal

    from members.models import DuesPayment

    page, watch = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "huijin")
    started = time.monotonic()
    page.goto(demo_server + "/members/")
    page.get_by_role("link", name="党费").click()
    page.get_by_role("link", name="汇金国际广场项目党支部").click()
    page.locator("a.btn-danger", has_text="党费").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("#dues-rows li")
    assert rows.count() == 3  # the three members of 汇金 whose relation is in the branch
    unpaid = page.locator("#dues-rows input[type=checkbox]")
    # A member who paid this month already (ahead, in the demo) has no box to tick.
    paid_already = DuesPayment.objects.filter(
        branch__name="汇金国际广场项目党支部", month=localdate().replace(day=1)
    ).count()
    to_tick = unpaid.count()
    assert to_tick == 3 - paid_already and to_tick >= 2
    # Tick them all; the second paid a different amount (an exception).
    for n in range(to_tick):
        unpaid.nth(n).check()
    second_amount = page.locator("#dues-rows input[inputmode=decimal]").nth(1)
    second_amount.fill("12.50")
    page.screenshot(path=artifacts / "secretary-records-dues-phone.png", full_page=True)
    before = DuesPayment.objects.count()
    page.locator("button[type=submit]", has_text="登记").click()
    page.wait_for_load_state("networkidle")
    elapsed = time.monotonic() - started
    assert page.locator(".alert-success").is_visible()
    assert page.locator("#dues-rows input[type=checkbox]").count() == 0
    assert DuesPayment.objects.count() == before + to_tick
    assert DuesPayment.objects.filter(amount=Decimal("12.50")).count() == 1
    assert elapsed < 60, elapsed
    page.screenshot(path=artifacts / "secretary-recorded-dues-phone.png", full_page=True)
    watch.assert_clean()
