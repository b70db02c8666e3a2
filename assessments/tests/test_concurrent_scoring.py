"""Two people scoring the same branch at once: each keeps the items they scored; the same
item scored by both is refused for the second with the first one's score shown."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StreetStaffFactory
from assessments.models import Cycle, Score
from assessments.tests.factories import leaf, make_cycle, make_version
from core.tests.html import shown_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return make_version()


@pytest.fixture
def cycle(version, branch):
    return make_cycle(version, [branch], status=Cycle.Status.ASSESSING)


@pytest.fixture
def url(cycle, branch):
    return reverse("assessments:score", args=[cycle.pk, branch.pk])


@pytest.fixture
def second_staff_client():
    client = Client()
    client.force_login(StreetStaffFactory(username="staff2"))
    return client


def committee_score(branch, item):
    return Score.objects.get(branch=branch, criterion=item).committee_score


def test_two_people_scoring_different_items_both_keep_their_scores(
    staff_client, second_staff_client, url, version, branch
):
    progress, award = leaf(version, "2-1"), leaf(version, "3-1")
    first_sees = shown_form(staff_client.get(url))
    second_sees = shown_form(second_staff_client.get(url))

    first = staff_client.post(url, {**first_sees, f"score_{progress.pk}": "80"})
    second = second_staff_client.post(url, {**second_sees, f"score_{award.pk}": "5"})

    assert (first.status_code, second.status_code) == (302, 302)
    assert committee_score(branch, progress) == Decimal(80)
    assert committee_score(branch, award) == Decimal(5)


def test_the_same_item_scored_by_both_is_refused_for_the_second(
    staff_client, second_staff_client, url, version, branch
):
    progress = leaf(version, "2-1")
    first_sees = shown_form(staff_client.get(url))
    second_sees = shown_form(second_staff_client.get(url))

    staff_client.post(url, {**first_sees, f"score_{progress.pk}": "80"})
    second = second_staff_client.post(
        url, {**second_sees, f"score_{progress.pk}": "70", f"text_{progress.pk}": "进度滞后"}
    )

    assert second.status_code == 200
    assert committee_score(branch, progress) == Decimal(80)
    form = second.context["form"]
    assert progress.code in str(form.conflict.message)
    [row] = [r for r in form.conflict_rows if r.name == f"score_{progress.pk}"]
    assert (row.theirs, row.yours, row.kept_yours) == ("80.00", "70", True)
    assert shown_form(second)[f"score_{progress.pk}"] == "70"  # the typing is kept
    # Saving again, having seen the other score, is the second person's informed choice.
    assert second_staff_client.post(url, shown_form(second)).status_code == 302
    assert committee_score(branch, progress) == Decimal(70)


def test_the_same_score_given_by_both_is_no_conflict(
    staff_client, second_staff_client, url, version, branch
):
    progress = leaf(version, "2-1")
    first_sees = shown_form(staff_client.get(url))
    second_sees = shown_form(second_staff_client.get(url))
    staff_client.post(url, {**first_sees, f"score_{progress.pk}": "80"})
    second = second_staff_client.post(url, {**second_sees, f"score_{progress.pk}": "80.0"})
    assert second.status_code == 302


def test_leaving_an_item_untouched_never_empties_it(staff_client, url, version, branch):
    progress, award = leaf(version, "2-1"), leaf(version, "3-1")
    staff_client.post(url, {**shown_form(staff_client.get(url)), f"score_{progress.pk}": "80"})
    stale = shown_form(staff_client.get(url))
    Score.objects.filter(criterion=progress).update(committee_note="已核实")
    staff_client.post(url, {**stale, f"score_{award.pk}": "5"})
    score = Score.objects.get(criterion=progress)
    assert (score.committee_score, score.committee_note) == (Decimal(80), "已核实")


def test_secretary_and_committee_score_the_same_item_side_by_side(
    staff_client, secretary_client, url, version, branch
):
    progress = leaf(version, "2-1")
    staff_sees = shown_form(staff_client.get(url))
    secretary_sees = shown_form(secretary_client.get(url))
    secretary_client.post(
        url, {**secretary_sees, f"score_{progress.pk}": "90", f"text_{progress.pk}": "节点照片"}
    )
    assert staff_client.post(url, {**staff_sees, f"score_{progress.pk}": "75"}).status_code == 302
    score = Score.objects.get(criterion=progress)
    assert (score.self_score, score.evidence, score.committee_score) == (
        Decimal(90),
        "节点照片",
        Decimal(75),
    )


def test_a_triggered_veto_is_shown_as_triggered_and_kept(staff_client, url, version, branch):
    veto = leaf(version, "5-1")
    staff_client.post(url, {**shown_form(staff_client.get(url)), f"score_{veto.pk}": "1"})
    assert shown_form(staff_client.get(url))[f"score_{veto.pk}"] == "1"
    progress = leaf(version, "2-1")
    staff_client.post(url, {**shown_form(staff_client.get(url)), f"score_{progress.pk}": "60"})
    assert committee_score(branch, veto) == Decimal(1)
