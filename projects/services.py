"""Writes for projects, their timeline, managers, enterprises, working groups and coordination."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.services import EditConflict, create_once, refuse_future, save_revision
from projects.models import (
    STAGE_SEQUENCE,
    CoordinationEvent,
    CoordinationItem,
    Enterprise,
    Project,
    ProjectEnterprise,
    ProjectManager,
    ProjectStage,
    Stage,
    WorkingGroup,
    WorkingGroupMember,
)


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


# Projects -----------------------------------------------------------------------------------------


@transaction.atomic
def project_save(*, project: Project) -> Project:
    """Create or update a project (the form has set its fields and the revision it was shown
    with: refused if someone saved the project since)."""
    return save_revision(project)


@transaction.atomic
def enterprise_save(*, enterprise: Enterprise) -> Enterprise:
    return save_revision(enterprise)


@transaction.atomic
def project_timeline_update(
    *,
    project: Project,
    dates: dict[str, tuple[datetime.date | None, datetime.date | None]],
    shown: dict[str, tuple[datetime.date | None, datetime.date | None]] | None = None,
) -> list[ProjectStage]:
    """Set the planned and actual date of each stage. Dates must follow the stages' order and an
    actual date cannot lie in the future; on any error nothing is saved.

    `dates` maps a stage to (planned, actual); stages left out keep what they had. `shown`
    holds, for those stages, the dates the form was shown with: a stage someone else changed
    since is refused with EditConflict."""
    today = timezone.localdate()
    Project.objects.select_for_update().get(pk=project.pk)  # one timeline change at a time
    current = {s.stage: s for s in ProjectStage.objects.filter(project=project)}

    def stored(stage: str) -> tuple[datetime.date | None, datetime.date | None]:
        row = current.get(stage)
        return (row.planned_on, row.actual_on) if row else (None, None)

    if shown is not None and any(
        stage in shown and stored(stage) not in (shown[stage], new) for stage, new in dates.items()
    ):
        raise EditConflict(Project.objects.get(pk=project.pk))
    merged = {
        stage: dates.get(
            stage,
            (current[stage].planned_on, current[stage].actual_on)
            if stage in current
            else (None, None),
        )
        for stage in Stage.values
    }
    errors: dict[str, list[str]] = {}
    for column, label in ((0, "planned"), (1, "actual")):
        previous: tuple[str, datetime.date] | None = None
        for stage in Stage.values:
            day = merged[stage][column]
            if day is None:
                continue
            if previous and day < previous[1]:
                errors.setdefault(f"{stage}_{label}", []).append(
                    _("This date is before the date of %(stage)s (%(date)s).")
                    % {"stage": Stage(previous[0]).label, "date": date_format(previous[1])}
                )
            previous = (stage, day)
    for stage in Stage.values:
        actual = merged[stage][1]
        if actual and actual > today:
            errors.setdefault(f"{stage}_actual", []).append(
                _("An actual date cannot be in the future.")
            )
    if errors:
        raise ValidationError(errors)

    saved = []
    for stage, (planned, actual) in merged.items():
        row = current.get(stage)
        if row is None and planned is None and actual is None:
            continue
        if row is None:
            row = ProjectStage(project=project, stage=stage, sequence=STAGE_SEQUENCE[stage])
        if (row.planned_on, row.actual_on) != (planned, actual) or row.pk is None:
            row.planned_on, row.actual_on = planned, actual
            _save(row)
        saved.append(row)
    return saved


@transaction.atomic
def project_manager_appoint(
    *,
    project: Project,
    name: str,
    appointed_on: datetime.date,
    phone: str = "",
    enterprise: Enterprise | None = None,
) -> ProjectManager:
    """Appoint a project manager. The current one, if any, must be ended first."""
    refuse_future(appointed_on=appointed_on)
    return _save(
        ProjectManager(
            project=project,
            name=name,
            appointed_on=appointed_on,
            phone=phone,
            enterprise=enterprise,
        )
    )


@transaction.atomic
def project_manager_end(*, manager: ProjectManager, ended_on: datetime.date) -> ProjectManager:
    manager = ProjectManager.objects.select_for_update().get(pk=manager.pk)
    if manager.ended_on is not None:
        raise ValidationError(_("This appointment has already ended."))
    refuse_future(on=ended_on)
    manager.ended_on = ended_on
    return _save(manager)


@transaction.atomic
def participation_add(
    *,
    project: Project,
    enterprise: Enterprise,
    role: str,
    started_on: datetime.date | None = None,
) -> ProjectEnterprise:
    return _save(
        ProjectEnterprise(project=project, enterprise=enterprise, role=role, started_on=started_on)
    )


@transaction.atomic
def participation_end(
    *, participation: ProjectEnterprise, ended_on: datetime.date
) -> ProjectEnterprise:
    participation = ProjectEnterprise.objects.select_for_update().get(pk=participation.pk)
    if participation.ended_on is not None:
        raise ValidationError(_("This enterprise has already left the project."))
    refuse_future(on=ended_on)
    participation.ended_on = ended_on
    return _save(participation)


# Working groups -----------------------------------------------------------------------------------


@transaction.atomic
def working_group_save(*, group: WorkingGroup) -> WorkingGroup:
    return save_revision(group)


@transaction.atomic
def working_group_member_add(
    *,
    group: WorkingGroup,
    name: str,
    joined_on: datetime.date,
    organisation: str = "",
    is_party_member: bool = False,
) -> WorkingGroupMember:
    refuse_future(joined_on=joined_on)
    return _save(
        WorkingGroupMember(
            working_group=group,
            name=name,
            joined_on=joined_on,
            organisation=organisation,
            is_party_member=is_party_member,
        )
    )


@transaction.atomic
def working_group_member_leave(
    *, membership: WorkingGroupMember, left_on: datetime.date
) -> WorkingGroupMember:
    membership = WorkingGroupMember.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(_("This person has already left the group."))
    refuse_future(on=left_on)
    membership.left_on = left_on
    return _save(membership)


# Coordination ledger ------------------------------------------------------------------------------

# Which status may follow which. A resolved item is closed; an escalated one goes back to work
# once the committee has ruled, and is then resolved like any other.
TRANSITIONS = {
    CoordinationItem.Status.OPEN: {
        CoordinationItem.Status.IN_PROGRESS,
        CoordinationItem.Status.RESOLVED,
        CoordinationItem.Status.ESCALATED,
    },
    CoordinationItem.Status.IN_PROGRESS: {
        CoordinationItem.Status.RESOLVED,
        CoordinationItem.Status.ESCALATED,
    },
    CoordinationItem.Status.ESCALATED: {
        CoordinationItem.Status.IN_PROGRESS,
        CoordinationItem.Status.RESOLVED,
    },
    CoordinationItem.Status.RESOLVED: set(),
}


def coordination_item_raise(
    *,
    project: Project,
    title: str,
    raised_by: str,
    raised_on: datetime.date,
    due_on: datetime.date,
    actor,
    description: str = "",
    working_group: WorkingGroup | None = None,
    owner_party_group=None,
    owner_person: str = "",
    submission_token: uuid.UUID | None = None,
) -> CoordinationItem:
    """Record a blocker. It belongs to the project's active branch, if the project has one."""

    def create() -> CoordinationItem:
        if working_group is not None and working_group.project_id != project.pk:
            raise ValidationError({"working_group": _("This working group is on another project.")})
        branch = project.branches.filter(status="active").first()
        if owner_party_group is not None and (
            branch is None or owner_party_group.branch_id != branch.pk
        ):
            raise ValidationError(
                {"owner_party_group": _("This Party group is not in the project's branch.")}
            )
        item = _save(
            CoordinationItem(
                project=project,
                branch=branch,
                working_group=working_group,
                title=title,
                description=description,
                raised_by=raised_by,
                raised_on=raised_on,
                due_on=due_on,
                owner_party_group=owner_party_group,
                owner_person=owner_person,
                submission_token=submission_token,
                created_by=actor,
            )
        )
        CoordinationEvent.objects.create(
            item=item, status=item.status, happened_on=raised_on, actor=actor
        )
        return item

    return create_once(CoordinationItem, submission_token, create)


@transaction.atomic
def coordination_item_move(
    *,
    item: CoordinationItem,
    to_status: str,
    happened_on: datetime.date,
    actor,
    note: str = "",
) -> CoordinationItem:
    """Move an item to its next status, appending the step to its history."""
    item = CoordinationItem.objects.select_for_update().get(pk=item.pk)
    if to_status not in TRANSITIONS[item.status]:
        raise ValidationError(
            {
                "to_status": _("An item that is %(from)s cannot become %(to)s.")
                % {
                    "from": CoordinationItem.Status(item.status).label,
                    "to": CoordinationItem.Status(to_status).label,
                }
            }
        )
    if happened_on < item.raised_on:
        raise ValidationError({"happened_on": _("This is before the item was raised.")})
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("This date is in the future.")})
    if to_status == CoordinationItem.Status.RESOLVED:
        if not note.strip():
            raise ValidationError({"note": _("Say how the matter was resolved.")})
        item.resolution = note
        item.resolved_on = happened_on
    if to_status == CoordinationItem.Status.ESCALATED:
        item.escalated_on = happened_on
    item.status = to_status
    _save(item)
    CoordinationEvent.objects.create(
        item=item, status=to_status, happened_on=happened_on, note=note, actor=actor
    )
    return item
