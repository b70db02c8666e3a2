"""On a phone: the branch secretary records the committee's election, the street's staff
appoint its result in one step, and the branch page shows the new seats and term."""

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate

from accounts.demo import STAFF_USERNAMES
from branches.models import Seat, Term
from members.models import Election
from tests.browser.conftest import give_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username in STAFF_USERNAMES:
        give_second_factor(username)
    return live_server.url


def test_secretary_records_an_election_and_staff_appoint_its_result(
    demo_server, watched_page, artifacts, browser
):
    page, watch = watched_page
    page.set_viewport_size(PHONE)
    log_in(page, demo_server, "xingguang")
    page.get_by_role("link", name="星光耀广场项目党支部").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="选举与表决").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="登记选举").click()
    page.wait_for_load_state("networkidle")

    today = localdate().isoformat()
    page.fill("input[name=held_on]", today)
    page.fill("input[name=seats]", "3")
    page.select_option("select[name=term_years]", "5")
    boxes = page.locator("input[name=present]")
    entitled = boxes.count()
    for i in range(1, entitled):  # the first one is absent
        boxes.nth(i).check()
    present = entitled - 1
    # Three candidates for three seats: too few for a contested election; the page says so
    # and keeps everything typed.
    votes = [present, present - 1, present - 2, present // 2 - 1]
    for row in range(3):
        page.select_option(f"select[name=candidates-{row}-member]", index=row + 1)
        page.fill(f"input[name=candidates-{row}-votes]", str(votes[row]))
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("候选人至少4名").is_visible()
    assert page.input_value("input[name=candidates-2-votes]") == str(votes[2])
    assert page.locator("input[name=present]:checked").count() == present
    page.select_option("select[name=candidates-3-member]", index=4)
    page.fill("input[name=candidates-3-votes]", str(votes[3]))
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("选举已登记。").is_visible()
    assert page.get_by_text("有效：到会人数超过应到会有选举权党员的五分之四。").is_visible()
    assert page.locator("td .badge.text-bg-success").count() == 3  # 当选
    # Appointing is for the street's staff: the secretary has no button.
    assert page.get_by_role("link", name="任命选举结果").count() == 0
    page.screenshot(path=artifacts / "secretary-records-election-phone.png", full_page=True)
    election = Election.objects.get(held_on=localdate(), branch__name="星光耀广场项目党支部")
    watch.assert_clean()

    staff_context = browser.new_context(locale="zh-CN", viewport=PHONE)
    staff = staff_context.new_page()
    log_in(staff, demo_server, "jiedao")
    staff.goto(demo_server + election.get_absolute_url())
    staff.get_by_role("link", name="任命选举结果").click()
    staff.wait_for_load_state("networkidle")
    staff.select_option("select[name=secretary]", index=2)  # the second elected
    staff.select_option("select[name=deputy]", index=1)
    staff.get_by_role("button", name="保存").click()
    staff.wait_for_load_state("networkidle")
    assert staff.get_by_text("选举结果已任命").is_visible()
    elected = Seat.objects.filter(
        branch=election.branch, ended_on__isnull=True, origin=Seat.Origin.ELECTION
    )
    assert elected.count() == 3
    secretary_seat = elected.get(kind=Seat.Kind.SECRETARY)
    assert secretary_seat.user.username == "xingguang"  # the log-in carries on
    assert staff.locator("td", has_text="支部党员大会选举产生").count() == 3
    term = Term.objects.get(branch=election.branch)
    assert term.ends_on.year == localdate().year + 5
    assert staff.get_by_text(f"至{term.ends_on.year}年").first.is_visible()
    staff.screenshot(path=artifacts / "staff-appoints-election-phone.png", full_page=True)
    staff_context.close()
