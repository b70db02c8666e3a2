from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class Enterprise(models.Model):
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
    party_contact_phone = models.CharField(_("Party contact phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
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
    enterprises = models.ManyToManyField(
        Enterprise, through="ProjectEnterprise", related_name="projects", blank=True
    )

    history = HistoricalRecords()

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

    @property
    def active_branch(self):
        """The active branch, from the list selector's prefetch (None when uncovered)."""
        branches = getattr(self, "active_branches", None)
        if branches is None:
            branches = self.branches.filter(status="active")
        return next(iter(branches), None)


class ProjectEnterprise(models.Model):
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
