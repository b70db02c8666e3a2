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
