"""Organisational life: activity kinds and their expected frequency, activity logs with
attendance and photos, campaigns, brands, rules and the suggestion drive (我为项目献一策)."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.models import ChoicesDisplay, Revisioned
from core.reversing import reverse


class Frequency(models.TextChoices):
    NONE = "none", _("No fixed frequency")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class ActivityKind(models.Model):
    """A kind of activity, configured by committee staff. A kind with an expected frequency
    defines compliance; a kind may count as another (a work-shed lesson is a Party lesson)."""

    class Level(models.TextChoices):
        BRANCH = "branch", _("Branch")
        GROUP = "group", _("Party group")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    level = models.CharField(
        _("held by"), max_length=10, choices=Level.choices, default=Level.BRANCH
    )
    frequency = models.CharField(
        _("expected frequency"), max_length=10, choices=Frequency.choices, default=Frequency.NONE
    )
    counts_as = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counted_by",
        verbose_name=_("counts as"),
        help_text=_("A log of this kind also fulfils the other kind's expected frequency."),
    )
    needs_lecturer = models.BooleanField(_("has a lecturer"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A theme campaign series (主题活动系列), e.g. 紫琅山下党旗红, with its items."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    branches = models.ManyToManyField(
        "branches.Branch", related_name="campaigns", verbose_name=_("participating branches")
    )

    # When the row last changed: an API consumer syncs the changes since its last call.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        indexes = [
            models.Index(fields=["starts_on", "name"], name="campaign_starts_on_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_dates_in_order",
                violation_error_message=_("A campaign cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:campaign_detail", args=[self.pk])


class CampaignItem(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="items", verbose_name=_("campaign")
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Each fact is entered once: a suggestion drive is counted from the suggestions themselves,
    # not from an activity logged again to say they were made.
    collects_suggestions = models.BooleanField(
        _("counts the suggestions"),
        default=False,
        help_text=_(
            "The suggestions (我为项目献一策) submitted in a branch during the campaign count "
            "under this item, with no activity to log."
        ),
    )

    class Meta:
        verbose_name = _("campaign item")
        verbose_name_plural = _("campaign items")
        ordering = ["campaign", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaign_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"


class ActivityLog(Revisioned):
    """One activity as the branch secretary records it: at once the ledger row, the compliance
    tick, the assessment evidence and the archive entry."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="activity_logs",
        verbose_name=_("branch"),
    )
    party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_logs",
        verbose_name=_("Party group"),
    )
    kind = models.ForeignKey(
        ActivityKind, on_delete=models.PROTECT, related_name="logs", verbose_name=_("kind")
    )
    campaign_item = models.ForeignKey(
        CampaignItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logs",
        verbose_name=_("campaign item"),
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place on site"), max_length=100, blank=True)
    host = models.CharField(_("host"), max_length=50, blank=True)
    recorder = models.CharField(_("recorder"), max_length=50, blank=True)
    lecturer = models.CharField(_("lecturer"), max_length=50, blank=True)
    non_member_count = models.PositiveSmallIntegerField(
        _("non-member participants"), default=0, validators=[MinValueValidator(0)]
    )
    content = models.TextField(_("minutes or content"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["submission_token", "updated_at"])

    class Meta:
        verbose_name = _("activity log")
        verbose_name_plural = _("activity logs")
        ordering = ["-held_on", "-pk"]
        indexes = [
            # A branch's list (and its compliance by date range), newest first.
            models.Index(fields=["branch", "held_on", "id"], name="activity_branch_held_on_idx"),
            # The street's list and the admin's default order: -held_on, -id.
            models.Index(fields=["held_on", "id"], name="activity_held_on_id_idx"),
            # Compliance: the submitted logs of a branch by kind and date, read from the index
            # alone (activities.compliance).
            models.Index(
                fields=["branch", "kind", "held_on"],
                include=["party_group"],
                condition=Q(status="submitted"),
                name="activity_submitted_kind_idx",
            ),
            # A campaign's rollup: the submitted logs of a branch per campaign item.
            models.Index(
                fields=["branch", "campaign_item"],
                condition=Q(status="submitted", campaign_item__isnull=False),
                name="activity_submitted_item_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="activity_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        LEAVE = "leave", _("On leave")

    log = models.ForeignKey(
        ActivityLog, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("member"),
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["log", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["log", "member"], name="attendance_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"


def _random_name(folder: str, filename: str) -> str:
    """Uploads are stored under random names: a name says nothing and cannot be guessed."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def photo_path(instance, filename: str) -> str:
    return _random_name("activity-photos", filename)


def document_path(instance, filename: str) -> str:
    return _random_name("rule-documents", filename)


class ActivityPhoto(models.Model):
    log = models.ForeignKey(
        ActivityLog, on_delete=models.CASCADE, related_name="photos", verbose_name=_("activity")
    )
    image = models.FileField(_("photo"), upload_to=photo_path)
    content_type = models.CharField(_("file type"), max_length=20, editable=False)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["log", "uploaded_at"]

    def __str__(self) -> str:
        return self.caption or self.image.name


def pending_photo_path(instance, filename: str) -> str:
    return _random_name("pending-photos", filename)


class PendingPhoto(models.Model):
    """A photo chosen on an activity form that was sent back with errors: already checked and
    cleaned like any stored photo, held for its user only until the form is saved (then it
    becomes the log's photo) or a day has passed (then it is deleted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pending_photos",
        verbose_name=_("user"),
    )
    image = models.FileField(_("photo"), upload_to=pending_photo_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=20, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("photo kept for a form")
        verbose_name_plural = _("photos kept for forms")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class Brand(Revisioned):
    """A branch's brand (品牌): its name, three pillars, slogan, story, and the activities that
    are its evidence."""

    branch = models.OneToOneField(
        "branches.Branch", on_delete=models.CASCADE, related_name="brand", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=50)
    pillar_1 = models.CharField(_("first pillar"), max_length=50)
    pillar_2 = models.CharField(_("second pillar"), max_length=50)
    pillar_3 = models.CharField(_("third pillar"), max_length=50)
    slogan = models.CharField(_("slogan"), max_length=100, blank=True)
    story = models.TextField(_("story"), blank=True)
    evidence = models.ManyToManyField(
        ActivityLog, blank=True, related_name="brands", verbose_name=_("evidence")
    )

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Rule(ChoicesDisplay, models.Model):
    """A rule (制度) of a project's branch, engineering department or headquarters."""

    class Owner(models.TextChoices):
        BRANCH = "branch", _("Project branch")
        ENGINEERING = "engineering", _("Engineering department")
        HEADQUARTERS = "headquarters", _("Project headquarters")

    class Kind(models.TextChoices):
        OPERATING = "operating", _("Operating rule")
        DELIBERATION = "deliberation", _("Deliberation rule")
        ACTIVITY = "activity", _("Activity rule")

    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.CASCADE, related_name="rules", verbose_name=_("branch")
    )
    owner = models.CharField(_("issued by"), max_length=14, choices=Owner.choices)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    effective_on = models.DateField(_("effective on"))
    text = models.TextField(_("text"), blank=True)
    document = models.FileField(_("document (PDF or DOCX)"), upload_to=document_path, blank=True)
    document_type = models.CharField(_("file type"), max_length=10, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["branch", "owner", "-effective_on"]

    def __str__(self) -> str:
        return self.title


class Suggestion(ChoicesDisplay, models.Model):
    """A suggestion of the drive 我为项目献一策: raised by anyone on the project, reviewed,
    adopted or declined with a reply, and an adopted one followed to implementation."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ADOPTED = "adopted", _("Adopted")
        DECLINED = "declined", _("Declined")
        IMPLEMENTED = "implemented", _("Implemented")

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("project"),
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("branch"),
    )
    working_group = models.ForeignKey(
        "projects.WorkingGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("working group"),
    )
    author = models.CharField(_("raised by"), max_length=50)
    author_is_member = models.BooleanField(_("Party member"), default=False)
    content = models.TextField(_("suggestion"))
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    reply = models.TextField(_("reply"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    effect = models.TextField(_("effect"), blank=True)
    days_saved = models.PositiveIntegerField(_("days saved"), null=True, blank=True)
    money_saved = models.DecimalField(
        _("money saved (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["submission_token", "updated_at"])

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-submitted_on", "-pk"]
        indexes = [
            models.Index(fields=["submitted_on", "id"], name="suggestion_submitted_on_id_idx"),
        ]

    def __str__(self) -> str:
        return self.content[:40]

    def get_absolute_url(self) -> str:
        return reverse("activities:suggestion_detail", args=[self.pk])


class SuggestionStep(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("suggestion")
    )
    status = models.CharField(_("status"), max_length=12, choices=Suggestion.Status.choices)
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion step")
        verbose_name_plural = _("suggestion steps")
        ordering = ["suggestion", "happened_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.suggestion} · {self.get_status_display()}"
