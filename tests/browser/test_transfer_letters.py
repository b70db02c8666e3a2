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
