"""The page benchmark's own server parts: the baseline page and the query count exist only under
the benchmark's settings."""

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

BENCH = override_settings(
    ROOT_URLCONF="config.urls_bench",
    MIDDLEWARE=["config.bench.QueryCountMiddleware", *settings.MIDDLEWARE],
)


@BENCH
def test_the_baseline_is_a_plain_fifty_row_table_for_a_logged_in_user(staff_client):
    response = staff_client.get("/__bench__/baseline")
    assert response.status_code == 200
    assert response.content.count(b"<tr><td>") == 50
    assert b"<nav" not in response.content  # no base layout


@BENCH
def test_every_response_says_how_many_queries_it_ran(staff_client):
    baseline = staff_client.get("/__bench__/baseline")
    members = staff_client.get("/members/")
    assert int(baseline["X-Queries"]) >= 1  # the session and the user
    assert int(members["X-Queries"]) > int(baseline["X-Queries"])


def test_the_portal_itself_has_no_baseline_page_nor_query_header(staff_client):
    response = staff_client.get("/__bench__/baseline")
    assert response.status_code == 404
    assert "X-Queries" not in staff_client.get("/members/")


@BENCH
def test_bench_render_counts_each_pages_calls_against_the_baseline(street_staff, secretary):
    import io
    import re

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "bench_render",
        staff=street_staff.username,
        secretary=secretary.username,
        requests=1,
        only="reminders",
        stdout=out,
    )
    rows = re.findall(
        r"^\| (staff|secretary) \| (\S+) \| ([\d,]+) \| ([\d.]+) \|", out.getvalue(), re.M
    )
    pages = {(role, page) for role, page, _calls, _ratio in rows}
    assert pages == {
        ("staff", "reminders"),
        ("staff", "*baseline*"),
        ("secretary", "reminders"),
        ("secretary", "*baseline*"),
    }
    for _role, page, calls, ratio in rows:
        assert int(calls.replace(",", "")) > 1000
        if page == "*baseline*":
            assert ratio == "1.0"


def test_bench_render_needs_the_bench_settings():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"config\.settings\.bench"):
        call_command("bench_render")
