"""Two people on the same draft in real browsers: an unsent edit restored on the device stays
based on the revision it was typed on, so saving it shows what the other person saved
instead of overwriting it."""

import pytest
from django.core.management import call_command

from activities import services
from activities.models import ActivityLog
from activities.tests.factories import kind
from branches.models import Branch
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return live_server.url


def test_a_restored_draft_edit_meets_the_change_saved_meanwhile(
    demo_server, watched_page, artifacts
):
    branch = Branch.objects.get(name="汇金国际广场项目党支部")
    log = services.activity_log_create(
        log=ActivityLog(
            branch=branch, kind=kind("committee-meeting"), title="12月支委会", held_on="2026-01-05"
        ),
        attendance={},
        actor=None,
    )
    page, watch = watched_page
    log_in(page, demo_server, "huijin")
    edit = f"{demo_server}/activities/{log.pk}/edit/"
    page.goto(edit)
    page.fill("input[name=place]", "工地党建阵地")
    # The connection drops before the secretary sends it; meanwhile street staff save a change.
    log.refresh_from_db()
    log.content = "街道补充：传达区委会议精神"
    services.activity_log_update(log=log, attendance={}, actor=None)

    page.goto(edit)  # later: the unsent form is offered back from the device
    assert page.locator("[data-draft-notice]").is_visible()
    assert page.input_value("input[name=place]") == "工地党建阵地"
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")

    conflict = page.locator("[data-edit-conflict]")
    assert conflict.is_visible()
    assert "街道补充：传达区委会议精神" in conflict.inner_text()
    assert page.input_value("input[name=place]") == "工地党建阵地"
    assert page.input_value("textarea[name=content]") == "街道补充：传达区委会议精神"
    page.screenshot(path=artifacts / "edit-conflict-zh-hans.png", full_page=True)
    log.refresh_from_db()
    assert (log.place, log.content) == ("", "街道补充：传达区委会议精神")

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")
    log.refresh_from_db()
    assert (log.place, log.content) == ("工地党建阵地", "街道补充：传达区委会议精神")
    watch.assert_clean()
