"""On a phone: the branch secretary records a worker's application for Party membership, the
steps between are recorded (as the secretary would have, over the months before), and the
higher committee's approval, recorded in the browser, makes the applicant a probationary member
of the branch with the data typed at the application — nothing typed again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils.timezone import localdate

from accounts.demo import STAFF_USERNAMES
from members import elections, recruitment
from members.models import Candidate, CandidateStep, Member
from members.tests.factories import make_id_number
from tests.browser.conftest import give_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
Kind = CandidateStep.Kind


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username in STAFF_USERNAMES:
        give_second_factor(username)
    return live_server.url


def the_months_between(candidate: Candidate, today: datetime.date) -> None:
    """The steps from the talk to the higher committee's talk, dated back from today in their
    legal order and intervals (the journey's subject is the application and the approval)."""

    def ago(days):
        return today - datetime.timedelta(days=days)

    def step(kind, days, **extra):
        recruitment.step_record(candidate=candidate, kind=kind, happened_on=ago(days), **extra)

    branch = candidate.branch
    step(Kind.TALK, 440)
    step(Kind.RECOMMENDATION, 430)
    step(Kind.ACTIVIST, 420)
    voters = list(elections.entitled_voters(branch=branch, on=ago(45)))
    step(Kind.CONTACT, 45, person=voters[0])
    step(Kind.CANDIDATE, 40)
    step(Kind.INTRODUCER, 38, person=voters[0])
    step(Kind.INTRODUCER, 38, person=voters[1])
    step(Kind.POLITICAL_REVIEW, 36)
    step(Kind.TRAINING, 35, training_days=3)
    step(Kind.COMMITTEE_REVIEW, 30)
    step(Kind.PRE_REVIEW, 25)
    step(Kind.APPLICATION_FORM, 20)
    present = list(elections.entitled_voters(branch=branch, on=ago(15)))
    decision = elections.member_decision_record(
        branch=branch,
        held_on=ago(15),
        kind="admission",
        subject_name=candidate.name,
        present=present,
        in_favour=len(present),
    )
    step(Kind.ADMISSION_VOTE, 15, decision=decision)
    step(Kind.HIGHER_TALK, 10)


def test_an_applicant_becomes_a_probationary_member_without_retyping(
    demo_server, watched_page, artifacts
):
    page, watch = watched_page
    page.set_viewport_size(PHONE)
    today = localdate()
    log_in(page, demo_server, "xingguang")
    page.get_by_role("link", name="星光耀广场项目党支部").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="发展党员").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="登记入党申请").click()
    page.wait_for_load_state("networkidle")

    applied = today - datetime.timedelta(days=450)
    id_number = make_id_number(42, datetime.date(1998, 3, 14))
    page.fill("input[name=name]", "陈志远")
    page.fill("input[name=id_number]", id_number)
    page.fill("input[name=phone]", "13962781234")
    page.select_option("select[name=employer_kind]", "other")
    page.fill("input[name=employer_name]", "南通一建集团")
    page.fill("input[name=job]", "钢筋工")
    page.fill("input[name=applied_on]", applied.isoformat())
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("入党申请已登记。").is_visible()
    assert page.get_by_text("收到入党申请书").first.is_visible()
    candidate = Candidate.objects.get(id_number=id_number)
    assert (candidate.birth_date, candidate.gender) == (datetime.date(1998, 3, 14), "M")
    watch.assert_clean()

    the_months_between(candidate, today)
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("上级党委审批").first.is_visible()  # what is due next
    # Only the fields a step needs: a contact names a member, the approval nothing more.
    page.select_option("select[name=kind]", Kind.CONTACT)
    assert page.locator("select[name=person]").is_visible()
    assert not page.locator("input[name=training_days]").is_visible()
    page.select_option("select[name=kind]", Kind.ADMISSION_APPROVAL)
    assert not page.locator("select[name=person]").is_visible()
    assert not page.locator("select[name=decision]").is_visible()
    page.fill("input[name=happened_on]", today.isoformat())
    page.fill("input[name=done_by]", "项目党委")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("办理记录已登记。").is_visible()
    assert page.locator("h1 .badge", has_text="预备党员").is_visible()
    page.screenshot(path=artifacts / "recruiting-approved-phone.png", full_page=True)

    member = Member.objects.get(id_number=id_number)
    assert (member.name, member.phone, member.job, member.standing) == (
        "陈志远",
        "13962781234",
        "钢筋工",
        "probationary",
    )
    assert member.joined_party_on == today - datetime.timedelta(days=15)
    page.get_by_role("link", name="陈志远 · 预备党员").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1", has_text="陈志远").is_visible()
    assert page.get_by_text("星光耀广场项目党支部").first.is_visible()
    # The member's page leads back to the way in: the steps stay with the member.
    assert page.locator(f"a[href='{candidate.get_absolute_url()}']").is_visible()
    watch.assert_clean()


def test_the_recruiting_pages_pass_axe_on_a_phone(demo_server, watched_page):
    from tests.browser.test_accessibility import (
        FAILING_IMPACTS,
        FAILING_RULES,
        axe_violations,
        report,
    )

    page, watch = watched_page
    page.set_viewport_size(PHONE)
    log_in(page, demo_server, "xingguang")
    candidate = Candidate.objects.filter(branch__name="星光耀广场项目党支部").order_by("pk").last()
    found = {}
    for url in (
        "/members/recruiting/",
        f"/members/branches/{candidate.branch_id}/recruiting/",
        candidate.get_absolute_url(),
        f"/members/branches/{candidate.branch_id}/recruiting/new/",
    ):
        page.goto(demo_server + url)
        found[url] = axe_violations(page)
    assert not report(found, FAILING_IMPACTS, FAILING_RULES)
    watch.assert_clean()


def test_a_secretary_ends_a_candidacy_on_a_phone_and_finds_it_under_ended(
    demo_server, watched_page, artifacts
):
    page, watch = watched_page
    page.set_viewport_size(PHONE)
    candidate = (
        Candidate.objects.filter(branch__name="星光耀广场项目党支部", ended_on__isnull=True)
        .order_by("applied_on")
        .last()
    )
    log_in(page, demo_server, "xingguang")
    page.goto(f"{demo_server}{candidate.get_absolute_url()}")
    page.get_by_role("link", name="终止发展").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=reason]", "left_site")
    page.fill("textarea[name=note]", "调往外地项目")
    page.locator("button[type=submit]", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").is_visible()
    assert page.locator(".alert-secondary", has_text="离开项目工地").is_visible()
    candidate.refresh_from_db()
    assert (candidate.ended_on, candidate.end_reason) == (localdate(), "left_site")
    page.locator(".breadcrumb").get_by_role("link", name="发展党员").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name=candidate.name).count() == 0
    page.get_by_role("link", name="撤回或终止").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name=candidate.name).is_visible()
    page.screenshot(path=artifacts / "secretary-ended-a-candidacy.png", full_page=True)
    watch.assert_clean()
