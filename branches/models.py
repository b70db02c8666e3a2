import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.models import ChoicesDisplay, Job, Revisioned, dates_in_order
from core.reversing import reverse


class PartyCommittee(models.Model):
    """The street's Project Party Committee (项目党委), under the working committee (党工委)."""

    street = models.OneToOneField(
        "projects.Street",
        on_delete=models.PROTECT,
        related_name="party_committee",
        verbose_name=_("street"),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    working_committee = models.CharField(_("working committee"), max_length=100)
    secretary_name = models.CharField(_("secretary"), max_length=50, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Project Party Committee")
        verbose_name_plural = _("Project Party Committees")

    def __str__(self) -> str:
        return self.name


class TransformedInto(models.TextChoices):
    """What a branch's Party building becomes when its project is completed (三转化)."""

    BUSINESS_DISTRICT = "business_district", _("Business-district Party building")
    BUILDING = "building", _("Building Party building")
    COMMUNITY = "community", _("Community Party building")


class Branch(Revisioned):
    """A project branch (项目党支部): one per construction project."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFORMED = "transformed", _("Transformed")
        DISSOLVED = "dissolved", _("Dissolved")

    committee = models.ForeignKey(
        PartyCommittee,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("Project Party Committee"),
    )
    # A project has one active branch at a time; a transformed or dissolved one stays on record.
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    established_on = models.DateField(_("established on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # Transformation (三转化) or dissolution: when, into what, and who carries on.
    closed_on = models.DateField(_("transformed or dissolved on"), null=True, blank=True)
    transformed_into = models.CharField(
        _("transformed into"), max_length=20, choices=TransformedInto.choices, blank=True
    )
    successor_name = models.CharField(_("successor organisation"), max_length=200, blank=True)
    closure_note = models.TextField(_("note"), blank=True)

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("project branch")
        verbose_name_plural = _("project branches")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="branch_status_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="active"),
                name="one_active_branch_per_project",
                violation_error_message=_("This project already has an active branch."),
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(closed_on__isnull=True))
                | (~Q(status="active") & Q(closed_on__isnull=False)),
                name="branch_closed_on_matches_status",
                violation_error_message=_(
                    "A transformed or dissolved branch needs the date; an active one has none."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="transformed") | ~Q(transformed_into=""),
                name="branch_transformed_into_given",
                violation_error_message=_("Say what the branch was transformed into."),
            ),
            dates_in_order(
                "established_on",
                "closed_on",
                name="branch_dates_in_order",
                message=_("A branch cannot close before it is established."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("branches:detail", args=[self.pk])


class SeatQuerySet(models.QuerySet):
    def held_on(self, day: datetime.date) -> "SeatQuerySet":
        """Seats someone held on that day: started by then and not yet ended."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class Seat(ChoicesDisplay, models.Model):
    """A seat on a branch committee, held from one date to another. Seats are appointed and
    ended, never overwritten: a change of secretary ends one seat and opens another."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        COMMITTEE_MEMBER = "committee_member", _("Committee member")

    class Origin(models.TextChoices):
        LINKED_LEADER = "linked_leader", _("Street's linked leader")
        COMMUNITY_PARTY_HEAD = "community_party_head", _("Community Party head")
        ENTERPRISE_PARTY_HEAD = "enterprise_party_head", _("Investor's or contractor's Party head")
        ENTERPRISE_BACKBONE = (
            "enterprise_backbone",
            _("Backbone member of an investor or contractor without a Party organisation"),
        )
        ELECTION = "election", _("Elected by the branch general meeting")

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="seats", verbose_name=_("branch")
    )
    kind = models.CharField(_("seat"), max_length=20, choices=Kind.choices)
    holder_name = models.CharField(_("held by"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        verbose_name=_("log-in"),
        help_text=_("The log-in of the seat holder; it sees this branch while the seat is held."),
    )
    origin = models.CharField(_("origin"), max_length=24, choices=Origin.choices)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    # When the row last changed: an API consumer syncs the changes since its last call.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = SeatQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        ordering = ["branch", "kind", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(kind="secretary", ended_on__isnull=True),
                name="one_open_secretary_seat_per_branch",
                violation_error_message=_(
                    "This branch already has a secretary: end that seat first."
                ),
            ),
            dates_in_order(
                "started_on",
                "ended_on",
                name="seat_dates_in_order",
                message=_("A seat cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.get_kind_display()} · {self.holder_name}"


class TermQuerySet(models.QuerySet):
    def current(self) -> "TermQuerySet":
        """Each branch's latest term (the one it is in, or the one that expired)."""
        later = Term.objects.filter(
            branch=models.OuterRef("branch"), started_on__gt=models.OuterRef("started_on")
        )
        return self.filter(~models.Exists(later))


class Term(models.Model):
    """A term of a branch's committee (or of its secretary, in a branch without a committee):
    elected for 3 or 5 years. A new election opens a new term; old ones stay on record."""

    class Years(models.IntegerChoices):
        THREE = 3, _("3 years")
        FIVE = 5, _("5 years")

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="terms", verbose_name=_("branch")
    )
    started_on = models.DateField(_("term began on"))
    years = models.PositiveSmallIntegerField(_("term"), choices=Years.choices)
    ends_on = models.DateField(_("term ends on"), editable=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["branch", "-started_on"]
        indexes = [models.Index(fields=["ends_on"], name="term_ends_on_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "started_on"],
                name="one_term_per_branch_and_day",
                violation_error_message=_("This branch already has a term beginning that day."),
            ),
            models.CheckConstraint(
                condition=Q(years__in=[3, 5]),
                name="term_of_three_or_five_years",
                violation_error_message=_("A term lasts 3 or 5 years."),
            ),
            dates_in_order(
                "started_on",
                "ends_on",
                name="term_dates_in_order",
                message=_("A term cannot end before it begins."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.started_on} – {self.ends_on}"


class PartyGroup(Revisioned):
    """A Party group (党小组) of a branch, matched to a working group of the project where the
    report pairs them."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="party_groups", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=100)
    working_group = models.ForeignKey(
        "projects.WorkingGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_groups",
        verbose_name=_("matched working group"),
    )
    leader_name = models.CharField(_("group leader"), max_length=50, blank=True)
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("Party group")
        verbose_name_plural = _("Party groups")
        ordering = ["branch", "dissolved_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "name"],
                condition=Q(dissolved_on__isnull=True),
                name="party_group_name_unique_while_active",
                violation_error_message=_("This branch already has an active group of that name."),
            ),
            dates_in_order(
                "established_on",
                "dissolved_on",
                name="party_group_dates_in_order",
                message=_("A group cannot be dissolved before it is established."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("branches:detail", args=[self.branch_id]) + f"#party-group-{self.pk}"


def archive_path(instance, filename: str) -> str:
    return f"archives/{uuid.uuid4().hex}.zip"


class Archive(ChoicesDisplay, models.Model):
    """The handover archive of a branch (transformed, dissolved, or on demand): its ledgers as
    xlsx, its photos and rule documents, and an index, in one zip kept with the branch."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="archives", verbose_name=_("branch")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=archive_path, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    digest = models.CharField(_("content digest"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    job = models.ForeignKey(
        Job,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("background job"),
    )

    class Meta:
        verbose_name = _("handover archive")
        verbose_name_plural = _("handover archives")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(
                fields=["branch", "requested_at", "id"], name="archive_branch_requested_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.requested_at:%Y-%m-%d}"

    @property
    def waiting_for_queue(self) -> bool:
        """Queued while the broker was down: it is built once the queue is back."""
        return (
            self.status == self.Status.QUEUED
            and self.job is not None
            and (self.job.status != Job.Status.HANDED)
        )
