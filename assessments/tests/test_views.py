import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments import services
from assessments.models import Cycle, Score
from assessments.tests.factories import leaf, make_cycle, make_version

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def version():
    return make_version()


@pytest.fixture
def cycle(version, branch, other_branch):
    return make_cycle(version, [branch, other_branch], status=Cycle.Status.ASSESSING)


def test_secretary_self_scores_own_branch_with_evidence(secretary_client, cycle, version, branch):
    item = leaf(version, "1-1")
    response = secretary_client.post(
        reverse("assessments:score", args=[cycle.pk, branch.pk]),
        {f"score_{item.pk}": "55", f"text_{item.pk}": "支部成立批复"},
    )
    assert response.status_code == 302
    score = Score.objects.get(branch=branch, criterion=item)
    assert (score.self_score, score.evidence, score.committee_score) == (
        Decimal(55),
        "支部成立批复",
        None,
    )


@pytest.mark.parametrize("who", ["secretary", "staff"])
def test_a_computed_item_shows_its_score_read_only_and_asks_nothing(
    who, secretary_client, staff_client, cycle, version, branch
):
    """1-2 is computed (coordination items on time; none due, so its full 40): shown as text
    marked as computed, with no box to type in, for the self-assessment and the committee."""
    client = secretary_client if who == "secretary" else staff_client
    computed, manual = leaf(version, "1-2"), leaf(version, "1-1")
    response = client.get(reverse("assessments:score", args=[cycle.pk, branch.pk]))
    assert f"score_{computed.pk}" not in response.context["form"].fields
    page = response.content.decode()
    assert f'name="score_{computed.pk}"' not in page
    row = page.split(f'name="text_{computed.pk}"')[0].rsplit("<tr>", 1)[1]
    assert "<strong>40.00</strong>" in row and "自动计算，无需填写" in row
    # Every box has a label of its own: the item and what is asked for.
    assert (
        f'<label class="visually-hidden" for="id_score_{manual.pk}">1-1 组织建设 · 得分</label>'
        in page
    )
    assert f'for="id_text_{computed.pk}">1-2 组织生活 · ' in page


def test_a_score_posted_for_a_computed_item_is_not_taken(secretary_client, cycle, version, branch):
    computed, manual = leaf(version, "1-2"), leaf(version, "1-1")
    response = secretary_client.post(
        reverse("assessments:score", args=[cycle.pk, branch.pk]),
        {
            f"score_{computed.pk}": "12",
            f"text_{computed.pk}": "协调台账",
            f"score_{manual.pk}": "50",
        },
    )
    assert response.status_code == 302
    scores = {s.criterion_id: s for s in Score.objects.filter(branch=branch)}
    assert (scores[computed.pk].self_score, scores[computed.pk].evidence) == (None, "协调台账")
    assert scores[manual.pk].self_score == Decimal(50)


def test_secretary_cannot_score_another_branch(secretary_client, cycle, other_branch):
    url = reverse("assessments:score", args=[cycle.pk, other_branch.pk])
    assert secretary_client.get(url).status_code == 404


def test_a_score_above_the_maximum_is_explained(staff_client, cycle, version, branch):
    item = leaf(version, "2-1")
    response = staff_client.post(
        reverse("assessments:score", args=[cycle.pk, branch.pk]), {f"score_{item.pk}": "120"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Score.objects.exists()


def test_results_before_publication_are_for_staff_only(
    secretary_client, staff_client, cycle, branch, other_branch
):
    results = reverse("assessments:cycle_results", args=[cycle.pk])
    preview = staff_client.get(results).context["page"]
    assert {row["branch"] for row in preview} == {branch, other_branch}
    assert secretary_client.get(results).status_code == 403
    response = secretary_client.get(cycle.get_absolute_url())
    assert results not in response.content.decode()
    assert [b.pk for b in response.context["page"]] == [branch.pk]
    assert (
        secretary_client.get(reverse("assessments:cycle_export", args=[cycle.pk])).status_code
        == 403
    )


def test_publish_then_everyone_in_the_cycle_sees_the_ranking(
    staff_client, secretary_client, cycle, version, branch, other_branch
):
    url = reverse("assessments:cycle_publish", args=[cycle.pk])
    staff_client.post(url)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ASSESSING  # unscored: refused, with the reason shown
    for b in (branch, other_branch):
        services.scores_save(
            cycle=cycle,
            branch=b,
            values={
                leaf(version, "1-1").pk: (Decimal(50), ""),
                leaf(version, "2-1").pk: (Decimal(80), ""),
            },
            actor=None,
            as_committee=True,
        )
    staff_client.post(url)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PUBLISHED
    assert reverse("assessments:cycle_results", args=[cycle.pk]) in (
        secretary_client.get(cycle.get_absolute_url()).content.decode()
    )
    response = secretary_client.get(reverse("assessments:cycle_results", args=[cycle.pk]))
    assert len(response.context["page"]) == 2
    assert 'id="results-data"' in response.content.decode()
    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                secretary_client.get(
                    reverse("assessments:cycle_export", args=[cycle.pk])
                ).streaming_content
            )
        )
    )
    rows = list(workbook["考核结果"].iter_rows(values_only=True))
    assert rows[0][:3] == ("考核周期", "名次", "支部") and len(rows) == 3


def test_a_secretary_marks_own_task_done_not_others(secretary_client, cycle, branch, other_branch):
    from assessments.models import DeploymentTask

    own = DeploymentTask.objects.create(
        cycle=cycle, branch=branch, side="party", title="计划", due_on=D(2026, 1, 31)
    )
    other = DeploymentTask.objects.create(
        cycle=cycle, branch=other_branch, side="party", title="计划", due_on=D(2026, 1, 31)
    )
    assert (
        secretary_client.get(reverse("assessments:task_done", args=[other.pk])).status_code == 404
    )
    response = secretary_client.post(
        reverse("assessments:task_done", args=[own.pk]), {"on": "2026-01-20"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.done_on == D(2026, 1, 20)


def test_secretary_cannot_deploy_or_publish(secretary_client, cycle):
    assert secretary_client.get(reverse("assessments:cycle_create")).status_code == 403
    assert (
        secretary_client.post(reverse("assessments:cycle_publish", args=[cycle.pk])).status_code
        == 403
    )
    assert (
        secretary_client.get(reverse("assessments:task_create", args=[cycle.pk])).status_code == 403
    )


def test_deadlines_out_of_order_on_the_form(staff_client, version, branch):
    response = staff_client.post(
        reverse("assessments:cycle_create"),
        {
            "version": version.pk,
            "name": "2026年下半年",
            "starts_on": "2026-07-01",
            "ends_on": "2026-12-31",
            "deploy_due": "2026-08-31",
            "inspect_due": "2026-07-31",
            "assess_due": "2027-01-15",
            "branches": [branch.pk],
        },
    )
    assert response.status_code == 200
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    "url_name", ["assessments:list", "assessments:versions", "assessments:reminders"]
)
def test_assessment_lists_cost_the_same_queries_as_rows_grow(staff_client, url_name, branch):
    def grow(n, start):
        for i in range(n):
            make_cycle(make_version(name=f"v{start + i}"), [branch], name=f"c{start + i}")

    grow(2, 0)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(reverse(url_name)).status_code == 200
    grow(18, 2)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(reverse(url_name)).status_code == 200
    assert len(large) == len(small)


def test_project_page_shows_the_third_synchronisation(staff_client, cycle, branch):
    page = staff_client.get(branch.project.get_absolute_url()).content.decode()
    assert cycle.name in page and "同步落实" in page


def test_staff_build_a_draft_version_and_weights_must_make_100(staff_client, secretary_client):
    url = reverse("assessments:version_create")
    assert secretary_client.get(url).status_code == 403
    data = {
        "name": "2027年度考核细则",
        "year": "2027",
        "party_weight": "60",
        "construction_weight": "30",
        "excellent_from": "90",
        "good_from": "80",
        "pass_from": "60",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "100" in response.content.decode()
    response = staff_client.post(url, data | {"construction_weight": "40"})
    assert response.status_code == 302
    from assessments.models import RuleVersion

    version = RuleVersion.objects.get(name="2027年度考核细则")
    response = staff_client.post(
        reverse("assessments:criterion_create", args=[version.pk]),
        {
            "code": "1",
            "title": "党建工作",
            "category": "party",
            "max_score": "100",
            "method": "manual",
            "order": "0",
        },
    )
    assert response.status_code == 302 and version.criteria.count() == 1


def test_a_frozen_version_cannot_be_edited_in_the_portal(staff_client, version):
    assert (
        staff_client.get(reverse("assessments:version_edit", args=[version.pk])).status_code == 403
    )
    assert (
        staff_client.get(reverse("assessments:criterion_create", args=[version.pk])).status_code
        == 403
    )


def test_scoring_progress_counts_the_items_scored_by_hand(
    staff_client, street_staff, cycle, version, branch
):
    """Of make_version's leaves only 1-1 and 2-1 are scored by hand: 1-2 is computed, and the
    bonus and veto items count as nothing unless scored. A bonus scored is no progress."""
    services.scores_save(
        cycle=cycle,
        branch=branch,
        values={
            leaf(version, "1-1").pk: (Decimal(50), ""),
            leaf(version, "3-1").pk: (Decimal(8), ""),
        },
        actor=street_staff,
        as_committee=True,
    )
    response = staff_client.get(reverse("assessments:cycle_detail", args=[cycle.pk]))
    assert response.context["leaf_count"] == 2
    progress = {row.pk: row.committee_scored for row in response.context["page"]}
    assert progress[branch.pk] == 1
