"""Writes for the bundled assessment: rules versions, cycles and their phases, deployment
tasks, inspections, scores, results; and staff's resending of reminders."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.uploads import check_document
from assessments import deliveries, metrics, scoring, selectors, tasks
from assessments.models import (
    HAND_SCORED_SIDES,
    Criterion,
    Cycle,
    Delivery,
    DeploymentTask,
    Inspection,
    Notification,
    Result,
    RuleVersion,
    Score,
)
from branches.models import Branch
from core.services import EditConflict, save_revision


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


# Versions ----------------------------------------------------------------------------------------


@transaction.atomic
def version_save(*, version: RuleVersion) -> RuleVersion:
    if version.pk and RuleVersion.objects.filter(pk=version.pk, status="published").exists():
        raise ValidationError(_("A published version is frozen: make a new version to change it."))
    return save_revision(version)


def criterion_save(*, criterion: Criterion) -> Criterion:
    if RuleVersion.objects.filter(
        pk=criterion.version_id, status=RuleVersion.Status.PUBLISHED
    ).exists():
        raise ValidationError(_("A published version is frozen: make a new version to change it."))
    if criterion.parent_id and criterion.parent.version_id != criterion.version_id:
        raise ValidationError({"parent": _("The parent belongs to another version.")})
    return save_revision(criterion)


@transaction.atomic
def version_publish(*, version: RuleVersion, on: datetime.date | None = None) -> RuleVersion:
    version = RuleVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ValidationError(_("This version is already published."))
    categories = set(
        version.criteria.filter(parent__isnull=True).values_list("category", flat=True)
    )
    missing = {Criterion.Category.PARTY_BUILDING, Criterion.Category.CONSTRUCTION} - categories
    if missing:
        raise ValidationError(
            _(
                "A version scores both Party building and project construction "
                "before it is published."
            )
        )
    version.status = RuleVersion.Status.PUBLISHED
    version.published_on = on or timezone.localdate()
    return save_revision(version)


@transaction.atomic
def version_copy(*, version: RuleVersion, name: str, year: int) -> RuleVersion:
    """A new draft with the same criteria: the way a published version is changed."""
    copy = _save(
        RuleVersion(
            name=name,
            year=year,
            based_on=version,
            party_weight=version.party_weight,
            construction_weight=version.construction_weight,
            excellent_from=version.excellent_from,
            good_from=version.good_from,
            pass_from=version.pass_from,
        )
    )
    new_ids: dict[int, Criterion] = {}
    pending = list(version.criteria.all())
    while pending:
        progressed = False
        for criterion in list(pending):
            if criterion.parent_id and criterion.parent_id not in new_ids:
                continue
            old_id = criterion.pk
            criterion.pk = None
            criterion.revision = 1
            criterion.version = copy
            criterion.parent = new_ids.get(criterion.parent_id) if criterion.parent_id else None
            criterion.save()
            new_ids[old_id] = criterion
            pending.remove(criterion)
            progressed = True
        if not progressed:  # pragma: no cover - a cycle in the tree cannot be stored
            raise ValidationError(_("The criteria do not form a tree."))
    return copy


# Cycles ------------------------------------------------------------------------------------------

PHASE_ORDER = [Cycle.Status.DEPLOYING, Cycle.Status.INSPECTING, Cycle.Status.ASSESSING]


@transaction.atomic
def cycle_create(*, cycle: Cycle, branches) -> Cycle:
    if not cycle.version.is_frozen:
        raise ValidationError({"version": _("A cycle applies a published version of the rules.")})
    if not (cycle.deploy_due <= cycle.inspect_due <= cycle.assess_due):
        raise ValidationError(
            {"inspect_due": _("Deadlines follow the phases: deploy, then inspect, then assess.")}
        )
    if not branches:
        raise ValidationError({"branches": _("Choose the branches assessed in this cycle.")})
    _save(cycle)
    cycle.branches.set(branches)
    return cycle


@transaction.atomic
def cycle_advance(*, cycle: Cycle) -> Cycle:
    """Move to the next phase (deploy → inspect → assess); publishing ends the last one."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status not in PHASE_ORDER[:-1]:
        raise ValidationError(_("The cycle is in its last phase: publish the results to close it."))
    cycle.status = PHASE_ORDER[PHASE_ORDER.index(cycle.status) + 1]
    return _save(cycle)


def _check_branch(cycle: Cycle, branch: Branch) -> None:
    cycle.refresh_from_db(fields=["status"])
    if not cycle.branches.filter(pk=branch.pk).exists():
        raise ValidationError({"branch": _("This branch is not assessed in this cycle.")})
    if cycle.status == Cycle.Status.PUBLISHED:
        raise ValidationError(_("The results of this cycle are published: it is closed."))


@transaction.atomic
def task_assign(*, task: DeploymentTask) -> DeploymentTask:
    _check_branch(task.cycle, task.branch)
    return _save(task)


@transaction.atomic
def task_done(*, task: DeploymentTask, on: datetime.date) -> DeploymentTask:
    task = DeploymentTask.objects.select_for_update().get(pk=task.pk)
    if task.done_on:
        raise ValidationError(_("This task is already done."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    task.done_on = on
    return _save(task)


@transaction.atomic
def inspection_record(*, inspection: Inspection) -> Inspection:
    _check_branch(inspection.cycle, inspection.branch)
    if inspection.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("This date is in the future.")})
    if inspection.rectification_due and inspection.rectification_due < inspection.held_on:
        raise ValidationError({"rectification_due": _("This is before the inspection.")})
    return _save(inspection)


@transaction.atomic
def inspection_rectified(*, inspection: Inspection, on: datetime.date) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not inspection.rectification:
        raise ValidationError(_("This inspection required no rectification."))
    if inspection.rectified_on:
        raise ValidationError(_("The rectification is already recorded."))
    if on < inspection.held_on or on > timezone.localdate():
        raise ValidationError({"on": _("The date lies between the inspection and today.")})
    inspection.rectified_on = on
    return _save(inspection)


# Scores ------------------------------------------------------------------------------------------


def leaves_of(version: RuleVersion) -> list[Criterion]:
    criteria = list(version.criteria.all())
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents]


def hand_scored_leaves_of(version: RuleVersion) -> list[Criterion]:
    """The items to be scored by hand before results are published (the leaves leaf_values
    reports as unscored until the committee scores them)."""
    return [
        leaf
        for leaf in leaves_of(version)
        if leaf.method == Criterion.Method.MANUAL and leaf.category in HAND_SCORED_SIDES
    ]


def _check_score(cycle: Cycle, branch: Branch, criterion: Criterion, value: Decimal | None) -> None:
    _check_branch(cycle, branch)
    if criterion.version_id != cycle.version_id:
        raise ValidationError(_("This criterion belongs to another version of the rules."))
    if criterion.children.exists():
        raise ValidationError(_("Scores are given to the items, not to their groups."))
    if value is not None and criterion.method == Criterion.Method.COMPUTED:
        raise ValidationError(
            {
                "score": _("%(code)s is computed from the portal's data: it takes no typed score.")
                % {"code": criterion.code}
            }
        )
    if value is not None and not (0 <= value <= criterion.max_score):
        raise ValidationError(
            {
                "score": _("%(code)s is scored between 0 and %(max)s.")
                % {"code": criterion.code, "max": criterion.max_score}
            }
        )


@transaction.atomic
def scores_save(
    *,
    cycle: Cycle,
    branch: Branch,
    values: dict[int, tuple[Decimal | None, str]],
    actor,
    as_committee: bool,
    shown: dict[int, tuple[Decimal | None, str]] | None = None,
) -> None:
    """Save a branch's self-scores with evidence (the secretary) or the committee's scores.

    `values` holds only the items being changed, so two people scoring different items of the
    same branch both keep their scores. `shown` holds, for those items, the (score, text) the
    form was shown with: an item someone else scored since is refused with EditConflict (unless
    they saved the very same value). Every value is checked first; on any error nothing is
    saved."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    criteria = {c.pk: c for c in Criterion.objects.filter(pk__in=values)}
    errors = []
    for criterion_id, (value, _text) in values.items():
        try:
            _check_score(cycle, branch, criteria[criterion_id], value)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"score": errors})
    if as_committee and cycle.status != Cycle.Status.ASSESSING:
        raise ValidationError(_("The committee scores in the assessment phase."))
    stored = {
        score.criterion_id: score
        for score in Score.objects.select_for_update().filter(
            cycle=cycle, branch=branch, criterion__in=values
        )
    }

    def pair(score: Score | None) -> tuple[Decimal | None, str]:
        if score is None:
            return (None, "")
        if as_committee:
            return (score.committee_score, score.committee_note)
        return (score.self_score, score.evidence)

    changed_meanwhile = [
        criteria[criterion_id]
        for criterion_id, new in values.items()
        if shown is not None
        and criterion_id in shown
        and pair(stored.get(criterion_id)) not in (shown[criterion_id], new)
    ]
    if changed_meanwhile:
        raise EditConflict(
            {s.criterion_id: s for s in Score.objects.filter(cycle=cycle, branch=branch)},
            _(
                "Someone else scored %(items)s while you were scoring, so nothing was saved. "
                "Your scores are kept; theirs are listed here. Check and save again."
            )
            % {"items": "、".join(c.code for c in changed_meanwhile)},
        )
    for criterion_id, (value, text) in values.items():
        if pair(stored.get(criterion_id)) == (value, text):
            continue  # already so
        score = stored.get(criterion_id) or Score(
            cycle=cycle, branch=branch, criterion=criteria[criterion_id]
        )
        if as_committee:
            score.committee_score, score.committee_note = value, text
            score.committee_scored_by = actor
        else:
            score.self_score, score.evidence = value, text
            score.self_scored_by = actor
        _save(score)


@transaction.atomic
def score_evidence_save(
    *,
    cycle: Cycle,
    branch: Branch,
    criterion: Criterion,
    activities,
    suggestions,
    rules,
    document=None,
    remove_document: bool = False,
    actor,
) -> Score:
    """Point a branch's self-scored item at records the portal already holds (the branch's own,
    of the cycle's period) and, optionally, one PDF or DOCX document. Anything outside the
    branch or the period is refused, and nothing is saved."""
    _check_score(cycle, branch, criterion, None)
    choices = selectors.evidence_choices(cycle=cycle, branch=branch)
    activities, suggestions, rules = list(activities), list(suggestions), list(rules)
    errors = {}
    for field, chosen, allowed in (
        ("activities", activities, choices.activities),
        ("suggestions", suggestions, choices.suggestions),
        ("rules", rules, choices.rules),
    ):
        keys = {item.pk for item in chosen}
        if len(keys) != allowed.filter(pk__in=keys).count():
            errors[field] = _("Choose records of this branch from the cycle's period.")
    document_type = ""
    if document is not None:
        try:
            document_type = check_document(document)
        except ValidationError as error:
            errors["document"] = error.messages
    if errors:
        raise ValidationError(errors)
    score, _created = Score.objects.select_for_update().get_or_create(
        cycle=cycle, branch=branch, criterion=criterion
    )
    old_file = score.evidence_file.name if (document is not None or remove_document) else ""
    if document is not None:
        score.evidence_file.save(f"evidence.{document_type}", document, save=False)
        score.evidence_file_type = document_type
    elif remove_document:
        score.evidence_file, score.evidence_file_type = "", ""
    score.self_scored_by = actor
    _save(score)
    score.evidence_activities.set(activities)
    score.evidence_suggestions.set(suggestions)
    score.evidence_rules.set(rules)
    if old_file:
        storage = score.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return score


def _weights(version: RuleVersion) -> scoring.Weights:
    return scoring.Weights(
        party=version.party_weight,
        construction=version.construction_weight,
        excellent_from=version.excellent_from,
        good_from=version.good_from,
        pass_from=version.pass_from,
    )


def _leaf_values_for(
    cycle: Cycle, branches: list[Branch], leaves: list[Criterion]
) -> dict[int, tuple[dict[int, Decimal], list[Criterion]]]:
    """For each branch (by id): the value of every leaf and the manual leaves still unscored.
    A computed criterion's value from the data (it takes no typed score), else the committee's
    score where there is one. Read in a fixed number of queries: the scores of the cycle and one
    pass per metric over all the branches."""
    branch_ids = [branch.pk for branch in branches]
    committee = {
        (branch_id, criterion_id): value
        for branch_id, criterion_id, value in Score.objects.filter(
            cycle=cycle, branch__in=branch_ids, committee_score__isnull=False
        ).values_list("branch_id", "criterion_id", "committee_score")
    }
    needed = {leaf.metric for leaf in leaves if leaf.method == Criterion.Method.COMPUTED}
    computed = {
        metric: metrics.rates(metric, branches=branches, cycle=cycle) for metric in sorted(needed)
    }
    out = {}
    for branch in branches:
        values: dict[int, Decimal] = {}
        unscored = []
        for leaf in leaves:
            score = committee.get((branch.pk, leaf.pk))
            if leaf.method == Criterion.Method.COMPUTED:
                fraction = computed[leaf.metric][branch.pk]
                share = Decimal(1) if fraction is None else fraction
                values[leaf.pk] = (leaf.max_score * share).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
            elif score is not None:
                values[leaf.pk] = score
            elif leaf.category == Criterion.Category.VETO:
                values[leaf.pk] = Decimal(0)  # a veto is triggered only when the committee says so
            elif leaf.category in (Criterion.Category.BONUS, Criterion.Category.PENALTY):
                values[leaf.pk] = Decimal(0)  # nothing awarded or deducted unless scored
            else:
                unscored.append(leaf)
        out[branch.pk] = (values, unscored)
    return out


def leaf_values(cycle: Cycle, branch: Branch) -> tuple[dict[int, Decimal], list[Criterion]]:
    """The value of every leaf for one branch, and the manual leaves still unscored."""
    return _leaf_values_for(cycle, [branch], leaves_of(cycle.version))[branch.pk]


def results_preview(*, cycle: Cycle) -> list[dict]:
    """Every branch's bundled result as it stands (not stored), best first. Set-based: the
    same number of queries for 5 branches or 2,000."""
    version = cycle.version
    criteria = list(version.criteria.all())
    roots = scoring.build_tree(
        [(c.pk, c.parent_id, c.category, c.max_score, c.highest_only) for c in criteria]
    )
    parents = {c.parent_id for c in criteria}
    leaves = [c for c in criteria if c.pk not in parents]
    weights = _weights(version)
    branches = list(cycle.branches.order_by("name", "pk"))
    values = _leaf_values_for(cycle, branches, leaves)
    rows = []
    for branch in branches:
        leaf_scores, unscored = values[branch.pk]
        totals = scoring.bundle(roots, leaf_scores, weights)
        rows.append(
            {
                "branch": branch,
                "totals": totals,
                "grade": Result.Grade(totals.grade).label,
                "unscored": unscored,
            }
        )
    for row, rank in zip(rows, scoring.ranks([r["totals"].total for r in rows]), strict=True):
        row["rank"] = rank
    return sorted(rows, key=lambda r: (r["rank"], r["branch"].name))


def _results_of(cycle: Cycle, rows: list[dict]) -> list[Result]:
    results = []
    for row in rows:
        result = Result(
            cycle=cycle,
            branch=row["branch"],
            party_score=row["totals"].party,
            construction_score=row["totals"].construction,
            bonus=row["totals"].bonus,
            penalty=row["totals"].penalty,
            vetoed=row["totals"].vetoed,
            total=row["totals"].total,
            grade=row["totals"].grade,
            rank=row["rank"],
        )
        result.unscored = row["unscored"]
        results.append(result)
    return results


def results_as_they_stand(*, cycle: Cycle) -> list[Result]:
    """The results the cycle would publish now (not stored), best first; each with the manual
    criteria still `unscored` for its branch. What the results page shows before publication,
    for the ledger."""
    return _results_of(cycle, results_preview(cycle=cycle))


@transaction.atomic
def results_publish(*, cycle: Cycle, on: datetime.date | None = None) -> list[Result]:
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != Cycle.Status.ASSESSING:
        raise ValidationError(_("Results are published at the end of the assessment phase."))
    rows = results_preview(cycle=cycle)
    unscored = [
        f"{row['branch'].name}: {', '.join(c.code for c in row['unscored'])}"
        for row in rows
        if row["unscored"]
    ]
    if unscored:
        raise ValidationError(
            _("Some criteria have no committee score yet — %(list)s.")
            % {"list": "; ".join(unscored)}
        )
    results = _results_of(cycle, rows)
    Result.objects.bulk_create(results)
    cycle.status = Cycle.Status.PUBLISHED
    cycle.published_on = on or timezone.localdate()
    _save(cycle)
    return results


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark a reminder read (once: the first opening's time is kept). True when it was unread."""
    return bool(
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


# Reminder deliveries -----------------------------------------------------------------------------


def _resend(queryset) -> int:
    with transaction.atomic():
        ids = deliveries.make_due_again(queryset, now=timezone.now())
        transaction.on_commit(lambda: tasks.hand_over(ids))
    return len(ids)


def delivery_resend(*, delivery_id: int) -> int:
    """Send one delivery again now (a new series of retries if it fails). Returns 1, or 0 when
    there was nothing to resend (sent meanwhile, or being sent)."""
    return _resend(Delivery.objects.filter(pk=delivery_id))


def deliveries_resend_failing() -> int:
    """Send again every delivery staff see as failing. Returns how many."""
    return _resend(Delivery.objects.filter(deliveries.failing(now=timezone.now())))
