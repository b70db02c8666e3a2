from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.models import ChoicesDisplay, Revisioned, dates_in_order, one_open_period
from core.reversing import reverse
from core.validators import validate_phone


class Street(models.Model):
    """The sub-district (街道) whose Party working committee runs project Party building."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_per_street"),
        ]

    def __str__(self) -> str:
        return self.name


class Enterprise(Revisioned):
    """An investor or contractor, with the state of its own Party organisation."""

    class PartyOrgStatus(models.TextChoices):
        NONE = "none", _("No Party organisation")
        ACTIVE = "active", _("Party organisation, active")
        INACTIVE = "inactive", _("Party organisation without activities")

    name = models.CharField(_("name"), max_length=200, unique=True)
    party_org_status = models.CharField(
        _("Party organisation"),
        max_length=10,
        choices=PartyOrgStatus.choices,
        default=PartyOrgStatus.NONE,
    )
    party_contact_name = models.CharField(_("Party contact"), max_length=50, blank=True)
    party_contact_phone = models.CharField(
        _("Party contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(Revisioned):
    class Category(models.TextChoices):
        CULTURAL_TOURISM = "cultural_tourism", _("Cultural tourism")
        SERVICES = "services", _("Services")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="projects", verbose_name=_("community")
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    is_key_project = models.BooleanField(
        _('"Double Hundred" key project'),
        default=False,
        help_text=_("One of the city's and district's \"Double Hundred\" key projects."),
    )
    total_investment = models.DecimalField(
        _("total investment (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("description"), blank=True)
    # The project headquarters (项目指挥部), first of the three subjects.
    hq_commander = models.CharField(_("headquarters commander"), max_length=50, blank=True)
    hq_contact_name = models.CharField(_("headquarters contact"), max_length=50, blank=True)
    hq_contact_phone = models.CharField(
        _("headquarters contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    # The engineering department (项目工程部); its project managers are appointed separately.
    engineering_established_on = models.DateField(
        _("engineering department established on"), null=True, blank=True
    )
    enterprises = models.ManyToManyField(
        Enterprise,
        through="ProjectEnterprise",
        related_name="projects",
        blank=True,
        verbose_name=_("investors and contractors"),
    )

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="project_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def active_branch(self):
        """The active branch, from the list selector's prefetch (None when uncovered)."""
        branches = getattr(self, "active_branches", None)
        if branches is None:
            branches = self.branches.filter(status="active")
        return next(iter(branches), None)


class ProjectEnterprise(ChoicesDisplay, models.Model):
    """An enterprise's part in a project, with the dates it took part."""

    class Role(models.TextChoices):
        INVESTOR = "investor", _("Investor")
        GENERAL_CONTRACTOR = "general_contractor", _("General contractor")
        SUBCONTRACTOR = "subcontractor", _("Subcontractor")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participations", verbose_name=_("project")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("enterprise"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("project enterprise")
        verbose_name_plural = _("project enterprises")
        ordering = ["project", "role", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "enterprise", "role"],
                condition=Q(ended_on__isnull=True),
                name="project_enterprise_role_once_while_current",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="project_enterprise_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_role_display()}"


class ProjectManager(models.Model):
    """An appointment of the project manager (项目经理), who heads the engineering department."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="managers", verbose_name=_("project")
    )
    name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_managers",
        verbose_name=_("enterprise"),
    )
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project manager")
        verbose_name_plural = _("project managers")
        ordering = ["project", "-appointed_on"]
        constraints = [
            one_open_period(
                "project",
                "ended_on",
                name="one_current_project_manager",
                message=_(
                    "This project already has a project manager: end that appointment first."
                ),
            ),
            dates_in_order(
                "appointed_on",
                "ended_on",
                name="project_manager_dates_in_order",
                message=_("An appointment cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"


class Stage(models.TextChoices):
    """The whole-process timeline (全过程), in the order a project goes through it."""

    APPROVAL = "approval", _("Approval")
    LAND_LISTING = "land_listing", _("Land listing")
    SCHEME_DESIGN = "scheme_design", _("Scheme design")
    EXPROPRIATION = "expropriation", _("Expropriation and demolition")
    CONSTRUCTION_START = "construction_start", _("Start of construction")
    COMPLETION = "completion", _("Completion acceptance")
    OPENING = "opening", _("Opening for business")


STAGE_SEQUENCE = {stage: index for index, stage in enumerate(Stage.values)}


class ProjectStage(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    sequence = models.PositiveSmallIntegerField(_("order"), editable=False)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    actual_on = models.DateField(_("actual"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        ordering = ["project", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="stage_once_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_stage_display()}"


class WorkingGroup(Revisioned):
    """A working group of the all-round interaction (全方位互动), matched by a Party group."""

    class Kind(models.TextChoices):
        LAND_LISTING = "land_listing", _("Land listing")
        SCHEME_DESIGN = "scheme_design", _("Scheme design")
        COORDINATION = "coordination", _("Project coordination")
        EXPROPRIATION = "expropriation", _("Expropriation and demolition")
        QUALITY_SUPERVISION = "quality_supervision", _("Quality supervision")
        OTHER = "other", _("Other")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="working_groups", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    leader_name = models.CharField(_("leader"), max_length=50, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["project", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"], name="working_group_name_unique_per_project"
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=F("established_on")),
                name="working_group_dates_in_order",
                violation_error_message=_("A group cannot be dissolved before it is established."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.project_id]) + f"#working-group-{self.pk}"


class WorkingGroupMember(models.Model):
    """Someone on a working group; not all of them are Party members."""

    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("working group"),
    )
    name = models.CharField(_("full name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        ordering = ["working_group", "left_on", "joined_on"]
        constraints = [
            dates_in_order(
                "joined_on",
                "left_on",
                name="working_group_member_dates_in_order",
                message=_("Nobody can leave before joining."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CoordinationItem(ChoicesDisplay, models.Model):
    """A blocker raised on a project (协调事项): one blocked link delays the whole project."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated to the committee")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="coordination_items",
        verbose_name=_("project"),
    )
    # The branch that owns the item (the project's active branch when it was raised).
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordination_items",
        verbose_name=_("branch"),
    )
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordination_items",
        verbose_name=_("working group"),
    )
    title = models.CharField(_("matter"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    raised_by = models.CharField(_("raised by"), max_length=100)
    raised_on = models.DateField(_("raised on"))
    owner_party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordination_items",
        verbose_name=_("owning Party group"),
    )
    owner_person = models.CharField(_("owner"), max_length=50, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coordination item")
        verbose_name_plural = _("coordination items")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on", "id"], name="coordination_due_on_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("raised_on")),
                name="coordination_due_after_raised",
                violation_error_message=_("The due date cannot be before the day it was raised."),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="coordination_resolved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:coordination_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.RESOLVED


class CoordinationEvent(ChoicesDisplay, models.Model):
    """One step of an item's handling, appended: who moved it to which status, when, and why."""

    item = models.ForeignKey(
        CoordinationItem, on_delete=models.CASCADE, related_name="events", verbose_name=_("item")
    )
    status = models.CharField(_("status"), max_length=12, choices=CoordinationItem.Status.choices)
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
        verbose_name = _("coordination step")
        verbose_name_plural = _("coordination steps")
        ordering = ["item", "happened_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_status_display()}"
