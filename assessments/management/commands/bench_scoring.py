"""Benchmark: scoring and ranking a cycle over N branches (the preview, then publishing).

    python manage.py bench_scoring --branches 2000

On top of the demo (its published rules with their computed criteria), builds N branches with a
Party group, a year of activity logs, coordination items, stage dates and an inspection each,
a cycle in its assessment phase over them with every hand-scored item scored, then times
`results_preview` and `results_publish` and counts their queries, inside a transaction that is
rolled back (the database is left as it was). Rerun it after any change to the scoring."""

import datetime
import resource
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import ActivityKind, ActivityLog, Frequency
from assessments import services
from assessments.models import Criterion, Cycle, Inspection, RuleVersion, Score
from branches.models import Branch, PartyCommittee, PartyGroup
from projects.models import Community, CoordinationItem, Project, ProjectStage, Stage

D = datetime.date
BATCH = 1000


class Rollback(Exception):
    pass


def build(n: int) -> Cycle:
    version = (
        RuleVersion.objects.filter(status=RuleVersion.Status.PUBLISHED)
        .filter(criteria__method=Criterion.Method.COMPUTED)
        .distinct()
        .first()
    )
    committee, community = PartyCommittee.objects.first(), Community.objects.first()
    if version is None or committee is None or community is None:
        raise CommandError("Load the demo data first (python manage.py load_demo).")
    projects = Project.objects.bulk_create(
        [
            Project(name=f"测评项目{i:05d}", community=community, total_investment=0)
            for i in range(n)
        ],
        BATCH,
    )
    branches = Branch.objects.bulk_create(
        [
            Branch(
                committee=committee,
                project=project,
                name=f"测评项目{i:05d}党支部",
                established_on=D(2025, 1, 1),
            )
            for i, project in enumerate(projects)
        ],
        BATCH,
    )
    groups = PartyGroup.objects.bulk_create(
        [PartyGroup(branch=b, name="第一党小组", established_on=D(2025, 1, 1)) for b in branches],
        BATCH,
    )
    monthly = list(ActivityKind.objects.filter(is_active=True, frequency=Frequency.MONTHLY))
    submitted = timezone.now()
    logs = [
        ActivityLog(
            branch=branch,
            party_group=group if kind.level == ActivityKind.Level.GROUP else None,
            kind=kind,
            title=kind.name,
            held_on=D(2026, month, 10),
            status=ActivityLog.Status.SUBMITTED,
            submitted_at=submitted,
        )
        for i, (branch, group) in enumerate(zip(branches, groups, strict=True))
        for month in range(7, 13 - i % 3)  # some branches miss the last months
        for kind in monthly
    ]
    ActivityLog.objects.bulk_create(logs, BATCH)
    CoordinationItem.objects.bulk_create(
        [
            CoordinationItem(
                project=branch.project,
                branch=branch,
                title="协调事项",
                raised_by="项目部",
                raised_on=D(2026, 7, 1),
                due_on=D(2026, 9, 1),
                status=CoordinationItem.Status.RESOLVED,
                resolved_on=D(2026, 8, 1 + i % 60 // 2),
            )
            for i, branch in enumerate(branches)
        ],
        BATCH,
    )
    ProjectStage.objects.bulk_create(
        [
            ProjectStage(
                project=project,
                stage=Stage.values[0],
                sequence=1,
                planned_on=D(2026, 8, 1),
                actual_on=D(2026, 8, 1 + i % 2),
            )
            for i, project in enumerate(projects)
        ],
        BATCH,
    )
    cycle = Cycle.objects.create(
        version=version,
        name=f"测评周期（{n}个支部）",
        starts_on=D(2026, 7, 1),
        ends_on=D(2026, 12, 31),
        deploy_due=D(2026, 9, 1),
        inspect_due=D(2026, 11, 1),
        assess_due=D(2027, 1, 15),
        status=Cycle.Status.ASSESSING,
    )
    cycle.branches.set(branches)
    Inspection.objects.bulk_create(
        [
            Inspection(
                cycle=cycle,
                branch=branch,
                held_on=D(2026, 10, 10),
                inspectors="街道党工委",
                findings="现场检查",
                rectification="整改" if i % 2 else "",
                rectification_due=D(2026, 10, 31) if i % 2 else None,
                rectified_on=D(2026, 10, 20 + i % 12) if i % 2 else None,
            )
            for i, branch in enumerate(branches)
        ],
        BATCH,
    )
    Score.objects.bulk_create(
        [
            Score(
                cycle=cycle,
                branch=branch,
                criterion=leaf,
                committee_score=leaf.max_score * Decimal(80 + (i * 7 + leaf.pk) % 21) / 100,
            )
            for i, branch in enumerate(branches)
            for leaf in services.hand_scored_leaves_of(version)
        ],
        BATCH,
    )
    return cycle


class Command(BaseCommand):
    help = "Time scoring and ranking a cycle of N branches (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--branches", type=int, default=2000)

    def handle(self, *args, branches: int, **options):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                cycle = build(branches)
                built = time.perf_counter()
                with CaptureQueriesContext(connection) as preview_queries:
                    rows = services.results_preview(cycle=cycle)
                previewed = time.perf_counter()
                with CaptureQueriesContext(connection) as publish_queries:
                    results = services.results_publish(cycle=cycle)
                published = time.perf_counter()
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(
            f"branches={branches} database={connection.vendor} build={built - started:.2f}s "
            f"preview={previewed - built:.2f}s ({len(preview_queries)} queries, {len(rows)} rows) "
            f"publish+rank={published - previewed:.2f}s ({len(publish_queries)} queries, "
            f"{len(results)} results; rolled back) "
            f"peak memory={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
        )
