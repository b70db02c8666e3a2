"""A list a page at a time: 50 rows, the total, links that keep the filters."""

import pytest
from django.urls import reverse

from members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_member_list_shows_fifty_a_page_with_the_total_and_keeps_the_filters(staff_client):
    MemberFactory.create_batch(51)
    url = reverse("members:list") + "?q="
    first = staff_client.get(url)
    assert len(first.context["page"].object_list) == 50
    page = first.content.decode()
    assert "共 51 条" in page
    assert "?q=&amp;page=2" in page
    second = staff_client.get(url + "&page=2")
    assert len(second.context["page"].object_list) == 1
    assert staff_client.get(url + "&page=99").context["page"].number == 2


# Keyset pages: the activity list (a million rows) ------------------------------------------------


def _walk(client, url, which):
    """Follow the "next" (or "previous") links from `url` to the end; the rows of each page."""
    pages = []
    while True:
        response = client.get(url)
        page = response.context["page"]
        pages.append([log.pk for log in page.object_list])
        if not (page.has_next() if which == "next" else page.has_previous()):
            return pages, page
        query = "&".join(f"{key}={value}" for key, value in page.link(which).items())
        url = f"{reverse('activities:list')}?status=submitted&{query}"


def test_the_activity_list_pages_by_key_through_ties_both_ways(staff_client, branch):
    import datetime

    from activities.models import ActivityLog
    from activities.tests.factories import ActivityLogFactory

    for n in range(120):  # three dates only: the key's tiebreaker (the id) decides
        ActivityLogFactory(branch=branch, held_on=datetime.date(2026, 3, 1 + n % 3))
    ActivityLogFactory(branch=branch, status="draft", submitted_at=None)  # filtered out
    expected = list(
        ActivityLog.objects.filter(status="submitted")
        .order_by("-held_on", "-pk")
        .values_list("pk", flat=True)
    )
    forward, last = _walk(staff_client, reverse("activities:list") + "?status=submitted", "next")
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [50, 50, 20]
    assert last.number == 3 and last.paginator.count == 120
    # From the last page (asked for as "last") back to the first by the "previous" links.
    backward, first = _walk(
        staff_client, reverse("activities:list") + "?status=submitted&page=last", "previous"
    )
    assert backward == list(reversed(forward)) and first.number == 1
    # The links keep the filter and carry the key of the last row shown.
    html = staff_client.get(reverse("activities:list") + "?status=submitted").content.decode()
    fiftieth = ActivityLog.objects.get(pk=expected[49])
    assert f"?status=submitted&amp;page=2&amp;after={fiftieth.held_on}~{fiftieth.pk}" in html


def test_a_broken_or_typed_position_gives_a_page_not_an_error(staff_client, branch):
    from activities.tests.factories import ActivityLogFactory

    ActivityLogFactory.create_batch(60, branch=branch)
    url = reverse("activities:list")
    assert staff_client.get(url + "?after=garbage").context["page"].number == 1
    assert staff_client.get(url + "?after=2026-99-01~1").status_code == 200
    typed = staff_client.get(url + "?page=2").context["page"]  # a number typed by hand
    assert typed.number == 2 and len(typed.object_list) == 10
    # A link past the end (its rows deleted since) shows the last page, one before the start
    # the first.
    past = staff_client.get(url + "?page=3&after=1999-01-01~1").context["page"]
    assert past.number == 2 and len(past.object_list) == 10
    before = staff_client.get(url + "?page=1&before=2999-01-01~1").context["page"]
    assert before.number == 1 and len(before.object_list) == 50 and before.has_next()


def test_a_large_total_is_counted_once_a_minute_a_small_one_every_time(monkeypatch):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import pagination
    from members.models import Member

    monkeypatch.setattr(pagination, "LARGE_COUNT", 3)
    cache.clear()
    MemberFactory.create_batch(2)
    small = Member.objects.filter(name__isnull=False)
    assert pagination.count_rows(small) == 2
    MemberFactory.create_batch(2)
    assert pagination.count_rows(small) == 4  # small: counted again, exact
    with CaptureQueriesContext(connection) as queries:
        MemberFactory.create_batch(1)
        assert pagination.count_rows(small) == 4  # large: kept for a minute
    assert not any("COUNT" in q["sql"] for q in queries.captured_queries)
    first_two = Member.objects.order_by("pk").values("pk")[:2]
    assert pagination.count_rows(small.filter(pk__in=first_two)) == 2  # another filter: its own
    cache.clear()
    assert pagination.count_rows(small) == 5


def test_the_member_list_pages_by_name_through_equal_names_and_odd_characters(staff_client):
    from urllib.parse import urlencode

    from members.models import Member

    for n in range(55):
        MemberFactory(name=["王~芳", "李 强&", "张伟"][n % 3])
    expected = list(Member.objects.order_by("name", "pk").values_list("pk", flat=True))
    url = reverse("members:list")
    first = staff_client.get(url).context["page"]
    second = staff_client.get(f"{url}?{urlencode(first.link('next'))}").context["page"]
    assert [m.pk for m in first.object_list] + [m.pk for m in second.object_list] == expected
    back = staff_client.get(f"{url}?{urlencode(second.link('previous'))}").context["page"]
    assert list(back.object_list) == list(first.object_list)


def test_the_coordination_ledger_pages_keep_its_computed_order(staff_client):
    import datetime

    from django.contrib.auth import get_user_model

    from projects.selectors import coordination_items_for_user
    from projects.tests.factories import CoordinationItemFactory

    for n in range(60):  # some overdue (open, due in the past), some not
        due = datetime.date(2020, 1, 1) + datetime.timedelta(days=n * 97)
        CoordinationItemFactory(raised_on=due, due_on=due)
    staff = get_user_model().objects.get(username="staff")
    expected = [item.pk for item in coordination_items_for_user(user=staff)]
    url = reverse("projects:coordination")
    shown = [item.pk for item in staff_client.get(url).context["page"].object_list]
    shown += [item.pk for item in staff_client.get(url + "?page=2").context["page"].object_list]
    assert shown == expected


def test_the_page_links_also_take_a_plain_django_page(rf):
    from django.core.paginator import Paginator
    from django.template import RequestContext, Template

    request = rf.get("/", {"q": "x", "page": "2"})
    page = Paginator(range(120), 50).get_page(2)
    html = Template('{% load portal %}{% page_query page "next" %}').render(
        RequestContext(request, {"page": page})
    )
    assert html == "?q=x&amp;page=3"
