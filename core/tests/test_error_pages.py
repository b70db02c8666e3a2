"""Error pages speak the portal's language and lead back home."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_another_branchs_page_is_a_friendly_404(secretary_client, other_branch):
    response = secretary_client.get(reverse("branches:detail", args=[other_branch.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert reverse("home:home") in page
    assert other_branch.name not in page


def test_a_staff_page_refuses_a_secretary_kindly(secretary_client):
    response = secretary_client.get(reverse("branches:coverage"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_an_expired_form_says_what_to_do(secretary):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)
    response = client.post(reverse("activities:create"), {"title": "x"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


def test_the_server_error_page_needs_no_database():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "出错了" in page
