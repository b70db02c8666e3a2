"""Every list of the portal paginates (core/pagination.py): 50 rows a page, the total shown, the
same number of queries whatever the number of rows. LISTS names every page that lists rows, with
how to grow its rows; the URL conf is walked so that a new page is either in LISTS or said, with
its reason, not to be a list, and a page said not to be a list fails when it hands its template
an unbounded list of rows."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.db.models.base import Model
from django.test.utils import CaptureQueriesContext, ContextList
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_filters import FilterSet

from activities.models import Brand, Campaign, CampaignItem, Rule, Suggestion
from activities.tests.factories import ActivityLogFactory
from api.urls import router as api_router
from assessments.models import Notification, RuleVersion
from assessments.tests.factories import leaf, make_cycle, make_delivery, make_version
from branches.models import Archive
from branches.tests.factories import BranchFactory, PartyGroupFactory, SeatFactory
from core.pagination import PER_PAGE, KeysetPage, ListPage
from members import elections, recruitment
from members.models import Candidate, DuesBase, DuesPayment, Member, Transfer, TransferLetter
from members.tests.factories import ParticipationFactory, make_id_number
from projects.models import ProjectStage, Stage
from projects.tests.factories import (
    CoordinationItemFactory,
    EnterpriseFactory,
    ProjectEnterpriseFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
serial = itertools.count()


# How each list grows by n rows; each returns the URL of the list. `world` holds the fixtures.


def grow_members(world, n):
    for _ in range(n):
        ParticipationFactory(branch=world.branch)
    return reverse("members:list")


def grow_transfers(world, n):
    for _ in range(n):
        branch = BranchFactory()
        member = ParticipationFactory(
            branch=branch, member__relation_state=Member.RelationState.IN_POCKET
        ).member
        Transfer.objects.create(member=member, to_branch=branch, requested_on=D(2026, 1, 5))
        _letter_out(branch)
    return reverse("members:transfers")


def _letter_out(branch):
    """A letter out of the branch, past its validity and its receipt overdue."""
    member = ParticipationFactory(
        branch=branch, member__relation_state=Member.RelationState.IN_BRANCH
    ).member
    TransferLetter.objects.create(
        member=member, branch=branch, direction="out", number=f"转字{next(serial)}",
        issued_on=D(2026, 1, 5), from_organisation=branch.name, to_organisation="某党委",
        dues_paid_to=D(2026, 1, 1), valid_until=D(2026, 3, 5), receipt_due_on=D(2026, 2, 5),
    )  # fmt: skip


def grow_branch_moves(world, n):
    for _ in range(n):
        _letter_out(world.branch)
        ParticipationFactory(
            branch=world.branch, joined_on=D(2025, 1, 2), member__is_floating=True,
            member__floating_from="河南省周口市",
        )  # fmt: skip
    return reverse("members:branch_moves", args=[world.branch.pk])


def _paying_member(branch):
    member = ParticipationFactory(
        branch=branch, member__relation_state=Member.RelationState.IN_BRANCH
    ).member
    DuesBase.objects.create(
        member=member, category="salaried", pay=Decimal("4000"), effective_from=D(2026, 1, 1)
    )
    DuesPayment.objects.create(
        member=member, branch=branch, month=timezone.localdate().replace(day=1),
        amount=Decimal("40"), paid_on=timezone.localdate(),
    )  # fmt: skip
    return member


def grow_dues_summary(world, n):
    for _ in range(n):
        _paying_member(BranchFactory())
    return reverse("members:dues")


def grow_dues_ledger(world, n):
    for _ in range(n):
        _paying_member(world.branch)
    return reverse("members:dues_branch", args=[world.branch.pk])


def grow_activities(world, n):
    for _ in range(n):
        log = ActivityLogFactory(branch=world.branch, held_on=D(2026, 3, 1 + next(serial) % 28))
        log.attendance.create(member=world.member, status="present")
    return reverse("activities:list")


def grow_campaigns(world, n):
    for _ in range(n):
        campaign = Campaign.objects.create(
            name=f"主题活动{next(serial)}", starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30)
        )
        campaign.branches.add(world.branch, BranchFactory())
    return reverse("activities:campaigns")


def grow_campaign_branches(world, n):
    campaign = world.campaign
    for _ in range(n):
        branch = BranchFactory()
        campaign.branches.add(branch)
        ActivityLogFactory(branch=branch, campaign_item=world.campaign_item)
    return reverse("activities:campaign_detail", args=[campaign.pk])


def grow_brands(world, n):
    for _ in range(n):
        brand = Brand.objects.create(
            branch=BranchFactory(), name=f"品牌{next(serial)}", pillar_1="甲", pillar_2="乙",
            pillar_3="丙",
        )  # fmt: skip
        brand.evidence.add(ActivityLogFactory(branch=brand.branch))
    return reverse("activities:brands")


def grow_rules(world, n):
    for _ in range(n):
        Rule.objects.create(
            branch=BranchFactory(), owner="branch", kind="operating", title="支部工作制度",
            effective_on=D(2025, 4, 1),
        )  # fmt: skip
    return reverse("activities:rules")


def grow_suggestions(world, n):
    for _ in range(n):
        branch = BranchFactory()
        Suggestion.objects.create(
            project=branch.project, branch=branch, author="张三", content="建议",
            submitted_on=D(2026, 2, 1),
        )  # fmt: skip
    return reverse("activities:suggestions")


def grow_projects(world, n):
    for _ in range(n):
        project = BranchFactory().project
        ProjectEnterpriseFactory(project=project)
        CoordinationItemFactory(project=project)
    return reverse("projects:list")


def grow_coordination(world, n):
    for _ in range(n):
        branch = BranchFactory()
        CoordinationItemFactory(project=branch.project, branch=branch)
    return reverse("projects:coordination")


def grow_enterprises(world, n):
    for _ in range(n):
        ProjectEnterpriseFactory(enterprise=EnterpriseFactory())
    return reverse("projects:enterprises")


def grow_lead_times(world, n):
    for _ in range(n):
        project = ProjectFactory()
        for stage, on in (
            (Stage.APPROVAL, D(2025, 1, 1)),
            (Stage.CONSTRUCTION_START, D(2025, 3, 1)),
        ):
            ProjectStage.objects.create(
                project=project, stage=stage, sequence=list(Stage).index(stage), actual_on=on
            )
    return reverse("projects:lead_times")


def grow_branches(world, n):
    for _ in range(n):
        branch = BranchFactory()
        SeatFactory(branch=branch)
        PartyGroupFactory(branch=branch)
    return reverse("branches:list")


def grow_uncovered_projects(world, n):
    for _ in range(n):
        ProjectFactory()
    return reverse("branches:coverage")


def grow_archives(world, n):
    for _ in range(n):
        Archive.objects.create(branch=world.branch, status="done", size=1)
    return reverse("branches:detail", args=[world.branch.pk])


def grow_cycles(world, n):
    version = world.version
    for _ in range(n):
        make_cycle(version, [BranchFactory(), world.branch], name=f"第{next(serial)}期")
    return reverse("assessments:list")


def grow_versions(world, n):
    for _ in range(n):
        version = RuleVersion.objects.create(name=f"细则{next(serial)}", year=2026)
        version.criteria.create(
            code="1", title="党建工作", category="party", max_score=Decimal(100), method="manual"
        )
    return reverse("assessments:versions")


def grow_reminders(world, n):
    for _ in range(n):
        Notification.objects.create(
            recipient=world.street_staff, key=f"key-{next(serial)}", event="task",
            stage="due", title="提醒",
        )  # fmt: skip
    return reverse("assessments:reminders")


def grow_undelivered(world, n):
    for _ in range(n):
        make_delivery(world.street_staff, key=f"undelivered-{next(serial)}", status="failed")
    return reverse("assessments:deliveries")


def _election(world):
    return elections.election_record(
        branch=world.branch,
        held_on=D(2026, 1, 5),
        seats=1,
        contested=False,
        term_years=3,
        present=[world.member],
        candidates=[(world.member, 1)],
    )


def grow_elections(world, n):
    for _ in range(n):
        _election(world)
        elections.member_decision_record(
            branch=world.branch,
            held_on=D(2026, 1, 5),
            kind="admission",
            subject_name="申请人",
            present=[world.member],
            in_favour=1,
        )
    return reverse("members:elections", args=[world.branch.pk])


def _candidate(branch, n=None):
    n = next(serial) if n is None else n
    return recruitment.candidate_apply(
        candidate=Candidate(
            name=f"申请人{n}",
            id_number=make_id_number(n, D(1990, 1, 1) + datetime.timedelta(days=n)),
            phone="13900000000",
            employer_kind="other",
            employer_name="南通一建",
        ),
        branch=branch,
        applied_on=D(2026, 1, 5),
    )


def grow_recruiting(world, n):
    for _ in range(n):
        _candidate(world.branch)
    return reverse("members:recruiting", args=[world.branch.pk])


def grow_recruiting_due(world, n):
    for _ in range(n):
        _candidate(world.branch)  # applied in January 2026, no talk: overdue since February
    return reverse("members:recruiting_due")


def grow_recruiting_street(world, n):
    for _ in range(n):
        _candidate(BranchFactory())
    return reverse("members:recruiting_street")


# Every page that lists rows: its URL name, how its rows grow, and the context name of each of
# its pages (a page may show two lists, each with its own page links).
LISTS = {
    "members:list": (grow_members, ["page"]),
    "members:transfers": (grow_transfers, ["page", "in_progress", "letters"]),
    "members:branch_moves": (grow_branch_moves, ["letters", "away"]),
    "members:dues": (grow_dues_summary, ["page"]),
    "members:dues_branch": (grow_dues_ledger, ["page"]),
    "activities:list": (grow_activities, ["page"]),
    "activities:campaigns": (grow_campaigns, ["page"]),
    "activities:campaign_detail": (grow_campaign_branches, ["page"]),
    "activities:brands": (grow_brands, ["page"]),
    "activities:rules": (grow_rules, ["page"]),
    "activities:suggestions": (grow_suggestions, ["page", "stats"]),
    "projects:list": (grow_projects, ["page"]),
    "projects:coordination": (grow_coordination, ["page"]),
    "projects:enterprises": (grow_enterprises, ["page"]),
    "projects:lead_times": (grow_lead_times, ["page"]),
    "branches:list": (grow_branches, ["page"]),
    "branches:coverage": (grow_uncovered_projects, ["page"]),
    "branches:detail": (grow_archives, ["archives"]),
    "members:elections": (grow_elections, ["page", "decisions"]),
    "members:recruiting": (grow_recruiting, ["page"]),
    "members:recruiting_street": (grow_recruiting_street, ["page"]),
    "members:recruiting_due": (grow_recruiting_due, ["page"]),
    "assessments:list": (grow_cycles, ["page"]),
    "assessments:versions": (grow_versions, ["page"]),
    "assessments:reminders": (grow_reminders, ["page"]),
    "assessments:deliveries": (grow_undelivered, ["page"]),
}

# Lists paginated and tested where they are built (issue 11, the workbench and the cycle pages).
LISTS_TESTED_ELSEWHERE = {
    "home:home": "the workbench: per-branch tables show those needing attention first",
    "activities:compliance": "the compliance grid, paginated by branch",
    "assessments:cycle_detail": "the cycle's branches, tasks and inspections",
    "assessments:cycle_results": "the cycle's results ranked over all its branches",
    # The read API's lists: cursor pages of 100, constant queries per endpoint (api/tests).
    **{
        f"api:{basename}-list": "the read API's cursor pages (api/tests/test_api.py)"
        for _prefix, _viewset, basename in api_router.registry
    },
}

# Every other page, and why it is not a list. `keeps` names the context entries that are the
# page's own object's rows (a member's participations), bounded by that object.
NOT_LISTS = {
    "accounts:login": {"why": "log-in form"},
    "accounts:logout": {"why": "log-out action"},
    "accounts:password_change": {"why": "form"},
    "accounts:two_factor_enrol": {"why": "form (the authenticator's QR code)"},
    "accounts:two_factor_verify": {"why": "the second factor's code, once per log-in"},
    "accounts:recovery_codes_renew": {"why": "action (new recovery codes, shown once)"},
    "home:calendar": {"why": "form (the user's calendar address: made, shown once, revoked)"},
    **{
        f"api:{basename}-detail": {"why": "one row of the read API"}
        for _prefix, _viewset, basename in api_router.registry
    },
    "api:workbench": {"why": "the workbench's figures, aggregates (api/tests/test_api.py)"},
    "api:schema": {"why": "the OpenAPI document"},
    "api:docs": {"why": "the OpenAPI document's browsable description"},
    "home:calendar_feed": {
        "why": "an iCalendar file of the user's deadlines, over a bounded window, in a fixed "
        "number of queries (home/tests/test_calendar.py)"
    },
    "projects:create": {"why": "form"},
    "projects:detail": {
        "why": "one project",
        "keeps": {
            "branches",
            "managers",
            "participations",
            "working_groups",
            "coordination_items",
            "items",
        },
    },
    "projects:edit": {"why": "form"},
    "projects:timeline": {"why": "form"},
    "projects:manager_appoint": {"why": "form"},
    "projects:manager_end": {"why": "form"},
    "projects:participation_add": {"why": "form"},
    "projects:participation_end": {"why": "form"},
    "projects:working_group_create": {"why": "form"},
    "projects:working_group_edit": {"why": "form"},
    "projects:working_group_member_add": {"why": "form"},
    "projects:working_group_member_leave": {"why": "form"},
    "projects:coordination_raise": {"why": "form"},
    "projects:coordination_detail": {"why": "one item", "keeps": {"events"}},
    "projects:coordination_move": {"why": "form"},
    "projects:enterprise_create": {"why": "form"},
    "projects:enterprise_edit": {"why": "form"},
    "branches:establish": {"why": "form"},
    "branches:edit": {"why": "form"},
    "branches:transform": {"why": "form"},
    "branches:dissolve": {"why": "form"},
    "branches:seat_appoint": {"why": "form"},
    "branches:seat_end": {"why": "form"},
    "branches:party_group_create": {"why": "form"},
    "branches:party_group_edit": {"why": "form"},
    "branches:party_group_dissolve": {"why": "form"},
    "branches:archive_request": {"why": "action"},
    "branches:archive_status": {"why": "one archive's progress"},
    "branches:archive_download": {"why": "a file"},
    "members:create": {"why": "form"},
    "members:import": {"why": "form"},
    "members:template": {"why": "a file"},
    "members:export": {"why": "a file (the roster export)"},
    "members:transfer_step": {"why": "form"},
    "members:letter_record": {"why": "form"},
    "members:letter_issue": {"why": "form"},
    "members:letter_arrival": {"why": "form"},
    "members:letter_receipt": {"why": "form"},
    "members:letter_correct": {"why": "form"},
    "members:certificate_record": {"why": "form"},
    "members:post_end": {"why": "form"},
    "members:detail": {
        "why": "one member",
        "keeps": {
            "participations",
            "transfers",
            "posts",
            "dues.bases",
            "dues.payments",
            "letters_out",
            "certificates",
        },
    },
    "members:dues_collect": {
        "why": "form (the month's dues of one branch: its paying members on one screen)",
        "keeps": {"others"},
    },
    "members:dues_base": {"why": "form"},
    "members:dues_reason": {"why": "form"},
    "members:dues_summary_xlsx": {"why": "a file (the street's dues summary)"},
    "members:dues_year_xlsx": {"why": "a file (a branch's dues ledger of a year)"},
    "members:dues_month_xlsx": {"why": "a file (a branch's dues ledger of a month)"},
    "members:edit": {"why": "form"},
    "members:personal_data": {"why": "action (shows one member's full numbers, recorded)"},
    "members:move": {"why": "form"},
    "members:leave": {"why": "form"},
    "members:join": {"why": "form"},
    "members:transfer_request": {"why": "form"},
    "members:post_assign": {"why": "form"},
    "members:election_create": {"why": "form"},
    "members:election_appoint": {"why": "form"},
    "members:decision_create": {"why": "form"},
    "members:election_detail": {
        "why": "one election",
        "keeps": {"present", "absent", "outcome"},  # its candidates and voters
    },
    "branches:term_record": {"why": "form"},
    "members:candidate_create": {"why": "form"},
    "members:candidate_end": {"why": "form"},
    "members:candidate_detail": {"why": "one candidate", "keeps": {"steps"}},
    "members:candidate_xlsx": {"why": "a file (one candidate's recruiting file)"},
    "members:recruiting_xlsx": {"why": "a file (a branch's recruiting ledger)"},
    "activities:create": {"why": "form, or the choice of one's branches", "keeps": {"branches"}},
    "activities:ledger": {"why": "a file (the ledger export)"},
    "activities:detail": {"why": "one activity", "keeps": {"attendance", "photos"}},
    "activities:edit": {"why": "form"},
    "activities:submit": {"why": "action"},
    "activities:delete": {"why": "action"},
    "activities:photo": {"why": "a file"},
    "activities:brand_edit": {"why": "form"},
    "activities:rule_create": {"why": "form"},
    "activities:rule_document": {"why": "a file"},
    "activities:suggestion_create": {"why": "form"},
    "activities:suggestion_detail": {"why": "one suggestion", "keeps": {"steps"}},
    "activities:suggestion_move": {"why": "form"},
    "assessments:cycle_create": {"why": "form"},
    "assessments:cycle_advance": {"why": "action"},
    "assessments:cycle_publish": {"why": "action"},
    "assessments:cycle_export": {"why": "a file"},
    "assessments:task_create": {"why": "form"},
    "assessments:task_done": {"why": "form"},
    "assessments:inspection_create": {"why": "form"},
    "assessments:inspection_rectified": {"why": "form"},
    "assessments:score": {"why": "one branch's score sheet"},
    "assessments:version_detail": {"why": "one version's criteria tree"},
    "assessments:version_create": {"why": "form"},
    "assessments:version_edit": {"why": "form"},
    "assessments:criterion_create": {"why": "form"},
    "assessments:criterion_edit": {"why": "form"},
    "assessments:version_publish": {"why": "action"},
    "assessments:version_copy": {"why": "action"},
    "assessments:reminders_read": {"why": "action"},
    "assessments:reminder_open": {"why": "action (marks one reminder read, leads to its page)"},
    "assessments:score_evidence": {"why": "form (one item's supporting material)"},
    "assessments:score_evidence_document": {"why": "a file"},
    "assessments:evidence": {"why": "one branch's supporting material, item by item"},
    "assessments:deliveries_resend": {"why": "action"},
    "assessments:delivery_resend": {"why": "action"},
    "healthz": {"why": "health check"},
    "metrics": {"why": "Prometheus's text format for operators (home/tests/test_metrics.py)"},
    "favicon": {"why": "a file"},
    "set_language": {"why": "action"},
}


class World:
    """The data a list grows from: staff, a branch with a member, a version, a campaign."""

    def __init__(self, street_staff, branch):
        self.street_staff = street_staff
        self.branch = branch
        self.member = ParticipationFactory(branch=branch).member
        self.version = make_version(name=f"考核细则{next(serial)}")
        self.campaign = Campaign.objects.create(
            name="紫琅山下党旗红", starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30)
        )
        self.campaign_item = CampaignItem.objects.create(campaign=self.campaign, name="主题党日")


@pytest.fixture
def world(street_staff, branch):
    return World(street_staff, branch)


def _named_urls(resolver=None, namespace=""):
    """Every named URL of the portal (the admin's own pages aside)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_page_of_the_portal_is_a_paginated_list_or_says_why_it_is_not():
    named = set(_named_urls())
    classified = [set(LISTS), set(LISTS_TESTED_ELSEWHERE), set(NOT_LISTS)]
    assert named - set().union(*classified) == set(), "a new page: is it a list?"
    assert set().union(*classified) - named == set(), "a page that is gone"
    for one, other in itertools.combinations(classified, 2):
        assert one & other == set()


@pytest.mark.parametrize("url_name", sorted(LISTS))
def test_a_list_shows_fifty_rows_a_page_with_the_total(url_name, staff_client, world):
    grow, pages = LISTS[url_name]
    url = grow(world, PER_PAGE + 1)
    first = staff_client.get(url)
    assert first.status_code == 200
    for name in pages:
        page = first.context[name]
        assert isinstance(page, ListPage | KeysetPage), name
        assert len(page.object_list) == PER_PAGE, name
        assert page.paginator.count > PER_PAGE and page.has_next(), name
    html = first.content.decode()
    assert 'rel="next"' in html and "条" in html
    # The next page by its own link (a number, or the key of the last row shown).
    main = first.context[pages[0]]
    query = "&".join(f"{key}={value}" for key, value in main.link("next").items())
    second = staff_client.get(f"{url}?{query}")
    assert second.context[pages[0]].number == 2
    shown = {row.pk for row in main.object_list}
    assert not shown & {row.pk for row in second.context[pages[0]].object_list}


@pytest.mark.parametrize("url_name", sorted(LISTS))
def test_a_list_costs_the_same_queries_at_ten_times_the_rows(url_name, staff_client, world):
    grow, _pages = LISTS[url_name]
    url = grow(world, 5)
    staff_client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(url).status_code == 200
    grow(world, PER_PAGE)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


# A page that is not a list holds no unbounded list of rows --------------------------------------


def _unbounded(value) -> bool:
    """Rows that grow with the data: an unsliced queryset, a filter's result, or a list of
    model instances."""
    if isinstance(value, FilterSet):
        return True
    if isinstance(value, QuerySet):
        return value.query.high_mark is None
    if isinstance(value, list | tuple) and value:
        return any(isinstance(item, Model) for item in value)
    return False


def _contexts(response) -> dict:
    found = {}
    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for context in contexts:
        for layer in context.dicts:
            for key, value in layer.items():
                found.setdefault(key, value)
                if isinstance(value, dict):
                    for inner, item in value.items():
                        found.setdefault(f"{key}.{inner}", item)
    return found


# The pages showing one object, with how to make it (the URL's arguments).
SHOWN_OBJECTS = {
    "projects:detail": lambda world: [world.branch.project_id],
    "projects:coordination_detail": lambda world: [
        CoordinationItemFactory(project=world.branch.project, branch=world.branch).pk
    ],
    "members:detail": lambda world: [world.member.pk],
    "members:edit": lambda world: [world.member.pk],
    "members:dues_collect": lambda world: [world.branch.pk, "2026-03"],
    "activities:detail": lambda world: [ActivityLogFactory(branch=world.branch).pk],
    "activities:edit": lambda world: [ActivityLogFactory(branch=world.branch).pk],
    "activities:suggestion_detail": lambda world: [
        Suggestion.objects.create(
            project=world.branch.project,
            branch=world.branch,
            author="李四",
            content="建议",
            submitted_on=D(2026, 2, 1),
        ).pk
    ],
    "branches:archive_status": lambda world: [Archive.objects.create(branch=world.branch).pk],
    "branches:edit": lambda world: [world.branch.pk],
    "branches:term_record": lambda world: [world.branch.pk],
    "members:election_create": lambda world: [world.branch.pk],
    "members:decision_create": lambda world: [world.branch.pk],
    "members:election_detail": lambda world: [_election(world).pk],
    "members:candidate_create": lambda world: [world.branch.pk],
    "members:candidate_detail": lambda world: [_candidate(world.branch).pk],
    "members:election_appoint": lambda world: [_election(world).pk],
    "assessments:version_detail": lambda world: [world.version.pk],
    "assessments:score": lambda world: [
        make_cycle(world.version, [world.branch], name="考核").pk,
        world.branch.pk,
    ],
    "assessments:score_evidence": lambda world: [
        make_cycle(world.version, [world.branch], name="考核").pk,
        world.branch.pk,
        leaf(world.version, "1-1").pk,
    ],
    "assessments:evidence": lambda world: [
        make_cycle(world.version, [world.branch], name="考核").pk,
        world.branch.pk,
    ],
}


def _takes_no_argument(url_name) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


# Every page that is not a list and answers a GET with a template: forms and single objects.
SHOWN_PAGES = sorted(
    name for name, entry in NOT_LISTS.items()
    if (entry["why"].startswith(("form", "one ")))
    and (name in SHOWN_OBJECTS or _takes_no_argument(name))
)  # fmt: skip


@pytest.mark.parametrize("url_name", SHOWN_PAGES)
def test_a_page_that_is_not_a_list_hands_its_template_no_unbounded_rows(
    url_name, staff_client, world
):
    arguments = SHOWN_OBJECTS[url_name](world) if url_name in SHOWN_OBJECTS else None
    response = staff_client.get(reverse(url_name, args=arguments))
    assert response.status_code == 200
    keeps = NOT_LISTS[url_name].get("keeps", set())
    unbounded = {key for key, value in _contexts(response).items() if _unbounded(value)} - keeps
    assert unbounded == set(), f"{url_name} lists rows: paginate it and add it to LISTS"


@pytest.mark.parametrize("url_name", ["members:list", "activities:list"])
def test_a_secretarys_list_of_their_branch_pages_at_the_same_cost(
    url_name, secretary_client, world
):
    grow, _pages = LISTS[url_name]
    url = grow(world, 5)  # world.branch is the secretary's branch
    secretary_client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert secretary_client.get(url).status_code == 200
    grow(world, PER_PAGE)
    with CaptureQueriesContext(connection) as large:
        response = secretary_client.get(url)
    assert len(large) == len(small)
    page = response.context["page"]
    grown = 5 + PER_PAGE + (1 if url_name == "members:list" else 0)  # and the world's member
    assert len(page.object_list) == PER_PAGE and page.paginator.count == grown


# A filter over thousands of choices (2,000 branches) ----------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("members:list", "branch"),
        ("members:list", "party_group"),
        ("members:list", "employer_enterprise"),
        ("activities:list", "branch"),
        ("activities:suggestions", "project"),
        ("projects:coordination", "project"),
    ],
)
def test_a_long_filter_select_carries_only_the_chosen_option_the_rest_on_demand(
    url_name, field, staff_client, world
):
    for _ in range(30):
        branch = BranchFactory()
        PartyGroupFactory(branch=branch)
        EnterpriseFactory()
    chosen = {
        "branch": world.branch.pk,
        "project": world.branch.project_id,
        "party_group": PartyGroupFactory(branch=world.branch).pk,
        "employer_enterprise": EnterpriseFactory().pk,
    }[field]
    url = reverse(url_name)
    page = staff_client.get(url, {field: chosen}).content.decode()
    select = page[page.index(f'<select name="{field}"') :]
    select = select[: select.index("</select>")]
    assert select.count("<option") == 2 and f'value="{chosen}" selected' in select
    assert f"_options={field}" in select
    options = staff_client.get(url, {field: chosen, "_options": field}).content.decode()
    assert options.count("<option") > 30 and options.count(" selected") == 1
    assert f'value="{chosen}" selected' in options


def test_the_options_on_demand_are_only_those_the_user_may_see(
    secretary_client, world, other_branch
):
    options = secretary_client.get(
        reverse("activities:list"), {"_options": "branch"}
    ).content.decode()
    assert f'value="{world.branch.pk}"' in options
    assert f'value="{other_branch.pk}"' not in options
