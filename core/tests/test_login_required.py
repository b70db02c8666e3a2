"""Every page needs a log-in: walk every URL pattern as an anonymous visitor."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# Reachable without logging in, on purpose.
# The calendar feed opens with the secret token in its address alone (a calendar app cannot
# log in): home/tests/test_calendar.py proves it answers 404 without a valid one.
# /metrics answers only to the operators' bearer token (home/tests/test_metrics.py): 404 to all
# others, logged in or not.
PUBLIC = {
    "accounts:login", "healthz", "set_language", "favicon", "home:calendar_feed", "metrics",
}  # fmt: skip

SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _route_to_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if not isinstance(entry.pattern, RoutePattern):
                continue
            ns = entry.namespace or namespace
            full_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, "/" + _route_to_path(prefix + str(entry.pattern))


def portal_urls():
    return [(name, path) for name, path in walk(get_resolver()) if not path.startswith("/admin/")]


def private_urls():
    return [
        (name, path)
        for name, path in portal_urls()
        if name not in PUBLIC and name not in TOKEN_ONLY
    ]


# The read API answers to a consumer's token, not to the portal's log-in: without one, 401 with
# the scheme to use (its browsable description, api:docs, is a page like the others).
TOKEN_ONLY = {"api:workbench", "api:schema"}


def test_the_walk_finds_the_portal_pages():
    names = {name for name, _ in portal_urls()}
    assert {"home:home", "projects:list", "projects:detail", "branches:list"} <= names
    assert names >= PUBLIC


@pytest.mark.parametrize(("name", "path"), private_urls())
def test_anonymous_visitor_is_sent_to_login(client, name, path):
    response = client.get(path)
    assert response.status_code == 302, path
    assert response["Location"].startswith(reverse("accounts:login") + "?next="), path


@pytest.mark.parametrize("name", sorted(TOKEN_ONLY))
def test_the_api_answers_an_anonymous_caller_401_with_its_scheme(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/projects/project/"])
def test_admin_sends_anonymous_visitor_to_its_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(("/admin/login/", reverse("accounts:login") + "?next=/admin/"))


def test_public_pages_answer_without_login(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
