"""A committee admin registers a platform as an API consumer for one branch, copies the token
from the page that shows it once, and the platform's call with it returns that branch's
activities (and none of another branch's). The API's description opens for staff, from this
server alone."""

import json
import urllib.error
import urllib.request

import pytest

from accounts.tests.factories import PASSWORD, CommitteeAdminFactory
from activities.tests.factories import ActivityLogFactory
from api.models import Consumer
from branches.tests.factories import BranchFactory
from tests.browser.conftest import enter_second_factor, give_second_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_committee_admin_registers_a_consumer_and_its_token_reads_the_branch(
    live_server, watched_page, artifacts
):
    page, watch = watched_page
    CommitteeAdminFactory(username="committee")
    give_second_factor("committee")
    ours = BranchFactory(name="星光耀广场项目党支部")
    theirs = BranchFactory(name="汇金国际广场项目党支部")
    ActivityLogFactory(branch=ours, title="工棚小党课")
    ActivityLogFactory(branch=theirs, title="别的支部的支委会")

    page.goto(live_server.url + "/admin/")
    page.fill("input[name=username]", "committee")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    enter_second_factor(page, "committee")

    page.goto(live_server.url + "/admin/api/consumer/add/")
    page.fill("input[name=name]", "崇川区智慧党建平台")
    page.fill("input[name=expires_at_0]", "2099-12-31")
    page.fill("input[name=expires_at_1]", "00:00:00")
    # The branches are chosen by searching (a street may have thousands).
    page.click(".field-branches .select2-selection")
    page.fill(".select2-search__field", "星光耀")
    page.click(".select2-results__option:has-text('星光耀广场项目党支部')")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=artifacts / "api-consumer-token.png", full_page=True)

    token = page.locator("#api-token").input_value()
    consumer = Consumer.objects.get(name="崇川区智慧党建平台")
    assert token.startswith(consumer.token_prefix) and token != consumer.token_hash
    assert list(consumer.branches.all()) == [ours]

    status, data = call(live_server.url + "/api/v1/activities/", token)
    assert status == 200
    assert [row["title"] for row in data["results"]] == ["工棚小党课"]
    assert {row["branch"] for row in data["results"]} == {ours.pk}

    # Shown once: the consumer's page shows the token's first characters, never the token.
    page.goto(f"{live_server.url}/admin/api/consumer/{consumer.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert token not in page.content()
    assert consumer.token_prefix in page.content()

    # The browsable description, for staff, with no file from outside the server.
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "项目党建工作平台数据接口" in page.locator(".swagger-ui .info .title").inner_text()
    page.screenshot(path=artifacts / "api-docs.png", full_page=True)
    watch.assert_clean()
