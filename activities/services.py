"""Writes for organisational life: activity logs (draft → submitted), attendance, photos,
brands, rules and suggestions. Each step is dated; nothing typed is thrown away."""

import datetime
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import is_street_staff
from activities.models import (
    ActivityKind,
    ActivityLog,
    ActivityPhoto,
    Attendance,
    Brand,
    PendingPhoto,
    Rule,
    Suggestion,
    SuggestionStep,
)
from activities.uploads import check_document, clean_photo, is_clean
from branches.models import Branch
from core.services import EditConflict, create_once, save_revision
from members.models import Member, Participation


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def members_active_on(branch: Branch, day: datetime.date):
    """Members taking part in the branch on that day (the attendance roster)."""
    return Member.objects.filter(
        pk__in=Participation.objects.filter(branch=branch, joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .values("member_id")
    ).order_by("name", "pk")


# A draft may be written ahead of the activity (its plan: the agenda, the lecturer, the place),
# at most this far ahead; it is submitted once the activity has taken place.
DRAFT_DAYS_AHEAD = 90


def _check_held_on(log: ActivityLog) -> str | None:
    """What is wrong with the log's date, if anything: never before its branch existed; a
    draft at most DRAFT_DAYS_AHEAD days ahead; a submitted log not in the future."""
    today = timezone.localdate()
    if log.held_on < log.branch.established_on:
        return _("This date is before the branch was established (%(date)s): check the year.") % {
            "date": date_format(log.branch.established_on)
        }
    if log.status == ActivityLog.Status.SUBMITTED and log.held_on > today:
        return _("A submitted activity cannot be in the future.")
    if log.held_on > today + datetime.timedelta(days=DRAFT_DAYS_AHEAD):
        return _(
            "A draft can be prepared at most %(days)s days ahead (until %(date)s): check the year."
        ) % {
            "days": DRAFT_DAYS_AHEAD,
            "date": date_format(today + datetime.timedelta(days=DRAFT_DAYS_AHEAD)),
        }
    return None


def _check_log(log: ActivityLog) -> None:
    # The date as the model reads it (a caller may give it as text, as the ORM allows).
    log.held_on = ActivityLog._meta.get_field("held_on").to_python(log.held_on)
    errors = {}
    if problem := _check_held_on(log):
        errors["held_on"] = problem
    if log.branch.status != Branch.Status.ACTIVE:
        errors["branch"] = _("Activities are recorded only for an active branch.")
    if log.party_group_id and log.party_group.branch_id != log.branch_id:
        errors["party_group"] = _("Choose a Party group of this branch.")
    if log.kind.level == ActivityKind.Level.GROUP and not log.party_group_id:
        errors["party_group"] = _("A Party group meeting names its Party group.")
    if (
        log.campaign_item_id
        and not log.campaign_item.campaign.branches.filter(pk=log.branch_id).exists()
    ):
        errors["campaign_item"] = _("This branch does not take part in that campaign.")
    if errors:
        raise ValidationError(errors)


def _write_attendance(log: ActivityLog, attendance: dict[int, tuple[str, str]]) -> None:
    roster = set(members_active_on(log.branch, log.held_on).values_list("pk", flat=True))
    strangers = set(attendance) - roster
    if strangers:
        names = ", ".join(
            Member.objects.filter(pk__in=strangers).order_by("name").values_list("name", flat=True)
        )
        raise ValidationError(
            {
                "attendance": _("Not in this branch on %(day)s: %(names)s.")
                % {"day": date_format(log.held_on), "names": names or "?"}
            }
        )
    for member_id, (status, reason) in attendance.items():
        if status not in Attendance.Status.values:
            raise ValidationError({"attendance": _("Unknown attendance value.")})
        if status == Attendance.Status.LEAVE and not reason.strip():
            name = Member.objects.get(pk=member_id).name
            raise ValidationError(
                {"attendance": _("Give the reason %(name)s is on leave.") % {"name": name}}
            )
    log.attendance.exclude(member_id__in=attendance).delete()
    existing = {a.member_id: a for a in log.attendance.all()}
    new = []
    for member_id, (status, reason) in attendance.items():
        row = existing.get(member_id)
        if row is None:
            new.append(Attendance(log=log, member_id=member_id, status=status, reason=reason))
        elif (row.status, row.reason) != (status, reason):
            row.status, row.reason = status, reason
            row.save(update_fields=["status", "reason"])
    Attendance.objects.bulk_create(new)


def activity_log_create(
    *,
    log: ActivityLog,
    attendance: dict[int, tuple[str, str]],
    actor,
    submission_token: uuid.UUID | None = None,
) -> ActivityLog:
    """Record a draft with its attendance (a form sent twice makes one log)."""

    def create() -> ActivityLog:
        log.status = ActivityLog.Status.DRAFT
        log.created_by = actor
        log.submission_token = submission_token
        _check_log(log)
        _save(log)
        _write_attendance(log, attendance)
        return log

    return create_once(ActivityLog, submission_token, create)


@transaction.atomic
def activity_log_update(
    *, log: ActivityLog, attendance: dict[int, tuple[str, str]], actor
) -> ActivityLog:
    """Change a log. A draft is changed by its branch; a submitted log only by street staff,
    and the change stays in the audit history."""
    stored = ActivityLog.objects.select_for_update().get(pk=log.pk)
    if stored.status == ActivityLog.Status.SUBMITTED and not is_street_staff(actor):
        raise ValidationError(_("A submitted log is changed only by street staff."))
    _check_log(log)
    save_revision(log)  # refused if someone saved the log since the form was shown
    _write_attendance(log, attendance)
    return log


@transaction.atomic
def activity_log_submit(*, log: ActivityLog, actor) -> ActivityLog:
    log = ActivityLog.objects.select_for_update().get(pk=log.pk)
    if log.status != ActivityLog.Status.DRAFT:
        raise ValidationError(_("This log has already been submitted."))
    errors = {}
    if log.held_on > timezone.localdate():
        errors["held_on"] = _("An activity is submitted once it has taken place.")
    if log.kind.needs_lecturer and not log.lecturer.strip():
        errors["lecturer"] = _("Give the lecturer of this lesson.")
    if errors:
        raise ValidationError(errors)
    log.status = ActivityLog.Status.SUBMITTED
    log.submitted_at = timezone.now()
    log.submitted_by = actor
    return save_revision(log)


@transaction.atomic
def activity_log_delete_draft(*, log: ActivityLog) -> None:
    log = ActivityLog.objects.select_for_update().get(pk=log.pk)
    if log.status != ActivityLog.Status.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    for photo in log.photos.all():
        photo.image.delete(save=False)
    log.delete()


@transaction.atomic
def photo_add(*, log: ActivityLog, upload, actor, caption: str = "") -> ActivityPhoto:
    cleaned = clean_photo(upload)
    photo = ActivityPhoto(
        log=log,
        caption=caption,
        content_type=cleaned.content_type,
        width=cleaned.width,
        height=cleaned.height,
        uploaded_by=actor,
    )
    photo.image.save(cleaned.file.name, cleaned.file, save=False)
    photo.save()
    return photo


PENDING_PHOTO_LIFETIME = datetime.timedelta(hours=24)


def pending_photo_keep(*, upload, user) -> PendingPhoto:
    """Keep a photo chosen on a form sent back with errors, for this user only: checked and
    cleaned exactly as a log's photo is (clean_photo), so it is offered again instead of being
    lost, and becomes the log's photo when the form is saved (pending_photo_attach)."""
    cleaned = clean_photo(upload)
    pending = PendingPhoto(
        user=user,
        original_name=PurePath(upload.name).name[:255] or cleaned.file.name,
        content_type=cleaned.content_type,
        width=cleaned.width,
        height=cleaned.height,
    )
    pending.image.save(cleaned.file.name, cleaned.file, save=False)
    pending.save()
    return pending


@transaction.atomic
def pending_photo_attach(*, pending: PendingPhoto, log: ActivityLog, actor) -> ActivityPhoto:
    """A kept photo becomes the log's photo; the kept copy is deleted once the log has it."""
    if pending.user_id != actor.pk:
        raise ValidationError({"photos": _("This kept photo belongs to someone else.")})
    photo = ActivityPhoto(
        log=log,
        content_type=pending.content_type,
        width=pending.width,
        height=pending.height,
        uploaded_by=actor,
    )
    with pending.image.open("rb") as kept:
        photo.image.save(f"photo{PurePath(pending.image.name).suffix}", kept, save=False)
    photo.save()
    pending_photo_discard(pending=pending)
    return photo


def pending_photo_discard(*, pending: PendingPhoto) -> None:
    name, storage = pending.image.name, pending.image.storage
    pending.delete()
    transaction.on_commit(lambda: storage.delete(name))


def pending_photos_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the kept photos of forms never sent again (scheduled daily)."""
    cutoff = (now or timezone.now()) - PENDING_PHOTO_LIFETIME
    stale = list(PendingPhoto.objects.filter(created_at__lt=cutoff))
    for pending in stale:
        with transaction.atomic():
            pending_photo_discard(pending=pending)
    return len(stale)


def photo_clean_stored(*, photo: ActivityPhoto) -> bool:
    """Clean a photo stored before uploads were cleaned (clean_photo): written again upright,
    without metadata, under a name with its format's extension; the old file is deleted once
    the row points at the new one. Returns whether anything changed."""
    if is_clean(photo.image):
        return False
    old = photo.image.name
    with photo.image.open("rb") as stored:
        cleaned = clean_photo(stored)
    with transaction.atomic():
        photo.image.save(cleaned.file.name, cleaned.file, save=False)
        photo.content_type = cleaned.content_type
        photo.width, photo.height = cleaned.width, cleaned.height
        photo.save(update_fields=["image", "content_type", "width", "height"])
        transaction.on_commit(lambda: photo.image.storage.delete(old))
    return True


@transaction.atomic
def photo_delete(*, photo: ActivityPhoto, actor) -> None:
    if not photo.log.is_draft and not is_street_staff(actor):
        raise ValidationError(_("A submitted log is changed only by street staff."))
    photo.image.delete(save=False)
    photo.delete()


# Brands and rules --------------------------------------------------------------------------------


@transaction.atomic
def brand_save(*, brand: Brand, evidence=None) -> Brand:
    """Create or change a branch's brand (refused if someone saved it since the form was shown,
    or created it while this one was being written)."""
    if brand.pk is None and (existing := Brand.objects.filter(branch=brand.branch_id).first()):
        raise EditConflict(existing)
    try:
        with transaction.atomic():
            save_revision(brand)
    except IntegrityError as error:  # created by someone else at this very moment
        existing = Brand.objects.filter(branch=brand.branch_id).first()
        if brand.pk is None and existing is not None:
            raise EditConflict(existing) from error
        raise
    if evidence is not None:
        if any(log.branch_id != brand.branch_id for log in evidence):
            raise ValidationError({"evidence": _("Evidence comes from the branch's own logs.")})
        brand.evidence.set(evidence)
    return brand


@transaction.atomic
def rule_save(*, rule: Rule, document=None) -> Rule:
    if document is not None:
        rule.document_type = check_document(document)
        # Named by what it is, never by the uploaded name.
        rule.document.save(f"document.{rule.document_type}", document, save=False)
    if not rule.text.strip() and not rule.document:
        raise ValidationError({"text": _("Give the text of the rule or attach its document.")})
    return _save(rule)


# Suggestions -------------------------------------------------------------------------------------

SUGGESTION_NEXT = {
    Suggestion.Status.SUBMITTED: {Suggestion.Status.ADOPTED, Suggestion.Status.DECLINED},
    Suggestion.Status.ADOPTED: {Suggestion.Status.IMPLEMENTED},
    Suggestion.Status.DECLINED: set(),
    Suggestion.Status.IMPLEMENTED: set(),
}


def suggestion_submit(
    *,
    suggestion: Suggestion,
    actor,
    submission_token: uuid.UUID | None = None,
) -> Suggestion:
    def create() -> Suggestion:
        if suggestion.submitted_on > timezone.localdate():
            raise ValidationError({"submitted_on": _("This date is in the future.")})
        if (
            suggestion.working_group_id
            and suggestion.working_group.project_id != suggestion.project_id
        ):
            raise ValidationError({"working_group": _("This working group is on another project.")})
        suggestion.branch = suggestion.project.branches.filter(status="active").first()
        suggestion.status = Suggestion.Status.SUBMITTED
        suggestion.submission_token = submission_token
        _save(suggestion)
        SuggestionStep.objects.create(
            suggestion=suggestion,
            status=suggestion.status,
            happened_on=suggestion.submitted_on,
            actor=actor,
        )
        return suggestion

    return create_once(Suggestion, submission_token, create)


@transaction.atomic
def suggestion_move(
    *,
    suggestion: Suggestion,
    to_status: str,
    on: datetime.date,
    actor,
    note: str = "",
    days_saved: int | None = None,
    money_saved=None,
) -> Suggestion:
    """Review (adopt or decline, with a reply) or record the implementation and its effect."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if to_status not in SUGGESTION_NEXT[Suggestion.Status(suggestion.status)]:
        raise ValidationError(
            {
                "to_status": _("A suggestion that is %(from)s cannot become %(to)s.")
                % {
                    "from": Suggestion.Status(suggestion.status).label,
                    "to": Suggestion.Status(to_status).label,
                }
            }
        )
    last = suggestion.steps.order_by("-happened_on").values_list("happened_on", flat=True)[0]
    if on < last:
        raise ValidationError(
            {"on": _("This is before the previous step (%(date)s).") % {"date": last}}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    if not note.strip():
        raise ValidationError(
            {
                "note": _("Write the effect of the implementation.")
                if to_status == Suggestion.Status.IMPLEMENTED
                else _("Write the reply to the person who made the suggestion.")
            }
        )
    suggestion.status = to_status
    if to_status in (Suggestion.Status.ADOPTED, Suggestion.Status.DECLINED):
        suggestion.reply = note
        suggestion.reviewed_on = on
    else:
        suggestion.effect = note
        suggestion.implemented_on = on
        suggestion.days_saved = days_saved
        suggestion.money_saved = money_saved
    _save(suggestion)
    SuggestionStep.objects.create(
        suggestion=suggestion, status=to_status, happened_on=on, note=note, actor=actor
    )
    return suggestion
