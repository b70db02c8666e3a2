"""Registering a consumer in the admin: the token is shown once, only its hash is kept."""

import hashlib

import pytest
from django.urls import reverse

from api.models import Consumer
from api.tests.conftest import register

pytestmark = pytest.mark.django_db


def add(client, **fields):
    data = {
        "name": "区党建平台",
        "contact": "区委组织部",
        "requests_per_minute": 60,
        "expires_at_0": "2099-12-31",
        "expires_at_1": "00:00:00",
        **fields,
    }
    return client.post(reverse("admin:api_consumer_add"), data)


def test_the_token_is_shown_once_and_only_its_hash_kept(client, committee_admin, branch):
    client.force_login(committee_admin)
    response = add(client, branches=[branch.pk])
    assert response.status_code == 200
    token = response.context["token"]
    consumer = Consumer.objects.get()
    assert token in response.content.decode()
    assert consumer.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert consumer.created_by == committee_admin
    assert list(consumer.branches.all()) == [branch]
    change = client.get(reverse("admin:api_consumer_change", args=[consumer.pk]))
    assert token not in change.content.decode()
    assert consumer.token_prefix in change.content.decode()


@pytest.mark.parametrize(
    "scope",
    [{}, {"whole_street": "on", "branches": "BRANCH"}],
    ids=["no scope", "both scopes"],
)
def test_a_consumer_needs_one_scope_and_nothing_is_saved_otherwise(
    client, committee_admin, branch, scope
):
    client.force_login(committee_admin)
    if scope.get("branches") == "BRANCH":
        scope = {**scope, "branches": [branch.pk]}
    response = add(client, **scope)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Consumer.objects.exists()


def test_a_new_token_is_shown_once_and_the_old_stops(client, committee_admin, branch):
    consumer, old = register(branches=[branch])
    client.force_login(committee_admin)
    response = client.post(
        reverse("admin:api_consumer_changelist"),
        {"action": "new_token", "_selected_action": [consumer.pk]},
    )
    token = response.context["token"]
    assert token != old
    consumer.refresh_from_db()
    assert consumer.token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_revoking_in_the_admin(client, committee_admin, branch):
    consumer, _token = register(branches=[branch])
    client.force_login(committee_admin)
    client.post(
        reverse("admin:api_consumer_changelist"),
        {"action": "revoke", "_selected_action": [consumer.pk]},
    )
    consumer.refresh_from_db()
    assert consumer.revoked_at is not None
    assert not consumer.is_usable


def test_a_secretary_cannot_register_consumers(client, secretary):
    client.force_login(secretary)
    response = client.get(reverse("admin:api_consumer_add"))
    assert response.status_code in (302, 403)
    assert not Consumer.objects.exists()
