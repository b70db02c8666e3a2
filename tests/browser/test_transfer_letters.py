"""A secretary issues a transfer letter out of the branch (the dues paid up to prefilled from the
dues records) and records its receipt: the member leaves the branch, with the dates kept."""

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRANCH = "汇金国际广场项目党支部"


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_secretary_issues_a_letter_out_and_records_its_receipt(
    demo_server, watched_page, artifacts
):
    from branches.models import Branch
    from members import dues
    from members.models import Participation, TransferLetter

    branch = Branch.objects.get(name=BRANCH)
    member = dues.paying_members(branch=branch).first()
    page, watch = watched_page
    log_in(page, demo_server, "huijin")
    page.goto(f"{demo_server}/members/{member.pk}/")
    page.get_by_role("link", name="开具转出介绍信").click()
    page.wait_for_load_state("networkidle")
    paid_through = dues.member_dues_standing(member=member, today=localdate()).paid_through
    if paid_through is not None:  # prefilled from the dues records
        assert page.locator("input[name=dues_paid_to]").input_value() == f"{paid_through:%Y-%m}"
    else:
        page.fill("input[name=dues_paid_to]", f"{localdate():%Y-%m}")
    page.fill("input[name=number]", "汇支转字第007号")
    page.fill("input[name=to_organisation]", "上海市某建设集团党委")
    page.screenshot(path=artifacts / "secretary-issues-transfer-letter.png", full_page=True)
    page.locator("button[type=submit]", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").is_visible()
    row = page.locator("#letters tr", has_text=member.name)
    assert row.get_by_text("已转出，待回执").is_visible()
    letter = TransferLetter.objects.get(member=member, direction="out")
    assert letter.receipt_due_on > localdate() and letter.receipt_on is None
    row.get_by_role("link", name="登记回执").click()
    page.wait_for_load_state("networkidle")
    page.locator("button[type=submit]", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").is_visible()
    assert page.locator("#letters tr", has_text=member.name).count() == 0
    letter.refresh_from_db()
    assert letter.receipt_on == localdate()
    ended = Participation.objects.get(member=member, branch=branch)
    assert ended.left_on == localdate() and "上海市某建设集团党委" in ended.leaving_reason
    page.screenshot(path=artifacts / "secretary-recorded-letter-receipt.png", full_page=True)
    watch.assert_clean()


def test_secretary_corrects_a_letters_validity_from_the_moves_page(
    demo_server, watched_page, artifacts
):
    from members.models import TransferLetter

    letter = TransferLetter.objects.get(direction="out", receipt_on__isnull=True)
    page, watch = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    username = letter.branch.seats.filter(user__isnull=False).first().user.username
    log_in(page, demo_server, username)
    page.goto(f"{demo_server}/members/branches/{letter.branch_id}/moves/")
    row = page.locator("#letters tr", has_text=letter.member.name)
    row.get_by_role("link", name="更正").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=number]").input_value() == letter.number
    too_long = letter.issued_on.replace(year=letter.issued_on.year + 1)
    page.fill("input[name=valid_until]", too_long.isoformat())
    page.fill("input[name=to_organisation]", "上海市另一建设集团党委")
    page.locator("button[type=submit]", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("介绍信有效期最长三个月").is_visible()  # said, nothing saved
    assert page.locator("input[name=to_organisation]").input_value() == "上海市另一建设集团党委"
    page.fill("input[name=valid_until]", letter.valid_until.isoformat())
    page.locator("button[type=submit]", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").is_visible()
    letter.refresh_from_db()
    assert letter.to_organisation == "上海市另一建设集团党委"
    assert letter.history.count() == 3  # recorded, corrected in the demo, corrected here
    page.screenshot(path=artifacts / "secretary-corrected-a-letter.png", full_page=True)
    watch.assert_clean()
