"""A user's page in the admin: their seats (branch posts) are seen and changed there, and the
permission pickers read in Chinese."""

import datetime

import pytest
from django.urls import reverse
from lxml import html

from accounts.models import User
from branches.models import Seat
from branches.tests.factories import BranchFactory, SeatFactory

pytestmark = pytest.mark.django_db


def form_data(page: str) -> dict:
    """What the browser would send for the page's main form, as it stands."""
    document = html.fromstring(page)
    form = document.xpath("//form[@id='user_form']")[0]
    data: dict = {}
    for field in form.xpath(".//input[@name] | .//select[@name] | .//textarea[@name]"):
        name, kind = field.get("name"), field.get("type")
        if kind in ("submit", "button", "file") or "__prefix__" in name:
            continue
        if kind == "checkbox":
            if field.get("checked") is not None:
                data[name] = field.get("value") or "on"
        elif field.tag == "select":
            chosen = [o.get("value") for o in field.xpath(".//option[@selected]")]
            if field.get("multiple") is not None:
                data[name] = chosen
            elif chosen:
                data[name] = chosen[0]
        elif field.tag == "textarea":
            data[name] = field.text or ""
        else:
            data[name] = field.get("value") or ""
    return data


@pytest.fixture
def admin_client(client, committee_admin):
    client.force_login(committee_admin)
    return client


def test_a_secretarys_seats_are_on_their_page(admin_client, secretary, branch):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[secretary.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "所任职务（支部职务）" in text
    assert branch.name in text
    assert page.context["inline_admin_formsets"][0].formset.queryset.get().branch == branch


def test_a_seat_is_ended_and_another_given_on_the_users_page(admin_client, secretary, branch):
    other = BranchFactory()
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    data = form_data(admin_client.get(url).content.decode())
    data["seats-0-ended_on"] = "2026-06-30"
    data["seats-TOTAL_FORMS"] = "2"
    data.update(
        {
            "seats-1-branch": str(other.pk),
            "seats-1-kind": Seat.Kind.DEPUTY_SECRETARY,
            "seats-1-origin": Seat.Origin.COMMUNITY_PARTY_HEAD,
            "seats-1-holder_name": "",  # left empty: the user's name
            "seats-1-started_on": "2026-07-01",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    seats = {seat.branch: seat for seat in secretary.seats.all()}
    assert seats[branch].ended_on == datetime.date(2026, 6, 30)
    assert seats[other].holder_name == secretary.full_name
    assert seats[other].kind == Seat.Kind.DEPUTY_SECRETARY


def test_a_second_secretary_of_a_branch_is_refused_and_nothing_is_saved(
    admin_client, secretary, branch
):
    newcomer = User.objects.create_user("newcomer", full_name="新书记", password="x-long-pass-42")
    url = reverse("admin:accounts_user_change", args=[newcomer.pk])
    data = form_data(admin_client.get(url).content.decode())
    data["full_name"] = "改过的名字"
    data["seats-TOTAL_FORMS"] = "1"
    data.update(
        {
            "seats-0-branch": str(branch.pk),
            "seats-0-kind": Seat.Kind.SECRETARY,
            "seats-0-origin": Seat.Origin.LINKED_LEADER,
            "seats-0-holder_name": "新书记",
            "seats-0-started_on": "2026-07-01",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "该支部已有书记" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.full_name == "新书记"
    assert not newcomer.seats.exists()
    assert branch.seats.filter(kind=Seat.Kind.SECRETARY, ended_on__isnull=True).count() == 1


def test_a_seat_needs_a_holder_when_the_user_has_no_name(admin_client, branch):
    nameless = User.objects.create_user("nameless", password="x-long-pass-42")
    url = reverse("admin:accounts_user_change", args=[nameless.pk])
    data = form_data(admin_client.get(url).content.decode())
    data["seats-TOTAL_FORMS"] = "1"
    data.update(
        {
            "seats-0-branch": str(branch.pk),
            "seats-0-kind": Seat.Kind.COMMITTEE_MEMBER,
            "seats-0-origin": Seat.Origin.LINKED_LEADER,
            "seats-0-started_on": "2026-07-01",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "请填写任职人姓名" in response.content.decode()
    assert not nameless.seats.exists()


def test_permissions_are_named_in_chinese(admin_client, secretary):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[secretary.pk]))
    text = page.content.decode()
    assert "党员 | 可以添加党员" in text
    assert "可以查看党员（历史版本）" in text
    assert "Can add" not in text
    assert "historical" not in text
    group_page = admin_client.get(reverse("admin:auth_group_add")).content.decode()
    assert "可以修改项目党支部" in group_page


def test_the_users_page_queries_stay_flat_with_more_seats(
    admin_client, secretary, django_assert_max_num_queries
):
    url = reverse("admin:accounts_user_change", args=[secretary.pk])
    admin_client.get(url)
    for _ in range(5):
        SeatFactory(
            user=secretary, holder_name=secretary.full_name, kind=Seat.Kind.DEPUTY_SECRETARY
        )
    with django_assert_max_num_queries(60):
        admin_client.get(url)
