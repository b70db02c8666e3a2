import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "项目党建工作平台" in response.content.decode()


def test_login_then_home(client, secretary):
    response = client.post(
        reverse("accounts:login"), {"username": "secretary", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")


def test_wrong_password_keeps_the_user_name_and_says_why(client, secretary):
    response = client.post(reverse("accounts:login"), {"username": "secretary", "password": "no"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="secretary"' in page
    assert "用户名或密码不正确" in page


def test_repeated_failures_lock_the_account(client, secretary, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "secretary", "password": "wrong"})
    # Even the right password is refused while locked out.
    response = client.post(url, {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(secretary_client):
    assert secretary_client.get(reverse("accounts:logout")).status_code == 405
    response = secretary_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in secretary_client.session
