"""The bundled assessment (捆绑式考评) of Party building and project construction: versioned
assessment rules (考核细则), cycles deployed, inspected and assessed together, scores and
results; and the reminders that keep each cycle on time."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.channels import channel_label
from core.history import HistoricalRecords
from core.models import ChoicesDisplay, Revisioned, dates_in_order
from core.reversing import reverse

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class RuleVersion(Revisioned):
    """One version of the assessment rules. A published version is frozen: changes make a new
    version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("based on"),
    )
    party_weight = models.DecimalField(
        _("weight of Party building, in percent"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=PERCENT,
    )
    construction_weight = models.DecimalField(
        _("weight of project construction, in percent"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=PERCENT,
    )
    excellent_from = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=2, default=90, validators=PERCENT
    )
    good_from = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=2, default=80, validators=PERCENT
    )
    pass_from = models.DecimalField(
        _("pass from"), max_digits=5, decimal_places=2, default=60, validators=PERCENT
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment rules version")
        verbose_name_plural = _("assessment rules versions")
        ordering = ["-year", "-pk"]
        indexes = [
            models.Index(fields=["year", "id"], name="rule_version_year_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_weight__gte=0)
                & Q(construction_weight__gte=0)
                & Q(party_weight=Decimal(100) - F("construction_weight")),
                name="rule_version_weights_make_100",
                violation_error_message=_(
                    "The weights of Party building and construction add up to 100 percent."
                ),
            ),
            models.CheckConstraint(
                condition=Q(excellent_from__gt=F("good_from")) & Q(good_from__gt=F("pass_from")),
                name="rule_version_grades_in_order",
                violation_error_message=_(
                    "Grade thresholds go down from excellent to good to pass."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:version_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Criterion(Revisioned):
    """A node of the rules: a category, an item or a sub-item (1-1, 1-2 …). Scores are given to
    the leaves; a parent's score is the sum of its children's, never above its maximum."""

    class Category(models.TextChoices):
        PARTY_BUILDING = "party", _("Party building")
        CONSTRUCTION = "construction", _("Project construction")
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")
        VETO = "veto", _("Veto")

    class Method(models.TextChoices):
        MANUAL = "manual", _("Scored by hand")
        COMPUTED = "computed", _("Computed from the portal's data")

    class Metric(models.TextChoices):
        ACTIVITY_COMPLIANCE = "activity_compliance", _("Activity compliance rate")
        POCKET_TRANSFERRED = "pocket_transferred", _("Share of pocket members transferred")
        COORDINATION_ON_TIME = "coordination_on_time", _("Coordination items resolved on time")
        STAGES_ON_TIME = "stages_on_time", _("Stage dates met")
        SUGGESTIONS_ADOPTED = "suggestions_adopted", _("Suggestions adopted")
        RECTIFIED_ON_TIME = "rectified_on_time", _("Inspections rectified on time")

    version = models.ForeignKey(
        RuleVersion, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("version")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    code = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.TextField(_("scoring rule"), blank=True)
    evidence_needed = models.CharField(_("evidence needed"), max_length=200, blank=True)
    method = models.CharField(
        _("scored"), max_length=10, choices=Method.choices, default=Method.MANUAL
    )
    metric = models.CharField(_("computed from"), max_length=24, choices=Metric.choices, blank=True)
    highest_only = models.BooleanField(
        _("only the highest counts"),
        default=False,
        help_text=_(
            "For a group of bonus items: only the highest of its items counts, not the sum."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["version", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=~Q(method="computed") | ~Q(metric=""),
                name="computed_criterion_has_metric",
                violation_error_message=_("A computed criterion says what it is computed from."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# The sides whose manual items must be scored by hand before results are published; computed
# items fill themselves, and bonus, penalty and veto items count as nothing unless scored.
HAND_SCORED_SIDES = (Criterion.Category.PARTY_BUILDING, Criterion.Category.CONSTRUCTION)


class Cycle(ChoicesDisplay, models.Model):
    """A cycle applies one version to the branches, in three phases with their deadlines:
    deploy (部署), inspect (检查), assess (考核)."""

    class Status(models.TextChoices):
        DEPLOYING = "deploying", _("Deploy")
        INSPECTING = "inspecting", _("Inspect")
        ASSESSING = "assessing", _("Assess")
        PUBLISHED = "published", _("Results published")

    version = models.ForeignKey(
        RuleVersion, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("rules")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period until"))
    deploy_due = models.DateField(_("deployment due"))
    inspect_due = models.DateField(_("inspection due"))
    assess_due = models.DateField(_("assessment due"))
    status = models.CharField(
        _("phase"), max_length=10, choices=Status.choices, default=Status.DEPLOYING
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    branches = models.ManyToManyField(
        "branches.Branch", related_name="assessment_cycles", verbose_name=_("branches")
    )

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(m2m_fields=[], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        ordering = ["-starts_on"]
        indexes = [
            models.Index(fields=["starts_on", "id"], name="cycle_starts_on_id_idx"),
        ]
        constraints = [
            dates_in_order(
                "starts_on",
                "ends_on",
                name="cycle_period_in_order",
                message=_("The period ends before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(inspect_due__gte=F("deploy_due")) & Q(assess_due__gte=F("inspect_due")),
                name="cycle_deadlines_in_order",
                violation_error_message=_(
                    "Deadlines follow the phases: deploy, then inspect, then assess."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessments:cycle_detail", args=[self.pk])


class DeploymentTask(ChoicesDisplay, models.Model):
    """A task assigned in the deploy phase to a branch or to its engineering department."""

    class Side(models.TextChoices):
        PARTY = "party", _("Project branch")
        CONSTRUCTION = "construction", _("Engineering department")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("cycle")
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="assessment_tasks",
        verbose_name=_("branch"),
    )
    side = models.CharField(_("assigned to"), max_length=12, choices=Side.choices)
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deployment task")
        verbose_name_plural = _("deployment tasks")
        ordering = ["cycle", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Inspection(ChoicesDisplay, models.Model):
    """A joint inspection (检查): findings and, where needed, a rectification with its due date."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("cycle")
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("branch"),
    )
    held_on = models.DateField(_("inspected on"))
    inspectors = models.CharField(_("inspectors"), max_length=200)
    findings = models.TextField(_("findings"))
    rectification = models.TextField(_("rectification required"), blank=True)
    rectification_due = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["cycle", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rectification="") | Q(rectification_due__isnull=False),
                name="rectification_has_due_date",
                violation_error_message=_("A rectification needs its due date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.held_on}"


def evidence_path(instance, filename: str) -> str:
    """A random name: the uploader's file name says nothing the portal needs (nor shows)."""
    return f"score-evidence/{uuid.uuid4().hex}"


class Score(models.Model):
    """The scores of one criterion for one branch in one cycle: the secretary's self-score with
    its evidence, the committee's score, and a computed value for computed criteria."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment cycle")
    )
    branch = models.ForeignKey(
        "branches.Branch", on_delete=models.PROTECT, related_name="scores", verbose_name=_("branch")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    self_score = models.DecimalField(
        _("self-score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    evidence = models.TextField(_("supporting material"), blank=True)
    # The same facts as the portal already holds them: the branch's records of the cycle's
    # period, pointed at rather than typed again; and, optionally, one document.
    evidence_activities = models.ManyToManyField(
        "activities.ActivityLog", blank=True, related_name="+", verbose_name=_("activity logs")
    )
    evidence_suggestions = models.ManyToManyField(
        "activities.Suggestion", blank=True, related_name="+", verbose_name=_("suggestions")
    )
    evidence_rules = models.ManyToManyField(
        "activities.Rule", blank=True, related_name="+", verbose_name=_("rules")
    )
    evidence_file = models.FileField(
        _("document (PDF or DOCX)"), upload_to=evidence_path, blank=True, default=""
    )
    evidence_file_type = models.CharField(max_length=10, blank=True, default="", editable=False)
    committee_score = models.DecimalField(
        _("committee score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    committee_note = models.CharField(_("committee note"), max_length=200, blank=True)
    self_scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-scored by"),
    )
    committee_scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scored by the committee"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "branch", "criterion"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.criterion}"

    @property
    def has_evidence(self) -> bool:
        """Any supporting material: text, a document or a record pointed at (read from the
        prefetched records of selectors.scores_for)."""
        return bool(
            self.evidence
            or self.evidence_file
            or self.evidence_activities.all()
            or self.evidence_suggestions.all()
            or self.evidence_rules.all()
        )


class Result(ChoicesDisplay, models.Model):
    """A branch's bundled result, frozen when the cycle's results are published."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="results", verbose_name=_("assessment cycle")
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("branch"),
    )
    party_score = models.DecimalField(_("Party building"), max_digits=7, decimal_places=2)
    construction_score = models.DecimalField(
        _("project construction"), max_digits=7, decimal_places=2
    )
    bonus = models.DecimalField(_("bonus"), max_digits=7, decimal_places=2)
    penalty = models.DecimalField(_("penalty"), max_digits=7, decimal_places=2)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    rank = models.PositiveSmallIntegerField(_("rank"))

    # When the row last changed: an API consumer syncs the changes since its last call.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["cycle", "rank", "branch__name"]
        indexes = [models.Index(fields=["cycle", "rank", "id"], name="result_cycle_rank_idx")]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "branch"], name="result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.branch} · {self.total}"


class Notification(models.Model):
    """A reminder to one person. Its key (recipient, subject, event, stage) is unique: the row is
    claimed before anything is sent, so a second sweep or two workers never remind anyone twice.
    What leaves the portal (an e-mail, …) is a Delivery of it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    key = models.CharField(_("unique key"), max_length=200, unique=True)
    # The branch the reminder is about (none for the street's own): its group robots tell it.
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    event = models.CharField(_("event"), max_length=40)
    stage = models.CharField(_("stage"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["recipient", "created_at", "id"], name="notification_recipient_new_idx"
            ),
            models.Index(fields=["created_at", "id"], name="notification_created_id_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(ChoicesDisplay, models.Model):
    """One reminder to its recipient on one channel (e-mail, …), sent at most once: a worker
    claims it (pending → sending, with a lease) before sending and marks it sent right after
    (assessments/deliveries.py). A failure is retried with growing intervals, then left failed
    for staff to see and resend."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("reminder"),
    )
    channel = models.CharField(_("channel"), max_length=40)
    # A robot's delivery: the robot, and what the reminder is about (its key without the
    # recipient), so that a group hears of it once however many of its members are reminded.
    robot = models.ForeignKey(
        "ReminderChannel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("reminder channel"),
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Pending: not to be sent before this (now, or the time of the next retry).
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # When it was last handed to the broker: the re-queue pass hands over again what stays
    # pending long after that (the message was lost with a worker, or never published).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # Sending: the claim holds until then; past it, its worker is taken as dead.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # The first failure of the current series: retries stop PORTAL_REMINDER_RETRY_DAYS after it.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
            models.UniqueConstraint(
                fields=["robot", "topic"],
                condition=Q(robot__isnull=False),
                name="delivery_once_per_robot_and_topic",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_until__isnull=False),
                name="delivery_sending_has_lease",
            ),
        ]
        indexes = [
            # The re-queue pass and the staff page read only what is not sent yet.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_unsent_due",
                condition=Q(status__in=["pending", "sending", "failed"]),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="delivery_unsent_age",
                condition=Q(status__in=["pending", "sending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        channel = self.robot.name if self.robot_id else channel_label(self.channel)
        return f"{self.notification} · {channel}"


class ReminderChannel(ChoicesDisplay, models.Model):
    """A group robot or webhook that reminders are posted to (assessments/robots.py), set up by
    a committee admin for a branch (the reminders about that branch, once per group) or for one
    user (that user's reminders). The address and the secret are credentials: stored, never
    shown back in full (the admin shows their last characters)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        WEBHOOK = "webhook", _("Webhook")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_channels",
        verbose_name=_("branch"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_channels",
        verbose_name=_("user"),
    )
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder channel")
        verbose_name_plural = _("reminder channels")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(branch__isnull=True, user__isnull=False)
                | Q(branch__isnull=False, user__isnull=True),
                name="reminder_channel_for_branch_or_user",
                violation_error_message=_("Choose a branch or a user, not both."),
            ),
            models.CheckConstraint(
                condition=Q(kind="wecom") | ~Q(secret=""),
                name="reminder_channel_signed",
                violation_error_message=_(
                    "A DingTalk robot and a webhook need their signing secret."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_name(self) -> str:
        """The Delivery.channel of its deliveries."""
        return f"{self.kind}:{self.pk}"
