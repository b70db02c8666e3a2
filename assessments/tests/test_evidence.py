"""Self-scoring evidence points at what the portal already holds: the branch's activity logs,
suggestions and rules of the cycle's period, with an optional PDF or DOCX document."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Rule, Suggestion
from activities.tests.factories import ActivityLogFactory
from assessments import services
from assessments.models import Cycle, Score
from assessments.tests.factories import leaf, make_cycle, make_version

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def version():
    return make_version()


@pytest.fixture
def cycle(version, branch, other_branch):
    return make_cycle(version, [branch, other_branch], status=Cycle.Status.ASSESSING)


def suggestion(branch, on=None, content="钢筋加工棚移位，缩短运输距离") -> Suggestion:
    return Suggestion.objects.create(
        project=branch.project,
        branch=branch,
        author="张工",
        content=content,
        submitted_on=on or D(2026, 4, 2),
    )


def rule(branch, on=None) -> Rule:
    return Rule.objects.create(
        branch=branch,
        owner="branch",
        kind="operating",
        title="支部工作制度",
        effective_on=on or D(2025, 12, 1),
    )


def evidence_url(cycle, branch, item):
    return reverse("assessments:score_evidence", args=[cycle.pk, branch.pk, item.pk])


def test_the_choices_are_the_branchs_records_of_the_period(
    secretary_client, cycle, version, branch, other_branch
):
    mine = ActivityLogFactory(branch=branch, title="三月支委会", held_on=D(2026, 3, 10))
    ActivityLogFactory(branch=branch, title="去年支委会", held_on=D(2025, 12, 10))
    ActivityLogFactory(branch=branch, title="草稿支委会", status="draft", submitted_at=None)
    ActivityLogFactory(branch=other_branch, title="别的支部支委会")
    suggestion(branch)
    suggestion(other_branch, content="别的支部的建议")
    rule(branch)
    rule(branch, on=D(2026, 9, 1))  # after the period: not yet in force (its date is its label)
    page = secretary_client.get(evidence_url(cycle, branch, leaf(version, "1-1"))).content.decode()
    assert "三月支委会" in page and str(mine.pk) in page
    for absent in ("去年支委会", "草稿支委会", "别的支部", "2026年9月1日"):
        assert absent not in page, absent
    assert "钢筋加工棚移位" in page and "支部工作制度" in page


def test_a_secretary_points_a_score_at_records_and_a_document(
    secretary_client, staff_client, cycle, version, branch
):
    item = leaf(version, "1-1")
    log = ActivityLogFactory(branch=branch, title="三月支委会")
    idea, regulation = suggestion(branch), rule(branch)
    response = secretary_client.post(
        evidence_url(cycle, branch, item),
        {
            "activities": [log.pk],
            "suggestions": [idea.pk],
            "rules": [regulation.pk],
            "document": SimpleUploadedFile("批复.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    score = Score.objects.get(cycle=cycle, branch=branch, criterion=item)
    assert list(score.evidence_activities.all()) == [log]
    assert list(score.evidence_suggestions.all()) == [idea]
    assert list(score.evidence_rules.all()) == [regulation]
    assert score.evidence_file_type == "pdf"
    # Shown as links on the scoring page, to the secretary and to the committee …
    for client in (secretary_client, staff_client):
        page = client.get(reverse("assessments:score", args=[cycle.pk, branch.pk]))
        html = page.content.decode()
        assert f'href="/activities/{log.pk}/"' in html
        assert f'href="/activities/suggestions/{idea.pk}/"' in html
        assert "支部工作制度" in html
        document = reverse(
            "assessments:score_evidence_document", args=[cycle.pk, branch.pk, item.pk]
        )
        assert document in html
    download = secretary_client.get(document)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    # … and behind the results page.
    results = staff_client.get(reverse("assessments:cycle_results", args=[cycle.pk]))
    evidence_page = reverse("assessments:evidence", args=[cycle.pk, branch.pk])
    assert evidence_page in results.content.decode()
    assert "4 项" in results.content.decode()
    assert f'href="/activities/{log.pk}/"' in staff_client.get(evidence_page).content.decode()


def test_records_of_another_branch_or_outside_the_period_are_refused(cycle, version, branch):
    item = leaf(version, "1-1")
    foreign = ActivityLogFactory(title="别的支部")
    old = ActivityLogFactory(branch=branch, held_on=D(2025, 11, 1))
    for activities in ([foreign], [old]):
        with pytest.raises(ValidationError) as error:
            services.score_evidence_save(
                cycle=cycle,
                branch=branch,
                criterion=item,
                activities=activities,
                suggestions=[],
                rules=[],
                actor=None,
            )
        assert "activities" in error.value.message_dict
    assert not Score.objects.exists()


def test_a_forged_choice_is_refused_on_the_form(secretary_client, cycle, version, other_branch):
    foreign = ActivityLogFactory(branch=other_branch)
    item = leaf(version, "1-1")
    response = secretary_client.post(
        evidence_url(cycle, other_branch.__class__.objects.exclude(pk=other_branch.pk).get(), item),
        {"activities": [foreign.pk]},
    )
    assert response.status_code == 200
    assert "activities" in response.context["form"].errors
    assert not Score.objects.exists()


def test_a_file_that_is_not_a_document_is_explained_and_nothing_saved(
    secretary_client, cycle, version, branch
):
    log = ActivityLogFactory(branch=branch)
    response = secretary_client.post(
        evidence_url(cycle, branch, leaf(version, "1-1")),
        {
            "activities": [log.pk],
            "document": SimpleUploadedFile(
                "照片.pdf", b"GIF89a fake", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert "不是 PDF 或 DOCX 文件" in str(response.context["form"].errors["document"])
    assert not Score.objects.exists()


def test_another_branchs_evidence_is_out_of_reach(
    secretary_client, outsider_client, cycle, version, branch
):
    item = leaf(version, "1-1")
    services.score_evidence_save(
        cycle=cycle,
        branch=branch,
        criterion=item,
        activities=[ActivityLogFactory(branch=branch)],
        suggestions=[],
        rules=[],
        document=SimpleUploadedFile("a.pdf", PDF),
        actor=None,
    )
    for url in (
        evidence_url(cycle, branch, item),
        reverse("assessments:score_evidence_document", args=[cycle.pk, branch.pk, item.pk]),
        reverse("assessments:evidence", args=[cycle.pk, branch.pk]),
    ):
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(evidence_url(cycle, branch, item), {}).status_code == 404


def test_street_staff_read_the_evidence_but_do_not_change_it(staff_client, cycle, version, branch):
    url = evidence_url(cycle, branch, leaf(version, "1-1"))
    page = staff_client.get(url)
    assert page.status_code == 200 and "<form" not in page.content.decode().split("<main")[1]
    assert staff_client.post(url, {}).status_code == 403


def test_after_publication_the_evidence_is_closed(secretary_client, version, branch):
    cycle = make_cycle(version, [branch], name="已发布", status=Cycle.Status.PUBLISHED)
    url = evidence_url(cycle, branch, leaf(version, "1-1"))
    assert secretary_client.post(url, {}).status_code == 403


def test_the_scoring_page_costs_the_same_queries_with_more_evidence(
    secretary_client, cycle, version, branch
):
    url = reverse("assessments:score", args=[cycle.pk, branch.pk])

    def point(code, n):
        services.score_evidence_save(
            cycle=cycle,
            branch=branch,
            criterion=leaf(version, code),
            activities=[ActivityLogFactory(branch=branch) for _ in range(n)],
            suggestions=[suggestion(branch) for _ in range(n)],
            rules=[rule(branch) for _ in range(n)],
            actor=None,
        )

    point("1-1", 1)
    with CaptureQueriesContext(connection) as small:
        assert secretary_client.get(url).status_code == 200
    point("2-1", 10)
    point("3-1", 10)
    with CaptureQueriesContext(connection) as large:
        assert secretary_client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_results_page_costs_the_same_queries_with_more_branches(staff_client, version):
    from branches.tests.factories import BranchFactory

    def results_queries(n):
        branches = [BranchFactory() for _ in range(n)]
        cycle = make_cycle(version, branches, name=f"周期{n}", status=Cycle.Status.ASSESSING)
        for b in branches:
            services.scores_save(
                cycle=cycle,
                branch=b,
                values={leaf(version, "1-1").pk: (Decimal(50), "")},
                actor=None,
                as_committee=True,
            )
            services.score_evidence_save(
                cycle=cycle,
                branch=b,
                criterion=leaf(version, "1-1"),
                activities=[ActivityLogFactory(branch=b)],
                suggestions=[],
                rules=[],
                actor=None,
            )
        with CaptureQueriesContext(connection) as counted:
            staff_client.get(reverse("assessments:cycle_results", args=[cycle.pk]))
        return len(counted)

    assert results_queries(2) == results_queries(8)


def test_a_replaced_document_is_removed_from_storage(
    cycle, version, branch, django_capture_on_commit_callbacks
):
    item = leaf(version, "1-1")

    def save(**extra):
        with django_capture_on_commit_callbacks(execute=True):
            return services.score_evidence_save(
                cycle=cycle,
                branch=branch,
                criterion=item,
                activities=[],
                suggestions=[],
                rules=[],
                actor=None,
                **extra,
            )

    first = save(document=SimpleUploadedFile("a.pdf", PDF)).evidence_file.name
    storage = Score._meta.get_field("evidence_file").storage
    assert storage.exists(first)
    second = save(document=SimpleUploadedFile("b.pdf", PDF)).evidence_file.name
    assert not storage.exists(first) and storage.exists(second)
    score = save(remove_document=True)
    assert not score.evidence_file and not storage.exists(second)
