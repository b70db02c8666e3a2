import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from core.models import ChoicesDisplay, Revisioned, dates_in_order, one_open_period
from core.reversing import reverse
from core.validators import validate_phone
from members.identity import (
    birth_date_from_id,
    gender_from_id,
    id_number_problem,
    mask_id_number,
    mask_phone,
    normalise_id_number,
)

ID_PROBLEMS = {
    "format": _("An ID number has 17 digits followed by a digit or X."),
    "checksum": _("This ID number's check digit is wrong: please check it against the card."),
    "birth_date": _("The date of birth inside this ID number is not a real date."),
}


def validate_id_number(value: str) -> None:
    problem = id_number_problem(value)
    if problem:
        raise ValidationError(ID_PROBLEMS[problem], code=f"id_{problem}")


class HomeOrganisation(models.Model):
    """Where a member's organisational relation (组织关系) sits when it is not in the branch."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.CharField(_("level or region"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )

    class Meta:
        verbose_name = _("home organisation")
        verbose_name_plural = _("home organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(Revisioned):
    """A Party member under dual management: the organisational relation at a home
    organisation (or in the pocket), the Party life in a project branch (Participation)."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Standing(models.TextChoices):
        FULL = "full", _("Full member")
        PROBATIONARY = "probationary", _("Probationary member")

    class EmployerKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Investor or contractor")
        STREET = "street", _("The street")
        COMMUNITY = "community", _("A community")
        OTHER = "other", _("Another organisation")

    class RelationState(models.TextChoices):
        AT_HOME = "at_home", _("At the home organisation")
        IN_POCKET = "in_pocket", _("In the pocket")
        IN_BRANCH = "in_branch", _("Transferred into the project branch")

    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    standing = models.CharField(_("membership"), max_length=12, choices=Standing.choices)
    joined_party_on = models.DateField(_("joined the Party on"))
    full_member_on = models.DateField(_("became a full member on"), null=True, blank=True)
    employer_kind = models.CharField(
        _("employer"), max_length=12, choices=EmployerKind.choices, default=EmployerKind.ENTERPRISE
    )
    employer_enterprise = models.ForeignKey(
        "projects.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("employing enterprise"),
    )
    employer_name = models.CharField(_("employer's name"), max_length=200, blank=True)
    job = models.CharField(_("job or trade on site"), max_length=100, blank=True)
    is_floating = models.BooleanField(_("floating member"), default=False)
    floating_from = models.CharField(_("floating from"), max_length=200, blank=True)
    home_organisation = models.ForeignKey(
        HomeOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("home organisation"),
    )
    relation_state = models.CharField(
        _("organisational relation"),
        max_length=10,
        choices=RelationState.choices,
        default=RelationState.AT_HOME,
    )
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["submission_token", "updated_at"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["name", "id"], name="member_name_id_idx"),
            # The floating members whose relation stays at home (a fifth of the members): a
            # branch's participations are checked against it by key, without reading the rows
            # of the others (members away six months, members.moves).
            models.Index(
                fields=["id"],
                condition=Q(is_floating=True, relation_state="at_home"),
                name="member_floating_at_home_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(full_member_on__gte=F("joined_party_on")),
                name="member_full_after_joining",
                violation_error_message=_(
                    "A member cannot become a full member before joining the Party."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(standing="full") | Q(full_member_on__isnull=False),
                name="member_full_has_date",
                violation_error_message=_("Give the date this member became a full member."),
            ),
            models.CheckConstraint(
                condition=~Q(standing="probationary") | Q(full_member_on__isnull=True),
                name="member_probationary_has_no_full_date",
                violation_error_message=_("A probationary member has no date of becoming full."),
            ),
            models.CheckConstraint(
                condition=Q(joined_party_on__gt=F("birth_date")),
                name="member_joined_after_birth",
                violation_error_message=_("The Party joining date must be after the birth date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    def take_identity_from_id_number(self, *, overwrite: bool = True) -> None:
        """The date of birth and gender as a valid ID number states them: they are read from
        it, never typed. Without `overwrite`, only what is missing is filled in."""
        if not self.id_number:
            return
        number = normalise_id_number(self.id_number)
        if id_number_problem(number):
            return
        if overwrite or self.birth_date is None:
            self.birth_date = birth_date_from_id(number)
        if overwrite or not self.gender:
            self.gender = gender_from_id(number)

    def clean(self):
        if self.id_number:
            self.id_number = normalise_id_number(self.id_number)
        self.take_identity_from_id_number(overwrite=False)
        errors = {}
        if self.employer_kind == self.EmployerKind.ENTERPRISE and not self.employer_enterprise_id:
            errors["employer_enterprise"] = _("Choose the investor or contractor.")
        if self.employer_kind != self.EmployerKind.ENTERPRISE and not self.employer_name:
            errors["employer_name"] = _("Give the employer's name.")
        if self.is_floating and not self.floating_from:
            errors["floating_from"] = _("Say where this floating member comes from.")
        if self.relation_state == self.RelationState.AT_HOME and self.home_organisation is None:
            errors["home_organisation"] = _("Give the home organisation.")
        # The date rules are database constraints too; checked here to say which field is wrong.
        if self.standing == self.Standing.FULL and not self.full_member_on:
            errors["full_member_on"] = _("Give the date this member became a full member.")
        if self.standing == self.Standing.PROBATIONARY and self.full_member_on:
            errors["full_member_on"] = _("A probationary member has no date of becoming full.")
        if (
            self.full_member_on
            and self.joined_party_on
            and self.full_member_on < self.joined_party_on
        ):
            errors["full_member_on"] = _(
                "A member cannot become a full member before joining the Party."
            )
        today = timezone.localdate()
        for field in ("birth_date", "joined_party_on", "full_member_on"):
            day = getattr(self, field)
            if day and day > today:
                errors[field] = _("This date is in the future.")
        if self.birth_date and self.birth_date > today and self._birth_date_is_the_ids():
            # Read from the ID number: the number is what is wrong.
            del errors["birth_date"]
            errors["id_number"] = _("The date of birth in this ID number is in the future.")
        if self.joined_party_on and self.birth_date and self.joined_party_on <= self.birth_date:
            errors["joined_party_on"] = _("The Party joining date must be after the birth date.")
        if self.id_number and not id_number_problem(self.id_number):
            if self.birth_date and birth_date_from_id(self.id_number) != self.birth_date:
                errors["birth_date"] = _("The date of birth differs from the one in the ID number.")
            if self.gender and gender_from_id(self.id_number) != self.gender:
                errors["gender"] = _("The gender differs from the one in the ID number.")
        if errors:
            raise ValidationError(errors)

    def _birth_date_is_the_ids(self) -> bool:
        return bool(
            self.id_number
            and not id_number_problem(self.id_number)
            and birth_date_from_id(self.id_number) == self.birth_date
        )

    @property
    def is_pocket(self) -> bool:
        return self.relation_state == self.RelationState.IN_POCKET

    @property
    def employer_display(self) -> str:
        if self.employer_kind == self.EmployerKind.ENTERPRISE and self.employer_enterprise_id:
            return str(self.employer_enterprise)
        return self.employer_name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Participation(ChoicesDisplay, models.Model):
    """A member's Party life in a project branch (and Party group), from one date to another:
    the second side of dual management. At most one is active at a time."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="participations", verbose_name=_("member")
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("branch"),
    )
    party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("Party group"),
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)

    # When the row last changed: an API consumer syncs the changes since its last call (not kept
    # in the history rows, whose history_date says when).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["member", "-joined_on"]
        constraints = [
            one_open_period(
                "member",
                "left_on",
                name="one_active_participation_per_member",
                message=_("This member is already active in a branch: they must leave it first."),
            ),
            dates_in_order(
                "joined_on",
                "left_on",
                name="participation_dates_in_order",
                message=_("Nobody can leave before joining."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.branch}"


class Transfer(ChoicesDisplay, models.Model):
    """The transfer of a member's organisational relation (组织关系转接) into the project branch:
    the path by which a pocket or floating member gets a normal organisational life."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        LETTER_ISSUED = "letter_issued", _("Letter issued")
        RECEIVED = "received", _("Received")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member")
    )
    to_branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        verbose_name=_("into branch"),
    )
    from_organisation = models.CharField(_("from"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.REQUESTED
    )
    requested_on = models.DateField(_("requested on"))
    closed_on = models.DateField(_("completed or rejected on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)

    # When the row last changed: an API consumer syncs the changes since its last call.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("transfer of organisational relation")
        verbose_name_plural = _("transfers of organisational relation")
        ordering = ["-requested_on", "-pk"]
        indexes = [
            models.Index(fields=["requested_on", "id"], name="transfer_requested_on_id_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["requested", "letter_issued", "received"]),
                name="one_open_transfer_per_member",
                violation_error_message=_("This member already has a transfer in progress."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_branch}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETED, self.Status.REJECTED)


class TransferStep(ChoicesDisplay, models.Model):
    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="steps", verbose_name=_("transfer")
    )
    status = models.CharField(_("status"), max_length=14, choices=Transfer.Status.choices)
    happened_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
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
        verbose_name = _("transfer step")
        verbose_name_plural = _("transfer steps")
        ordering = ["transfer", "happened_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.transfer} · {self.get_status_display()}"


class PioneerPost(ChoicesDisplay, models.Model):
    """A pioneer post (党员先锋岗): a named member holds a named responsibility on a project."""

    class Kind(models.TextChoices):
        KEY_POST = "key_post", _("Key post led by a member")
        KEY_PROCESS = "key_process", _("Key process watched by a member")
        KEY_LINK = "key_link", _("Key link held by a member")
        KEY_MOMENT = "key_moment", _("Key moment backed by a member")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="pioneer_posts", verbose_name=_("member")
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="pioneer_posts",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("responsibility"), max_length=200)
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pioneer post")
        verbose_name_plural = _("pioneer posts")
        ordering = ["project", "kind", "-started_on"]
        constraints = [
            dates_in_order(
                "started_on",
                "ended_on",
                name="pioneer_post_dates_in_order",
                message=_("A post cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Election(models.Model):
    """A branch general meeting's election of its committee (or its secretary and deputy, in a
    branch without a committee) for a term. Who was entitled to vote (the full members active in
    the branch that day) and who attended are recorded by name; the result follows from the
    votes (core.party_rules)."""

    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name=_("branch"),
    )
    held_on = models.DateField(_("held on"))
    seats = models.PositiveSmallIntegerField(_("seats to fill"))
    contested = models.BooleanField(
        _("contested election"),
        default=True,
        help_text=_("More candidates than seats: at least 20% more."),
    )
    term_years = models.PositiveSmallIntegerField(
        _("term"), choices=[(3, _("3 years")), (5, _("5 years"))]
    )
    entitled = models.ManyToManyField(
        Member, related_name="elections_entitled", verbose_name=_("entitled to vote")
    )
    present = models.ManyToManyField(
        Member, related_name="elections_attended", verbose_name=_("present"), blank=True
    )
    # Counted once when recorded, so that lists need not count the names.
    entitled_count = models.PositiveSmallIntegerField(_("entitled to vote"), editable=False)
    present_count = models.PositiveSmallIntegerField(_("present"), editable=False)
    note = models.TextField(_("note"), blank=True)
    # The appointment that followed: the seats it opened and the term it began.
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    term = models.OneToOneField(
        "branches.Term",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="election",
        verbose_name=_("term"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["branch", "held_on"], name="election_branch_held_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(present_count__lte=F("entitled_count")),
                name="election_present_within_entitled",
                violation_error_message=_("More members present than entitled to vote."),
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1, seats__lte=7),
                name="election_one_to_seven_seats",
                violation_error_message=_("An election fills 1 to 7 seats."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("members:election_detail", args=[self.pk])


class ElectionCandidate(models.Model):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("candidate")
    )
    votes = models.PositiveSmallIntegerField(_("votes"))

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "-votes", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "member"],
                name="candidate_once_per_election",
                violation_error_message=_("This member is already a candidate."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.votes}"


class MemberDecision(ChoicesDisplay, models.Model):
    """A branch general meeting's decision on a member: admitting them as a probationary member,
    or making a probationary member full. Valid with more than half of those entitled present and
    more than half of the full members in favour (core.party_rules.member_decision)."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("Admission as a probationary member")
        FULL_MEMBERSHIP = "full_membership", _("Full membership")

    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="member_decisions",
        verbose_name=_("branch"),
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("decision on"), max_length=16, choices=Kind.choices)
    subject_name = models.CharField(_("about"), max_length=50)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("member"),
    )
    entitled = models.ManyToManyField(
        Member, related_name="decisions_entitled", verbose_name=_("entitled to vote")
    )
    present = models.ManyToManyField(
        Member, related_name="decisions_attended", verbose_name=_("present"), blank=True
    )
    entitled_count = models.PositiveSmallIntegerField(_("entitled to vote"), editable=False)
    present_count = models.PositiveSmallIntegerField(_("present"), editable=False)
    in_favour = models.PositiveSmallIntegerField(_("in favour"))
    is_valid = models.BooleanField(_("valid"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision on a member")
        verbose_name_plural = _("decisions on members")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present_count__lte=F("entitled_count"))
                & Q(in_favour__lte=F("present_count")),
                name="decision_counts_in_order",
                violation_error_message=_(
                    "More present than entitled, or more in favour than present."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.subject_name} · {self.held_on}"


# Party dues (党费) ------------------------------------------------------------------------------


class DuesRateTable(models.Model):
    """One version of the dues rates (党费收缴标准), in force from its effective date until the
    next version's. A version in force is frozen: a change of the rates makes a new version."""

    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"), unique=True)
    low_income_amount = models.DecimalField(
        _("monthly amount of students, the unemployed and members on subsistence allowance"),
        max_digits=8,
        decimal_places=2,
    )
    farmer_minimum = models.DecimalField(
        _("farmers' monthly amount, at least"), max_digits=8, decimal_places=2
    )
    farmer_maximum = models.DecimalField(
        _("farmers' monthly amount, at most"), max_digits=8, decimal_places=2
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dues rate table")
        verbose_name_plural = _("dues rate tables")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(farmer_minimum__lte=F("farmer_maximum"))
                & Q(farmer_minimum__gt=0)
                & Q(low_income_amount__gt=0),
                name="dues_rate_table_flat_amounts",
                violation_error_message=_(
                    "Flat amounts are above zero and the farmers' least amount is not above "
                    "their most."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from}）"


class DuesRateBracket(models.Model):
    """A bracket of monthly pay with its rate: the whole pay is charged at the rate of the
    bracket it falls in (pay up to and including `up_to`; the top bracket has no limit)."""

    class Kind(models.TextChoices):
        SALARIED = "salaried", _("Salaried members")
        RETIRED = "retired", _("Retired members")

    table = models.ForeignKey(
        DuesRateTable, on_delete=models.CASCADE, related_name="brackets", verbose_name=_("rates")
    )
    kind = models.CharField(_("applies to"), max_length=10, choices=Kind.choices)
    up_to = models.DecimalField(
        _("monthly after-tax pay up to (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty for the top bracket."),
    )
    percent = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("dues rate bracket")
        verbose_name_plural = _("dues rate brackets")
        ordering = ["table", "kind", F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "kind", "up_to"],
                name="dues_bracket_unique",
                violation_error_message=_("This bracket is there already."),
            ),
            models.UniqueConstraint(
                fields=["table", "kind"],
                condition=Q(up_to__isnull=True),
                name="dues_one_top_bracket",
                violation_error_message=_("A kind of member has one top bracket."),
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100),
                name="dues_bracket_percent_range",
                violation_error_message=_("A rate lies above 0% and at most 100%."),
            ),
        ]

    def __str__(self) -> str:
        limit = self.up_to if self.up_to is not None else "∞"
        return f"{self.get_kind_display()} ≤ {limit}: {self.percent}%"


class DuesBase(ChoicesDisplay, models.Model):
    """What a member's dues are computed from, from a month on (党费基数): the category and the
    after-tax pay, or a flat amount. A change is a new row; the rows before it stay."""

    class Category(models.TextChoices):
        SALARIED = "salaried", _("Salaried (monthly after-tax pay)")
        ANNUAL_SALARY = "annual", _("Annual salary (after tax, a year)")
        RETIRED = "retired", _("Retired (monthly pension)")
        FARMER = "farmer", _("Farmer")
        STUDENT = "student", _("Student")
        UNEMPLOYED = "unemployed", _("Unemployed")
        SUBSISTENCE = "subsistence", _("On subsistence allowance")

    PAY_CATEGORIES = (Category.SALARIED, Category.ANNUAL_SALARY, Category.RETIRED)

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="dues_bases", verbose_name=_("member")
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    pay = models.DecimalField(
        _("after-tax pay (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    flat_amount = models.DecimalField(
        _("monthly amount (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    effective_from = models.DateField(_("applies from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        ordering = ["member", "-effective_from", "-pk"]
        indexes = [
            models.Index(fields=["member", "effective_from"], name="dues_base_member_from_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pay__isnull=True) | Q(pay__gt=0),
                name="dues_base_pay_positive",
                violation_error_message=_("The pay is above zero."),
            ),
            models.CheckConstraint(
                condition=Q(flat_amount__isnull=True) | Q(flat_amount__gt=0),
                name="dues_base_flat_positive",
                violation_error_message=_("The amount is above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_category_display()} · {self.effective_from}"


class DuesCollection(models.Model):
    """One sending of the branch's collection screen: the payments it recorded, who and when.
    Its submission token makes a second sending of the same screen record nothing more."""

    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="dues_collections",
        verbose_name=_("branch"),
    )
    month = models.DateField(_("month"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("dues collection")
        verbose_name_plural = _("dues collections")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.branch} · {self.month:%Y-%m}"


class DuesPayment(models.Model):
    """A member's dues for one month, paid in the branch where the relation sits. A month is
    paid once; months paid in advance are rows of their own, paid on the same day."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name=_("member")
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="dues_payments",
        verbose_name=_("branch"),
    )
    month = models.DateField(_("for the month"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    collection = models.ForeignKey(
        DuesCollection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("recorded with"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["member", "month"]
        indexes = [
            models.Index(fields=["branch", "month"], name="dues_payment_branch_month_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "month"],
                name="dues_one_payment_per_month",
                violation_error_message=_("This month's dues are paid already."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="dues_payment_positive",
                violation_error_message=_("The amount is above zero."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="dues_payment_month_first_day",
                violation_error_message=_("A month is stored as its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.month:%Y-%m} · {self.amount}"

    @property
    def paid_ahead(self) -> bool:
        return self.month > self.paid_on.replace(day=1)


class DuesArrearsReason(models.Model):
    """Why a member has not paid (sick, away without pay …), recorded by the branch: six months
    unpaid with a reason recorded during the stretch are not flagged."""

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="dues_arrears_reasons",
        verbose_name=_("member"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("reason for unpaid dues")
        verbose_name_plural = _("reasons for unpaid dues")
        ordering = ["member", "-recorded_on"]

    def __str__(self) -> str:
        return f"{self.member} · {self.reason}"


# Members on the move: transfer letters and their receipts, floating members' certificates ------


class TransferLetter(ChoicesDisplay, models.Model):
    """A transfer letter (组织关系介绍信) concerning a branch of the portal, with its timers: valid
    until a date (at most three months after it was issued), its receipt (回执) due back a month
    after its date. Incoming, it belongs to the transfer into the branch; outgoing, it is the
    record of the member's relation leaving the branch, which stays responsible for them until
    the receipt arrives. Each change of state has its own date; edits are kept in its history."""

    class Direction(models.TextChoices):
        INCOMING = "in", _("Into the branch")
        OUTGOING = "out", _("Out of the branch")

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfer_letters", verbose_name=_("member")
    )
    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="transfer_letters",
        verbose_name=_("branch"),
        help_text=_("Receiving the member (incoming) or sending them (outgoing)."),
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    transfer = models.OneToOneField(
        Transfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter",
        verbose_name=_("transfer"),
    )
    number = models.CharField(_("letter number"), max_length=50)
    issued_on = models.DateField(_("letter date"))
    from_organisation = models.CharField(_("from"), max_length=200)
    to_organisation = models.CharField(_("to"), max_length=200)
    dues_paid_to = models.DateField(
        _("dues paid up to"), help_text=_("The month the member's dues are paid up to.")
    )
    valid_until = models.DateField(_("valid until"))
    receipt_due_on = models.DateField(_("receipt due on"))
    arrived_on = models.DateField(_("reported at the destination on"), null=True, blank=True)
    receipt_on = models.DateField(_("receipt returned on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
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
        verbose_name = _("transfer letter")
        verbose_name_plural = _("transfer letters")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["branch", "receipt_on"], name="letter_branch_receipt_idx"),
            # The flagged letters of the transfer overview, earliest receipt first: the page is
            # read in this index's order, 50 letters joined to their members, not all of them.
            models.Index(
                fields=["receipt_due_on", "id"],
                condition=Q(receipt_on__isnull=True),
                name="letter_awaiting_receipt_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="in", transfer__isnull=False)
                | Q(direction="out", transfer__isnull=True),
                name="letter_incoming_has_transfer",
                violation_error_message=_(
                    "An incoming letter belongs to a transfer; an outgoing one stands alone."
                ),
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(direction="out", receipt_on__isnull=True),
                name="one_outgoing_letter_awaiting_receipt",
                violation_error_message=_(
                    "This member already has a transfer out awaiting its receipt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("issued_on"))
                & Q(receipt_due_on__gte=F("issued_on")),
                name="letter_deadlines_after_its_date",
                violation_error_message=_("A letter's deadlines fall after its date."),
            ),
            models.CheckConstraint(
                condition=Q(dues_paid_to__day=1),
                name="letter_dues_month_first_day",
                violation_error_message=_("A month is stored as its first day."),
            ),
            dates_in_order(
                "issued_on",
                "arrived_on",
                name="letter_arrival_after_issue",
                message=_("The member cannot report before the letter was issued."),
            ),
            dates_in_order(
                "issued_on",
                "receipt_on",
                name="letter_receipt_after_issue",
                message=_("The receipt cannot come back before the letter was issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.member}"

    @property
    def is_outgoing(self) -> bool:
        return self.direction == self.Direction.OUTGOING

    def validity_lapsed(self, today: datetime.date) -> bool:
        """Past its validity and the member has not reported at the destination."""
        return self.arrived_on is None and self.receipt_on is None and self.valid_until < today

    def receipt_overdue(self, today: datetime.date) -> bool:
        return self.receipt_on is None and self.receipt_due_on < today


class FloatingCertificate(models.Model):
    """A floating member's activity certificate (流动党员活动证). A new certificate is a new row;
    the earlier ones stay."""

    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="floating_certificates",
        verbose_name=_("member"),
    )
    number = models.CharField(_("certificate number"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    issuing_organisation = models.CharField(_("issued by"), max_length=200)
    recorded_by = models.ForeignKey(
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
        verbose_name = _("floating member's activity certificate")
        verbose_name_plural = _("floating members' activity certificates")
        ordering = ["member", "-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "number"],
                name="certificate_number_once_per_member",
                violation_error_message=_("This certificate is recorded already."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("issued_on")),
                name="certificate_valid_after_issue",
                violation_error_message=_(
                    "A certificate is valid until a day after it was issued."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.member}"


# Recruiting members (发展党员) --------------------------------------------------------------------


class Candidate(ChoicesDisplay, models.Model):
    """Someone on the way into the Party through a branch, from the application on: applicant,
    activist, development candidate, probationary member, full member. The personal data is
    entered here once; on approval of the admission the candidate becomes a Member (`member`).
    Each step is a dated CandidateStep; the dates below are the stages' starts and deadlines the
    steps set (members.recruitment), kept here so that lists and reminders read one row."""

    class Stage(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVIST = "activist", _("Activist")
        DEVELOPMENT = "development", _("Development candidate")
        PROBATIONARY = "probationary", _("Probationary member")
        FULL = "full", _("Full member")

    class EndReason(models.TextChoices):
        LEFT_SITE = "left_site", _("Left the site")
        WITHDREW = "withdrew", _("Withdrew the application")
        NOT_ADMITTED = "not_admitted", _("Not admitted")

    branch = models.ForeignKey(
        "branches.Branch",
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("branch"),
    )
    name = models.CharField(_("full name"), max_length=50)
    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Member.Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    employer_kind = models.CharField(
        _("employer"),
        max_length=12,
        choices=Member.EmployerKind.choices,
        default=Member.EmployerKind.ENTERPRISE,
    )
    employer_enterprise = models.ForeignKey(
        "projects.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
        verbose_name=_("employing enterprise"),
    )
    employer_name = models.CharField(_("employer's name"), max_length=200, blank=True)
    job = models.CharField(_("job or trade on site"), max_length=100, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.APPLICANT
    )
    applied_on = models.DateField(_("applied on"))
    talked_on = models.DateField(_("talked with on"), null=True, blank=True)
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    development_on = models.DateField(_("development candidate since"), null=True, blank=True)
    meeting_on = models.DateField(_("admitted by the branch meeting on"), null=True, blank=True)
    admitted_on = models.DateField(_("admission approved on"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    full_on = models.DateField(_("full membership approved on"), null=True, blank=True)
    archived_on = models.DateField(_("file archived on"), null=True, blank=True)
    # A candidacy ended before the admission (the person left the site, withdrew, was not
    # admitted): the stage reached, the steps and the data stay as they were.
    ended_on = models.DateField(_("candidacy ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason the candidacy ended"), max_length=12, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("note on the end"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    member = models.OneToOneField(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacy",
        verbose_name=_("member"),
    )
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("candidate for membership")
        verbose_name_plural = _("candidates for membership")
        ordering = ["branch", "applied_on", "pk"]
        indexes = [
            models.Index(fields=["branch", "stage"], name="candidate_branch_stage_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | Q(ended_on__isnull=False, member__isnull=True) & ~Q(end_reason=""),
                name="candidate_ended_with_reason_before_admission",
                violation_error_message=_(
                    "A candidacy ends with a date and a reason, before the admission."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:candidate_detail", args=[self.pk])

    def take_identity_from_id_number(self) -> None:
        """The date of birth and gender are read from the ID number, never typed."""
        if self.id_number:
            self.id_number = normalise_id_number(self.id_number)
            if not id_number_problem(self.id_number):
                self.birth_date = birth_date_from_id(self.id_number)
                self.gender = gender_from_id(self.id_number)

    def clean(self):
        self.take_identity_from_id_number()
        errors = {}
        if self.employer_kind == Member.EmployerKind.ENTERPRISE and not self.employer_enterprise_id:
            errors["employer_enterprise"] = _("Choose the investor or contractor.")
        if self.employer_kind != Member.EmployerKind.ENTERPRISE and not self.employer_name:
            errors["employer_name"] = _("Give the employer's name.")
        if errors:
            raise ValidationError(errors)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None


class CandidateStep(ChoicesDisplay, models.Model):
    """One dated step of a candidate's way (发展党员工作细则 2014), with who recorded it."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application received")
        TALK = "talk", _("Talk with the applicant")
        RECOMMENDATION = "recommendation", _("Recommendation by members or mass organisations")
        ACTIVIST = "activist", _("Made an activist (filed with the higher committee)")
        CONTACT = "contact", _("Training contact assigned")
        THOUGHT_REPORT = "thought_report", _("Thought report or review")
        CANDIDATE = "candidate", _("Made a development candidate (filed)")
        INTRODUCER = "introducer", _("Introducer")
        POLITICAL_REVIEW = "political_review", _("Political review")
        TRAINING = "training", _("Concentrated training")
        COMMITTEE_REVIEW = "committee_review", _("Review by the branch committee")
        PRE_REVIEW = "pre_review", _("Pre-review by the higher committee")
        APPLICATION_FORM = "application_form", _("Application form filled in")
        ADMISSION_VOTE = "admission_vote", _("Admission voted by the branch general meeting")
        HIGHER_TALK = "higher_talk", _("Talk by the higher committee")
        ADMISSION_APPROVAL = "admission_approval", _("Admission approved by the higher committee")
        PARTY_GROUP = "party_group", _("Joined a Party group")
        OATH = "oath", _("Oath taken")
        EXTENSION = "extension", _("Probation extended")
        FULL_APPLICATION = "full_application", _("Application for full membership")
        FULL_VOTE = "full_vote", _("Full membership voted by the branch general meeting")
        FULL_APPROVAL = "full_approval", _("Full membership approved")
        ARCHIVED = "archived", _("File archived")

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="steps", verbose_name=_("candidate")
    )
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    person = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recruiting_steps",
        verbose_name=_("contact or introducer"),
    )
    decision = models.ForeignKey(
        MemberDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidate_steps",
        verbose_name=_("decision of the branch general meeting"),
    )
    party_group = models.ForeignKey(
        "branches.PartyGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Party group"),
    )
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(
        _("training class hours"), null=True, blank=True
    )
    extended_until = models.DateField(_("probation extended until"), null=True, blank=True)
    done_by = models.CharField(
        _("by whom"),
        max_length=100,
        blank=True,
        help_text=_("Who talked, reviewed or decided (a person or a body)."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recruiting step")
        verbose_name_plural = _("recruiting steps")
        ordering = ["candidate", "happened_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.get_kind_display()} · {self.happened_on}"
