import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_create

pytestmark = pytest.mark.django_db


def test_committee_admin_gets_the_admin_site():
    user = user_create(username="c1", password="a-long-pass-42", role=User.Role.COMMITTEE_ADMIN)
    assert user.is_staff
    assert user.check_password("a-long-pass-42")


def test_secretary_does_not_get_the_admin_site():
    user = user_create(username="s1", password=None, role=User.Role.BRANCH_SECRETARY)
    assert not user.is_staff
    assert not user.has_usable_password()


def test_committee_admin_without_admin_access_is_refused():
    user = User(username="c2", role=User.Role.COMMITTEE_ADMIN, is_staff=False)
    with pytest.raises(ValidationError):
        user.full_clean()


def test_unknown_role_is_refused_and_nothing_saved():
    with pytest.raises(ValidationError):
        user_create(username="x", password=None, role="mayor")
    assert not User.objects.filter(username="x").exists()


def test_name_shown_is_the_full_name():
    user = User(username="zhang", full_name="张三")
    assert str(user) == "张三"
    assert User(username="li").get_full_name() == "li"


def test_a_committee_admin_runs_the_admin_without_ticked_permissions(client, committee_admin):
    from django.urls import reverse

    client.force_login(committee_admin)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/django_celery_beat/periodictask/" in index
    assert "/admin/projects/project/" in index
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    page = client.get(reverse("admin:accounts_user_change", args=[committee_admin.pk]))
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields  # shown read-only: only a superuser grants it


def test_other_roles_get_no_admin_permission(db):
    from accounts.tests.factories import StreetStaffFactory, UserFactory

    staff = StreetStaffFactory(is_staff=True)
    secretary = UserFactory()
    for user in (staff, secretary):
        assert not user.has_perm("projects.change_project")
        assert not user.has_module_perms("projects")


def test_a_committee_admin_cannot_touch_a_superuser(client, committee_admin):
    from django.urls import reverse

    boss = User.objects.create_superuser("boss", password="a-long-pass-42")
    client.force_login(committee_admin)
    page = client.get(reverse("admin:accounts_user_change", args=[boss.pk]))
    assert page.context["has_change_permission"] is False  # shown, read-only
    url = reverse("admin:auth_user_password_change", args=[boss.pk])
    response = client.post(url, {"password1": "x-new-pass-99", "password2": "x-new-pass-99"})
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.check_password("a-long-pass-42")
