"""Recruiting pages: a secretary sees only their branch's candidates (404 otherwise), the
application form keeps what was typed and saves nothing when refused, the next step's form
records a step or says why not, the ledgers as xlsx, and the lists at a constant cost."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches.tests.factories import BranchFactory
from members import recruitment
from members.models import Candidate, CandidateStep, Member
from members.tests.factories import MemberFactory, ParticipationFactory, make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date
Kind = CandidateStep.Kind
APPLIED = D(2025, 3, 1)


def candidate_of(branch, n=1, applied=APPLIED) -> Candidate:
    return recruitment.candidate_apply(
        candidate=Candidate(
            name=f"申请人{n}",
            id_number=make_id_number(n, D(1995, 1, 1) + datetime.timedelta(days=n)),
            phone="13912345678",
            employer_kind=Member.EmployerKind.OTHER,
            employer_name="龙信集团",
            job="木工",
        ),
        branch=branch,
        applied_on=applied,
    )


def test_a_secretary_sees_only_their_branchs_candidates(
    branch, other_branch, secretary_client, outsider_client
):
    candidate = candidate_of(branch)
    urls = [
        reverse("members:candidate_detail", args=[candidate.pk]),
        reverse("members:candidate_xlsx", args=[candidate.pk]),
        reverse("members:recruiting", args=[branch.pk]),
        reverse("members:recruiting_xlsx", args=[branch.pk]),
        reverse("members:candidate_create", args=[branch.pk]),
    ]
    for url in urls:
        assert secretary_client.get(url).status_code == 200, url
        assert outsider_client.get(url).status_code == 404, url
    response = outsider_client.post(urls[0], {"kind": Kind.TALK, "happened_on": "2025-03-10"})
    assert response.status_code == 404
    assert not candidate.steps.filter(kind=Kind.TALK).exists()
    street = outsider_client.get(reverse("members:recruiting_street"))
    assert [b.pk for b in street.context["page"].object_list] == [other_branch.pk]


def test_an_application_through_the_form(branch, secretary_client):
    url = reverse("members:candidate_create", args=[branch.pk])
    data = {
        "name": "周小兵",
        "id_number": make_id_number(7, D(2009, 5, 1)),
        "phone": "13912345678",
        "employer_kind": "other",
        "employer_name": "南通一建",
        "job": "电工",
        "applied_on": "2026-04-30",
    }
    response = secretary_client.post(url, data)
    assert response.status_code == 200  # 16 on that day: refused, everything kept
    assert "18" in str(response.context["form"].errors["applied_on"])
    assert response.context["form"]["job"].value() == "电工"
    assert not Candidate.objects.exists()
    data["id_number"] = make_id_number(7, D(2000, 5, 1))
    response = secretary_client.post(url, data)
    candidate = Candidate.objects.get()
    assert response.url == candidate.get_absolute_url()
    assert (candidate.birth_date, candidate.gender) == (D(2000, 5, 1), "M")
    assert candidate.steps.get().kind == Kind.APPLICATION


def test_the_application_form_says_every_problem_at_once(branch, secretary_client):
    url = reverse("members:candidate_create", args=[branch.pk])
    data = {"name": "周小兵", "id_number": "123", "phone": "12", "employer_kind": "other",
            "applied_on": "2099-01-01"}  # fmt: skip
    errors = secretary_client.post(url, data).context["form"].errors
    assert {"id_number", "phone", "applied_on"} <= set(errors)
    assert errors["applied_on"] == ["该日期晚于今天。"]
    # A valid number under 18 on the day, with a bad phone: both said in the same answer.
    data.update(id_number=make_id_number(7, D(2009, 5, 1)), applied_on="2026-04-30")
    errors = secretary_client.post(url, data).context["form"].errors
    assert {"phone", "applied_on"} <= set(errors) and "18" in str(errors["applied_on"])
    assert not Candidate.objects.exists()


def test_the_due_list_has_the_rows_the_workbench_counts_and_only_those_the_user_sees(
    branch, other_branch, secretary_client, staff_client
):
    today = timezone.localdate()
    ours = candidate_of(branch)  # applied long ago, no talk: overdue
    theirs = candidate_of(other_branch, n=2)
    fresh = recruitment.candidate_apply(
        candidate=Candidate(name="新申请人", id_number=make_id_number(9, D(1995, 1, 1)),
                            phone="13900000009", employer_kind="other", employer_name="南通一建"),
        branch=branch, applied_on=today - datetime.timedelta(days=10),
    )  # fmt: skip  # the talk due within the month
    url = reverse("members:recruiting_due")
    counts = recruitment.deadline_counts(candidates=Candidate.objects.all(), today=today)
    overdue = staff_client.get(url).context["page"]
    assert {c.pk for c in overdue.object_list} == {ours.pk, theirs.pk}
    assert overdue.paginator.count == counts.overdue
    month = staff_client.get(url, {"when": "month"}).context["page"]
    assert [c.pk for c in month.object_list] == [fresh.pk]
    assert month.paginator.count == counts.due
    mine = secretary_client.get(url).context["page"].object_list
    assert [c.pk for c in mine] == [ours.pk]  # the other branch's candidate is not listed
    home = staff_client.get(reverse("home:home")).content.decode()
    assert f"{url}?when=overdue" in home and f"{url}?when=month" in home


def test_the_next_step_form_records_a_step_or_says_why_not(branch, secretary_client):
    candidate = candidate_of(branch)
    url = candidate.get_absolute_url()
    page = secretary_client.get(url)
    offered = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert offered == [Kind.TALK, Kind.RECOMMENDATION]
    response = secretary_client.post(
        url, {"kind": Kind.TALK, "happened_on": "2025-02-28", "done_by": "支部书记"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["happened_on"]
    assert errors == ["该日期早于“收到入党申请书”（2025年3月1日）。"]
    response = secretary_client.post(
        url, {"kind": Kind.TALK, "happened_on": "2025-03-12", "done_by": "支部书记"}
    )
    assert response.status_code == 302
    talk = candidate.steps.get(kind=Kind.TALK)
    assert (talk.done_by, talk.actor.username) == ("支部书记", "secretary")


def test_the_pipeline_shows_what_is_due_next(branch, secretary_client):
    candidate_of(branch, applied=D(2025, 1, 31))
    page = secretary_client.get(reverse("members:recruiting", args=[branch.pk]))
    row = page.context["page"].object_list[0]
    assert row.next.on == D(2025, 2, 28) and row.next.overdue


def test_the_ledgers_as_xlsx(branch, secretary_client):
    candidate = candidate_of(branch)
    voter = ParticipationFactory(
        branch=branch, joined_on=D(2020, 1, 1), member=MemberFactory(name="联系人")
    ).member
    recruitment.step_record(candidate=candidate, kind=Kind.TALK, happened_on=D(2025, 3, 5))
    recruitment.step_record(
        candidate=candidate, kind=Kind.RECOMMENDATION, happened_on=D(2025, 3, 6)
    )
    recruitment.step_record(candidate=candidate, kind=Kind.ACTIVIST, happened_on=D(2025, 3, 9))
    recruitment.step_record(
        candidate=candidate, kind=Kind.CONTACT, happened_on=D(2025, 3, 9), person=voter
    )
    ledger = secretary_client.get(reverse("members:recruiting_xlsx", args=[branch.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(ledger.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("姓名", "性别", "出生日期")
    assert rows[1][0] == "申请人1" and rows[1][7] == "入党积极分子"
    assert "*" in rows[1][3]  # the ID number masked
    file = secretary_client.get(reverse("members:candidate_xlsx", args=[candidate.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(file.streaming_content))).active
    rows = list(sheet.values)
    assert len(rows) == 1 + 5
    assert rows[-1][2] == "联系人"
    recruitment.candidacy_end(
        candidate=candidate, ended_on=D(2025, 4, 2), reason="left_site", note="调往外地项目"
    )
    ledger = secretary_client.get(reverse("members:recruiting_xlsx", args=[branch.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(ledger.streaming_content))).active.values)
    assert rows[1][-2:] == ("已终止发展：离开项目工地", datetime.datetime(2025, 4, 2))
    file = secretary_client.get(reverse("members:candidate_xlsx", args=[candidate.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(file.streaming_content))).active.values)
    assert rows[-1][1:] == ("终止发展：离开项目工地", None, None, None, "调往外地项目", None)


def test_a_secretarys_pipeline_and_street_page_cost_the_same_queries_as_they_grow(
    branch, secretary_client
):
    for n in range(3):
        candidate_of(branch, n=n)
    recruitment.candidacy_end(
        candidate=candidate_of(branch, n=90), ended_on=D(2025, 3, 2), reason="withdrew"
    )
    urls = [
        reverse("members:recruiting", args=[branch.pk]),
        reverse("members:recruiting", args=[branch.pk]) + "?stage=ended",
        reverse("members:recruiting_street"),
    ]
    for url in urls:
        secretary_client.get(url)
    with CaptureQueriesContext(connection) as small:
        for url in urls:
            secretary_client.get(url)
    for n in range(3, 30):
        candidate = candidate_of(branch, n=n)
        recruitment.step_record(candidate=candidate, kind=Kind.TALK, happened_on=D(2025, 3, 5))
        if n % 3 == 0:
            recruitment.candidacy_end(
                candidate=candidate, ended_on=D(2025, 3, 6), reason="left_site"
            )
    with CaptureQueriesContext(connection) as large:
        for url in urls:
            secretary_client.get(url)
    assert len(large) == len(small)


def test_the_meetings_decision_opened_from_the_candidate_names_them(branch, secretary_client):
    candidate = candidate_of(branch)
    url = reverse("members:decision_create", args=[branch.pk])
    form = secretary_client.get(url, {"candidate": candidate.pk}).context["form"]
    assert form.initial["subject_name"] == "申请人1" and form.initial["kind"] == "admission"
    other = candidate_of(BranchFactory(), n=2)
    assert secretary_client.get(url, {"candidate": other.pk}).status_code == 404


def test_a_secretary_ends_a_candidacy_from_its_page_and_finds_it_under_ended(
    branch, secretary_client, outsider_client
):
    candidate = candidate_of(branch)
    other = candidate_of(branch, n=2)
    page = secretary_client.get(candidate.get_absolute_url())
    url = reverse("members:candidate_end", args=[candidate.pk])
    assert url in page.content.decode()
    assert outsider_client.get(url).status_code == 404
    response = outsider_client.post(url, {"ended_on": "2025-04-01", "reason": "withdrew"})
    assert response.status_code == 404
    # Final, so chosen: no reason is preselected, and saving without one ends nothing.
    assert secretary_client.get(url).context["form"]["reason"].value() in (None, "")
    response = secretary_client.post(url, {"ended_on": "2025-04-01"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = secretary_client.post(url, {"ended_on": "2025-02-01", "reason": "withdrew"})
    assert response.status_code == 200  # before the application: said, nothing saved
    assert response.context["form"].errors["ended_on"]
    assert response.context["form"]["reason"].value() == "withdrew"
    candidate.refresh_from_db()
    assert candidate.ended_on is None
    response = secretary_client.post(
        url, {"ended_on": "2025-04-01", "reason": "withdrew", "note": "本人撤回申请"}
    )
    assert response.url == candidate.get_absolute_url()
    candidate.refresh_from_db()
    assert (candidate.ended_on, candidate.end_note) == (D(2025, 4, 1), "本人撤回申请")
    page = secretary_client.get(candidate.get_absolute_url())
    assert page.context["form"] is None and not page.context["can_end"]
    assert "本人撤回申请" in page.content.decode()
    pipeline = reverse("members:recruiting", args=[branch.pk])
    assert list(secretary_client.get(pipeline).context["page"].object_list) == [other]
    ended = secretary_client.get(pipeline, {"stage": "ended"})
    assert list(ended.context["page"].object_list) == [candidate]
    assert ended.context["ended_count"] == 1
    # Steps are refused once ended.
    response = secretary_client.post(
        candidate.get_absolute_url(), {"kind": Kind.TALK, "happened_on": "2025-03-10"}
    )
    assert response.status_code == 403
