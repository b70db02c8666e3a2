import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from activities.tests.factories import ActivityLogFactory
from api.models import Call
from api.tests.conftest import bearer, fill_branch, register
from api.urls import router
from assessments.tests.factories import make_version
from branches.tests.factories import BranchFactory

BASENAMES = [basename for _prefix, _viewset, basename in router.registry]


def test_the_router_lists_every_endpoint_the_issue_asks_for():
    assert set(BASENAMES) == {
        "project", "branch", "party-group", "seat", "member", "participation", "transfer",
        "activity", "compliance", "campaign", "suggestion", "cycle", "result",
    }  # fmt: skip


def ids(response) -> set[int]:
    key = "branch" if "compliance" in response.request["PATH_INFO"] else "id"
    return {row[key] for row in response.json()["results"]}


@pytest.mark.parametrize("basename", BASENAMES)
def test_a_consumer_of_one_branch_gets_nothing_of_another(client, world, branch_token, basename):
    ours, theirs = world
    headers = bearer(branch_token)
    listed = client.get(reverse(f"api:{basename}-list"), {"year": 2026}, **headers)
    assert listed.status_code == 200
    assert ours[basename].pk in ids(listed)
    assert theirs[basename].pk not in ids(listed)
    # Asking for the other branch by filter gives an empty list, not its rows.
    filtered = client.get(
        reverse(f"api:{basename}-list"), {"branch": theirs["branch"].pk, "year": 2026}, **headers
    )
    assert filtered.status_code == 200
    assert filtered.json()["results"] == []
    own = client.get(reverse(f"api:{basename}-detail", args=[ours[basename].pk]), **headers)
    assert own.status_code == 200
    other = client.get(reverse(f"api:{basename}-detail", args=[theirs[basename].pk]), **headers)
    assert other.status_code == 404


@pytest.mark.parametrize("basename", BASENAMES)
def test_a_consumer_of_the_whole_street_sees_every_branch(client, world, street_token, basename):
    ours, theirs = world
    listed = client.get(reverse(f"api:{basename}-list"), {"year": 2026}, **bearer(street_token))
    assert {ours[basename].pk, theirs[basename].pk} <= ids(listed)


def test_campaigns_and_cycles_name_only_the_branches_in_scope(client, world, branch_token):
    ours, theirs = world
    theirs["campaign"].branches.add(ours["branch"])
    response = client.get(
        reverse("api:campaign-detail", args=[theirs["campaign"].pk]), **bearer(branch_token)
    )
    assert response.json()["branches"] == [ours["branch"].pk]


def test_members_are_masked(client, world, branch_token):
    ours, _theirs = world
    member = ours["member"]
    data = client.get(reverse("api:member-detail", args=[member.pk]), **bearer(branch_token)).json()
    assert data["id_number"] == member.masked_id_number != member.id_number
    assert data["phone"] == member.masked_phone != member.phone
    assert "birth_date" not in data


def test_activities_count_attendance(client, world, branch_token):
    ours, _theirs = world
    data = client.get(
        reverse("api:activity-detail", args=[ours["activity"].pk]), **bearer(branch_token)
    ).json()
    assert (data["present"], data["absent"], data["on_leave"]) == (1, 0, 0)


def test_drafts_are_not_published(client, world, branch_token):
    ours, _theirs = world
    draft = ActivityLogFactory(branch=ours["branch"], status="draft", submitted_at=None)
    response = client.get(reverse("api:activity-detail", args=[draft.pk]), **bearer(branch_token))
    assert response.status_code == 404


def test_compliance_has_twelve_months(client, world, branch_token):
    ours, _theirs = world
    data = client.get(
        reverse("api:compliance-detail", args=[ours["branch"].pk]),
        {"year": 2026},
        **bearer(branch_token),
    ).json()
    assert [month["month"] for month in data["months"]] == list(range(1, 13))
    assert data["branch"] == ours["branch"].pk


def test_a_bad_year_is_a_400(client, world, branch_token):
    response = client.get(reverse("api:compliance-list"), {"year": "1"}, **bearer(branch_token))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "header",
    ["", "Bearer nonsense", "Bearer", "Token abc"],
)
def test_no_or_unknown_token_is_401(client, world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(reverse("api:branch-list"), **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401(client, world):
    _consumer, token = register(whole_street=True, expires_at=timezone.now())
    assert client.get(reverse("api:branch-list"), **bearer(token)).status_code == 401


def test_a_revoked_token_is_401(client, world):
    from api.services import consumer_revoke

    consumer, token = register(whole_street=True)
    assert client.get(reverse("api:branch-list"), **bearer(token)).status_code == 200
    consumer_revoke(consumer=consumer)
    assert client.get(reverse("api:branch-list"), **bearer(token)).status_code == 401


def test_a_new_token_replaces_the_old(client, world):
    from api.services import consumer_rekey

    consumer, old = register(whole_street=True)
    new = consumer_rekey(consumer=consumer)
    assert client.get(reverse("api:branch-list"), **bearer(old)).status_code == 401
    assert client.get(reverse("api:branch-list"), **bearer(new)).status_code == 200


def test_only_the_hash_of_the_token_is_kept(world):
    consumer, token = register(whole_street=True)
    consumer.refresh_from_db()
    assert token not in (consumer.token_hash, consumer.token_prefix)
    assert token.startswith(consumer.token_prefix)
    assert len(consumer.token_hash) == 64


def test_each_consumer_is_rate_limited_on_its_own(client, world):
    _slow, slow_token = register(whole_street=True, requests_per_minute=3)
    _other, other_token = register(whole_street=True)
    url = reverse("api:branch-list")
    assert [client.get(url, **bearer(slow_token)).status_code for _ in range(4)] == [
        200, 200, 200, 429,
    ]  # fmt: skip
    assert client.get(url, **bearer(other_token)).status_code == 200


def test_the_rate_limit_holds_on_every_host_and_reopens_after_a_minute(client, world):
    """Counted from the recorded calls, not a host's memory: another host (here, the cache
    emptied) refuses the same consumer; refused calls are not counted, and a minute later the
    consumer is let in again."""
    consumer, token = register(whole_street=True, requests_per_minute=2)
    url = reverse("api:branch-list")
    assert [client.get(url, **bearer(token)).status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()
    refused = client.get(url, **bearer(token))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Call.objects.filter(consumer=consumer, status=429).count() == 2
    Call.objects.filter(consumer=consumer).update(
        called_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    assert client.get(url, **bearer(token)).status_code == 200


def test_every_call_is_recorded_with_its_rows(client, world, branch_token):
    ours, _theirs = world
    client.get(reverse("api:activity-list"), **bearer(branch_token))
    client.get(reverse("api:activity-detail", args=[ours["activity"].pk]), **bearer(branch_token))
    client.get(reverse("api:activity-detail", args=[999999]), **bearer(branch_token))
    calls = list(Call.objects.order_by("pk").values_list("endpoint", "status", "rows"))
    assert calls == [
        ("/api/v1/activities/", 200, 1),
        (f"/api/v1/activities/{ours['activity'].pk}/", 200, 1),
        ("/api/v1/activities/999999/", 404, 0),
    ]
    assert {call.consumer.name for call in Call.objects.all()} == {"区党建平台"}


def test_updated_since_gives_the_changes_only(client, world, branch_token):
    ours, _theirs = world
    url = reverse("api:activity-list")
    later = ActivityLogFactory(branch=ours["branch"], title="后来的党课")
    mark = later.updated_at
    rows = client.get(url, {"updated_since": mark.isoformat()}, **bearer(branch_token)).json()
    assert [row["title"] for row in rows["results"]] == ["后来的党课"]
    # Editing the older row brings it back into the changes.
    old = ours["activity"]
    old.title = "改过的支委会"
    old.save()
    rows = client.get(url, {"updated_since": mark.isoformat()}, **bearer(branch_token)).json()
    assert [row["title"] for row in rows["results"]] == ["后来的党课", "改过的支委会"]


def test_lists_filter_by_date(client, world, street_token):
    url = reverse("api:activity-list")
    rows = client.get(url, {"date_from": "2026-03-11"}, **bearer(street_token)).json()
    assert rows["results"] == []
    rows = client.get(
        url, {"date_from": "2026-03-10", "date_to": "2026-03-10"}, **bearer(street_token)
    ).json()
    assert len(rows["results"]) == 2


def test_the_cursor_walks_every_row_once(client, world, branch_token):
    ours, _theirs = world
    for n in range(6):
        ActivityLogFactory(branch=ours["branch"], title=f"党课{n}")
    seen, url, params = [], reverse("api:activity-list"), {"page_size": 2}
    while url:
        page = client.get(url, params, **bearer(branch_token)).json()
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url, params = page["next"], {}
    assert len(seen) == len(set(seen)) == 7
    assert "page=" not in str(seen)


def test_the_workbench_is_for_whole_street_consumers(client, world, branch_token, street_token):
    url = reverse("api:workbench")
    assert client.get(url, **bearer(branch_token)).status_code == 403
    data = client.get(url, **bearer(street_token)).json()
    assert data["members"]["total"] == 2
    assert data["activities"]["branch_count"] == 2


def test_a_list_page_costs_the_same_queries_however_many_rows(
    db, client, django_assert_max_num_queries
):
    """Every endpoint, with 5 branches' rows and then with 50 (one build for all of them)."""
    version = make_version()
    branches = [BranchFactory() for _ in range(5)]
    for n, branch in enumerate(branches):
        fill_branch(branch, version=version, tag=f"少{n}")
    _consumer, token = register(branches=branches)
    few = {}
    for basename in BASENAMES:
        with django_assert_max_num_queries(12) as counted:
            response = client.get(reverse(f"api:{basename}-list"), {"year": 2026}, **bearer(token))
            assert len(response.json()["results"]) >= 5, basename
        few[basename] = len(counted.captured_queries)
    more = [BranchFactory() for _ in range(45)]
    for n, branch in enumerate(more):
        fill_branch(branch, version=version, tag=f"多{n}")
    _consumer, token = register(branches=branches + more)
    for basename in BASENAMES:
        with django_assert_max_num_queries(few[basename]):
            response = client.get(reverse(f"api:{basename}-list"), {"year": 2026}, **bearer(token))
            assert len(response.json()["results"]) >= 50, basename


def test_the_api_is_not_a_page_of_the_portal(client, world, secretary):
    # A log-in to the portal opens no endpoint: only a consumer's token does.
    client.force_login(secretary)
    assert client.get(reverse("api:branch-list")).status_code == 401


def test_the_schema_is_for_consumers_and_staff(
    client, world, branch_token, street_staff, secretary
):
    url = reverse("api:schema")
    assert client.get(url).status_code in (401, 403)
    assert client.get(url, **bearer(branch_token)).status_code == 200
    client.force_login(secretary)
    assert client.get(url).status_code == 403
    client.force_login(street_staff)
    assert client.get(url).status_code == 200
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_the_docs_are_refused_to_a_secretary(client, world, secretary):
    client.force_login(secretary)
    assert client.get(reverse("api:docs")).status_code == 403


def test_calls_are_pruned_after_the_access_logs_retention(world):
    from api.services import prune_calls

    consumer, _token = register(whole_street=True)
    now = timezone.now()
    old = Call.objects.create(consumer=consumer, endpoint="/api/v1/branches/", status=200, rows=1)
    Call.objects.filter(pk=old.pk).update(called_at=now - datetime.timedelta(days=200))
    recent = Call.objects.create(consumer=consumer, endpoint="/api/v1/seats/", status=200, rows=1)
    assert prune_calls(now=now) == 1
    assert list(Call.objects.all()) == [recent]


def test_the_workbench_figures_are_kept_as_the_workbenchs(client, world, street_token, settings):
    settings.PORTAL_WORKBENCH_CACHE_SECONDS = 60
    url = reverse("api:workbench")
    first = client.get(url, **bearer(street_token)).json()
    BranchFactory()
    again = client.get(url, **bearer(street_token)).json()
    assert again == first
    settings.PORTAL_WORKBENCH_CACHE_SECONDS = 0
    fresh = client.get(url, **bearer(street_token)).json()
    assert fresh["computed_at"] != first["computed_at"]
