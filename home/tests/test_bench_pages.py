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
