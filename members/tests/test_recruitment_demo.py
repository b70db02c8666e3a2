"""The demo's recruiting: each pilot branch has workers at different stages, placed relative to
the day the demo is loaded, the same for the same day; the 105 members stay 105."""

import datetime

import pytest

from home import demo
from members import recruitment
from members.models import Candidate, Member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [datetime.date(2026, 3, 1), datetime.date(2026, 11, 15)])
def test_each_pilot_branch_recruits_at_different_stages(today):
    demo.load(today=today)
    assert Member.objects.count() == 105
    stages = {}
    for candidate in Candidate.objects.select_related("branch"):
        stages.setdefault(candidate.branch.name, []).append(candidate.stage)
    assert len(stages) == 5
    for name, found in stages.items():
        assert {"applicant", "activist", "development"} <= set(found), name
    waiting = Candidate.objects.get(meeting_on__isnull=False)
    assert waiting.meeting_on == today - datetime.timedelta(days=85)
    # Its approval is due within the week: it is among the reminders' deadlines.
    events = {
        (d.candidate.pk, d.event)
        for d in recruitment.deadlines(horizon=today + datetime.timedelta(days=7))
    }
    assert (waiting.pk, "approval_due") in events
    ended = Candidate.objects.get(ended_on__isnull=False)
    assert (ended.end_reason, ended.ended_on) == ("left_site", today - datetime.timedelta(days=150))
    assert ended.steps.count() == 3  # application, talk, recommendation: kept
    names = sorted(Candidate.objects.values_list("name", "applied_on"))
    Candidate.objects.all().delete()  # steps cascade; the decision stays
    demo.load(today=today)
    assert sorted(Candidate.objects.values_list("name", "applied_on")) == names
