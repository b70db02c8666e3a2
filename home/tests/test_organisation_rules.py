"""The workbench and the secretary's home show the Party's rules on organisation: terms
expired or ending, branches breaking a set-up rule, projects that should have a branch."""

import datetime

import pytest
from django.urls import reverse

from branches import services
from projects.tests.test_needing_branch import site

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_workbench_lists_terms_flags_and_projects(staff_client, branch):
    project = site(name="甲项目")
    services.term_open(branch=branch, started_on=D(2020, 1, 1), years=3)
    response = staff_client.get(reverse("home:home"))
    organisation = response.context["workbench"]["organisation"]
    assert organisation["projects_needing_branch"] == [project]
    assert [t.branch for t in organisation["terms_due"]] == [branch]
    assert organisation["flagged_branches"] == [branch]  # no member at all
    page = response.content.decode()
    assert 'data-list="terms-due"' in page and branch.name in page


def test_the_secretary_home_shows_the_term_deadline(secretary_client, branch):
    services.term_open(branch=branch, started_on=D(2020, 1, 1), years=3)
    response = secretary_client.get(reverse("home:home"))
    assert response.context["homes"][0]["term"].stage == "expired"
    assert reverse("members:elections", args=[branch.pk]) in response.content.decode()


def test_the_workbench_lists_ten_of_each_and_says_how_many_more():
    """At city scale hundreds of branches may break a set-up rule: the workbench shows ten."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    branches = [
        SimpleNamespace(
            name=f"支部{n:02d}", get_absolute_url=f"/b/{n}/", setup_problems=["少于三名正式党员"]
        )
        for n in range(12)
    ]
    with translation.override("zh-hans"):
        html = render_to_string(
            "home/_organisation_rules.html",
            {"o": {"terms_due": [], "flagged_branches": branches, "projects_needing_branch": []}},
        )
    assert html.count('href="/b/') == 10
    assert "另有 2 个" in html
