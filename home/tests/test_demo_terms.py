"""The demo's committee terms and its election: deterministic, placed relative to the day of
the load."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from branches.models import Term
from branches.selectors import terms_due
from home.tests.test_demo import demo  # noqa: F401 - the module's demo fixture
from members import elections
from members.models import Election

pytestmark = pytest.mark.usefixtures("demo")


def test_one_branch_term_ends_within_six_months(db):
    today = timezone.localdate()
    term = Term.objects.get()
    assert term.branch.name == "汇金国际广场项目党支部"
    assert term.ends_on == today + relativedelta(months=4)
    staff = User.objects.get(username="jiedao")
    assert [(t.branch, t.stage) for t in terms_due(user=staff)] == [(term.branch, "6m")]


def test_one_valid_election_awaiting_appointment(db):
    election = Election.objects.get()
    assert election.branch.name == "星光耀广场项目党支部"
    assert election.held_on == timezone.localdate() - datetime.timedelta(days=21)
    assert election.present_count == election.entitled_count - 1
    assert elections.election_quorum(election).valid
    outcome = [o.status for o in elections.election_outcome(election)]
    assert outcome == ["elected"] * 5 + ["not_elected"]
    assert election.appointed_on is None
