"""The charts read on a phone: no two labels of a chart overlap at 390 px, nor on a desktop."""

import pytest
from django.core.management import call_command

from accounts.demo import STAFF_USERNAMES
from tests.browser.conftest import give_second_factor, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every pair of the chart's visible texts whose boxes intersect (by more than a pixel each way).
OVERLAPS = """(selector) => {
  const boxes = [...document.querySelectorAll(selector + ' svg text')]
    .filter((t) => t.textContent.trim() && getComputedStyle(t).display !== 'none'
      && t.getAttribute('opacity') !== '0')
    .map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }))
    .filter((b) => b.r.width > 0 && b.r.height > 0);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) { hits.push([boxes[i].text, boxes[j].text]); }
    }
  }
  return { count: boxes.length, hits: hits };
}"""


@pytest.fixture
def demo_server(live_server):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for username in STAFF_USERNAMES:
        give_second_factor(username)
    return live_server.url


def test_workbench_chart_labels_do_not_overlap_on_a_phone_or_a_desktop(
    demo_server, watched_page, artifacts
):
    page, watch = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_server, "jiedao")
    page.wait_for_selector("#activity-chart svg text")
    page.wait_for_timeout(300)  # the chart's first layout
    phone = page.evaluate(OVERLAPS, "#activity-chart")
    page.locator("#activity-chart").screenshot(path=artifacts / "workbench-chart-390.png")
    assert phone["count"] > 5, phone  # the chart has its labels
    assert phone["hits"] == [], phone["hits"]
    # Turned into a desktop, the chart lays its labels out again.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(500)
    desktop = page.evaluate(OVERLAPS, "#activity-chart")
    page.locator("#activity-chart").screenshot(path=artifacts / "workbench-chart-1280.png")
    assert desktop["hits"] == [], desktop["hits"]
    assert page.locator("#activity-chart svg text", has_text="星光耀广场").count() >= 1
    watch.assert_clean()
