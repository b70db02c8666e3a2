"""The report's 105 members over the 5 pilot branches and their 21 Party groups.

Names and phones come from a seeded Faker; ID numbers are built here (a seeded birth date, an
area code, a checksum) so they are valid and the same on every machine, whatever the date.
The dates are placed relative to the day the demo is loaded (ctx.today): probationary members
joined the Party within the last year, transfers in progress were requested weeks ago."""

import datetime
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from branches.models import Branch, Seat
from core.demo import SEED, DemoContext
from core.services import save_revision
from members import dues, elections, moves, services
from members.identity import check_character
from members.models import (
    DuesArrearsReason,
    DuesBase,
    DuesCollection,
    DuesPayment,
    FloatingCertificate,
    HomeOrganisation,
    Member,
    Participation,
    PioneerPost,
    Transfer,
    TransferLetter,
)

D = datetime.date
MEMBERS_PER_GROUP = 5  # 21 groups x 5 = the report's 105 members
AREA_CODES = ["320602", "320611", "320623", "341202", "341221", "342201", "410526", "510129"]
# Where floating members come from (most construction workers in Nantong come from these).
ORIGINS = [
    "安徽省阜阳市",
    "河南省周口市",
    "四川省南充市",
    "江苏省如东县",
    "江西省上饶市",
    "湖北省黄冈市",
]
JOBS = ["项目副经理", "施工员", "安全员", "钢筋工", "木工", "电工", "质检员", "资料员", "架子工"]
HOMES = [
    ("安徽省阜阳市颍州区某村党支部", "安徽省阜阳市"),
    ("江苏省如东县建筑业协会党委", "江苏省南通市"),
    ("河南省滑县某镇党委", "河南省安阳市"),
    ("四川省金堂县某街道党工委", "四川省成都市"),
    ("南通一建集团党委", "江苏省南通市"),
    ("龙信建设集团党委", "江苏省南通市"),
]


# How many days before today each demo transfer was requested (in the order of its steps below):
# those in progress have run for 12, 30 and 45 days; the closed ones were requested seven months
# ago; each step takes 9 days, so a completed transfer took 27.
REQUESTED_DAYS_AGO = [12, 30, 45, 226, 212, 198]


def _id_number(rng: random.Random, birth: datetime.date, gender: str) -> str:
    sequence = rng.randrange(0, 100) * 10 + (
        rng.choice([1, 3, 5, 7, 9]) if gender == "M" else rng.choice([0, 2, 4, 6, 8])
    )
    first = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    return first + check_character(first)


def load(ctx: DemoContext) -> None:
    fake = ctx.faker_for("members")
    rng = random.Random(f"{SEED}-members")  # noqa: S311 - demo data, not secrets
    homes = [
        HomeOrganisation.objects.get_or_create(name=name, defaults={"region": region})[0]
        for name, region in HOMES
    ]
    actor = ctx.objects["staff_user"]
    members_by_branch: dict[int, list[Member]] = {}
    a_year_ago = ctx.today - datetime.timedelta(days=365)
    for branch in ctx.objects["branches"]:
        branch = Branch.objects.select_related("project").get(pk=branch.pk)
        contractor = branch.project.participations.filter(role="general_contractor").first()
        investor = branch.project.participations.filter(role="investor").first()
        groups = list(branch.party_groups.filter(dissolved_on__isnull=True).order_by("pk"))
        for group in groups:
            for _seat in range(MEMBERS_PER_GROUP):
                gender = "M" if rng.random() < 0.8 else "F"
                # Faker's zh_CN name_male/name_female draw from both lists: build the name.
                given = fake.first_name_male() if gender == "M" else fake.first_name_female()
                name = fake.last_name() + given
                birth = D(1966, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 36))
                id_number = _id_number(rng, birth, gender)
                joined_party = birth + datetime.timedelta(days=365 * rng.randrange(20, 30))
                # Drawn whatever the day, so that the members drawn next do not depend on it.
                chance, offset = rng.random(), rng.randrange(0, 300)
                # A probationary member joined the Party within the last year.
                probationary = joined_party > a_year_ago or chance < 0.06
                if probationary:
                    joined_party = a_year_ago + datetime.timedelta(days=20 + offset)
                # Contractor staff are mostly floating, many of them "pocket" members.
                kind = rng.choices(["contractor", "investor", "community"], [0.75, 0.15, 0.10])[0]
                floating = kind == "contractor" and rng.random() < 0.7
                pocket = kind == "contractor" and rng.random() < 0.45
                home = None if pocket else rng.choice(homes)
                phone = fake.phone_number()
                from_where = ORIGINS[int(id_number[-5:-1]) % len(ORIGINS)]
                job = rng.choice(JOBS)
                joined_branch = group.established_on + datetime.timedelta(days=rng.randrange(0, 60))
                if Member.objects.filter(id_number=id_number).exists():
                    continue
                member = Member(
                    name=name,
                    gender=gender,
                    birth_date=birth,
                    phone=phone,
                    id_number=id_number,
                    standing=Member.Standing.PROBATIONARY if probationary else Member.Standing.FULL,
                    joined_party_on=joined_party,
                    full_member_on=None
                    if probationary
                    else joined_party + datetime.timedelta(days=365),
                    job=job if kind != "investor" else "投资方代表",
                    is_floating=floating,
                    floating_from=from_where if floating else "",
                    home_organisation=home,
                    relation_state=Member.RelationState.IN_POCKET
                    if pocket
                    else Member.RelationState.AT_HOME,
                )
                if kind == "community":
                    member.employer_kind = Member.EmployerKind.COMMUNITY
                    member.employer_name = branch.project.community.name
                else:
                    source = contractor if kind == "contractor" else investor
                    member.employer_kind = Member.EmployerKind.ENTERPRISE
                    member.employer_enterprise = source.enterprise
                services.member_register(
                    member=member, branch=branch, party_group=group, joined_on=joined_branch
                )
                members_by_branch.setdefault(branch.pk, []).append(member)
    _transfers_and_posts(ctx, members_by_branch, actor)
    _dues(ctx)
    _letters_and_certificates(ctx)


def _transfers_and_posts(ctx: DemoContext, members_by_branch, actor) -> None:
    """A few transfers at each step, and pioneer posts on every project (first run only)."""
    if Transfer.objects.exists() or PioneerPost.objects.exists():
        return
    steps = [
        [],  # requested
        ["letter_issued"],
        ["letter_issued", "received"],
        ["letter_issued", "received", "completed"],
        ["letter_issued", "received", "completed"],
        ["rejected"],
    ]
    pocket = list(
        Member.objects.filter(relation_state=Member.RelationState.IN_POCKET).order_by("pk")
    )
    for index, (member, path) in enumerate(zip(pocket[::5], steps, strict=False)):
        branch = Participation.objects.get(member=member, left_on__isnull=True).branch
        requested = ctx.today - datetime.timedelta(days=REQUESTED_DAYS_AGO[index])
        transfer = services.transfer_request(
            member=member, to_branch=branch, requested_on=requested, actor=actor,
            from_organisation="原务工地党组织",
        )  # fmt: skip
        for number, status in enumerate(path, start=1):
            note = "组织关系介绍信信息不全" if status == "rejected" else ""
            transfer = services.transfer_advance(
                transfer=transfer,
                to_status=status,
                on=requested + datetime.timedelta(days=9 * number),
                actor=actor,
                note=note,
            )
    posts = [
        (PioneerPost.Kind.KEY_POST, "塔吊指挥党员先锋岗"),
        (PioneerPost.Kind.KEY_PROCESS, "钢筋隐蔽工程质量把关"),
        (PioneerPost.Kind.KEY_LINK, "安全巡查责任区"),
        (PioneerPost.Kind.KEY_MOMENT, "防汛抢险突击队"),
    ]
    for branch in ctx.objects["branches"]:
        for member, (kind, title) in zip(
            members_by_branch.get(branch.pk, [])[::6], posts, strict=False
        ):
            services.pioneer_post_assign(
                member=member, project=branch.project, kind=kind, title=title,
                started_on=ctx.shift(D(2025, 5, 1)),
            )  # fmt: skip


# One election, held three weeks before the load, by the first pilot branch: a contested one
# for a committee of five, valid (one member absent), awaiting the committee's appointment.
ELECTION_DAYS_AGO = 21
ELECTION_SEATS = 5


def load_elections(ctx: DemoContext) -> None:
    branch = ctx.objects["branches"][0]
    if branch.elections.exists():
        return
    held_on = timezone.localdate() - datetime.timedelta(days=ELECTION_DAYS_AGO)
    entitled = list(elections.entitled_voters(branch=branch, on=held_on))
    present = entitled[1:]  # one absent: more than four fifths attend when 7 or more are entitled
    n = len(present)
    votes = [n, n - 1, n - 2, n - 3, n // 2 + 2, n // 2 - 1]  # five elected, the sixth not
    elections.election_record(
        branch=branch,
        held_on=held_on,
        seats=ELECTION_SEATS,
        contested=True,
        term_years=3,
        present=present,
        candidates=list(zip(entitled[: len(votes)], votes, strict=True)),
        note="支部委员会换届选举",
        recorded_by=ctx.objects["staff_user"],
    )


# Party dues: the investor's representatives (or else community staff) whose relation was
# transferred into the branch before the portal (three a branch at most) and the members whose transfer completed pay here; a year of
# dues up to the month before the demo's day, some behind, one paid ahead.
RELATIONS_IN_BRANCH = 3
BASES = [
    (DuesBase.Category.SALARIED, "6800.00", None),
    (DuesBase.Category.SALARIED, "4200.00", None),
    (DuesBase.Category.SALARIED, "12000.00", None),
    (DuesBase.Category.SALARIED, "3000.00", None),
    (DuesBase.Category.ANNUAL_SALARY, "150000.00", None),
    (DuesBase.Category.RETIRED, "5200.00", None),
    (DuesBase.Category.SALARIED, "5000.01", None),
    (DuesBase.Category.FARMER, None, "0.50"),
    (DuesBase.Category.SALARIED, "9500.00", None),
    (DuesBase.Category.UNEMPLOYED, None, None),
]
# By the member's place in the list of members paying here: months since the last paid month
# (counted back from the demo's month), and a reason recorded for the stretch.
BEHIND = {1: 4, 4: 7, 9: 7}  # 3 months shown; 6 months flagged; 6 months with a reason
REASONS = {9: "因病住院，家属已说明情况"}
AHEAD = 2  # the member at this place paid this month and two more ahead


def _dues(ctx: DemoContext) -> None:
    if DuesBase.objects.exists():
        return
    dues.rates_2008_ensure()
    today = getattr(ctx, "today", None) or timezone.localdate()
    this_month = dues.month_of(today)
    first_month = dues.add_months(this_month, -12)
    for branch in ctx.objects["branches"]:
        at_home = Member.objects.filter(
            relation_state=Member.RelationState.AT_HOME,
            participations__branch=branch,
            participations__left_on__isnull=True,
        ).order_by("pk")
        # The investor's representatives first, then members employed by the community.
        investor_members = [
            *at_home.filter(job="投资方代表"),
            *at_home.filter(employer_kind=Member.EmployerKind.COMMUNITY),
        ][:RELATIONS_IN_BRANCH]
        for member in investor_members:
            member.relation_state = Member.RelationState.IN_BRANCH
            save_revision(member)
    paying = list(
        Member.objects.filter(
            relation_state=Member.RelationState.IN_BRANCH,
            participations__branch__in=[b.pk for b in ctx.objects["branches"]],
            participations__left_on__isnull=True,
        ).order_by("pk")
    )
    secretaries = {
        seat.branch_id: seat.user
        for seat in Seat.objects.filter(user__isnull=False, kind=Seat.Kind.SECRETARY).order_by(
            "started_on"
        )
    }
    book = dues.RateBook()
    collections: dict[tuple[int, datetime.date], DuesCollection] = {}
    rows = []
    for place, member in enumerate(paying):
        participation = Participation.objects.get(member=member, left_on__isnull=True)
        branch_id = participation.branch_id
        actor = secretaries.get(branch_id, ctx.objects["staff_user"])
        category, pay, flat = BASES[place % len(BASES)]
        base = DuesBase.objects.create(
            member=member,
            category=category,
            pay=pay and Decimal(pay),
            flat_amount=flat and Decimal(flat),
            effective_from=first_month,
            recorded_by=actor,
        )
        standing = dues.member_dues_standing(member=member, today=today)
        last = dues.add_months(this_month, -BEHIND.get(place, 1))
        if place == AHEAD:
            last = dues.add_months(this_month, AHEAD)
        month = standing.owes_from
        while month <= last:
            paid_on = min(month.replace(day=10), today)
            if month > this_month:
                paid_on = this_month if this_month <= today else today
            key = (branch_id, min(month, this_month))
            if key not in collections:
                collections[key] = DuesCollection.objects.create(
                    branch_id=branch_id, month=key[1], recorded_by=actor
                )
            rows.append(
                DuesPayment(
                    member=member,
                    branch_id=branch_id,
                    month=month,
                    amount=dues.base_amount(base, book.on(month)),
                    paid_on=paid_on,
                    collection=collections[key],
                    recorded_by=actor,
                )
            )
            month = dues.add_months(month, 1)
        if place in REASONS:
            DuesArrearsReason.objects.create(
                member=member, reason=REASONS[place], recorded_on=today, recorded_by=actor
            )
    DuesPayment.objects.bulk_create(rows)


# Members on the move: two letters in transit — the letter of the transfer at the step "letter
# issued" (dated that day, 21 days before the load: valid three months, its receipt due a month
# after), and a letter out of the last pilot branch for a member whose relation is there, dated 75
# days before the load and valid two months (so past its validity, not arrived; its receipt six
# weeks overdue). The floating members of the pilot branches have taken part for more than six
# months (their groups were set up over a year before): they are flagged by the six-month rule;
# the first three of them hold an activity certificate.
OUT_LETTER_DAYS_AGO = 75
CERTIFICATES = 3


def _letters_and_certificates(ctx: DemoContext) -> None:
    if TransferLetter.objects.exists():
        return
    today = getattr(ctx, "today", None) or timezone.localdate()
    actor = ctx.objects["staff_user"]
    transfer = (
        Transfer.objects.filter(status=Transfer.Status.LETTER_ISSUED)
        .order_by("requested_on", "pk")
        .first()
    )
    if transfer is not None:
        issued = transfer.steps.get(status=Transfer.Status.LETTER_ISSUED).happened_on
        moves.incoming_letter_record(
            transfer=transfer, number=f"组字第{transfer.pk:03d}号", issued_on=issued,
            from_organisation=transfer.from_organisation,
            dues_paid_to=dues.month_of(issued), valid_until=moves.longest_validity(issued),
            actor=actor,
        )  # fmt: skip
    branch = ctx.objects["branches"][-1]
    leaving = (
        Member.objects.filter(
            relation_state=Member.RelationState.IN_BRANCH,
            participations__branch=branch,
            participations__left_on__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    if leaving is not None:
        issued = today - datetime.timedelta(days=OUT_LETTER_DAYS_AGO)
        paid = dues.member_dues_standing(member=leaving, today=issued).paid_through
        # Recorded with a mistyped number, then corrected: the first version stays in the
        # letter's history.
        letter = moves.outgoing_letter_issue(
            member=leaving, branch=branch, number="项支转字第01号", issued_on=issued,
            to_organisation="上海市某建设集团党委", dues_paid_to=paid or dues.month_of(issued),
            valid_until=issued + relativedelta(months=2), actor=actor,
        )  # fmt: skip
        moves.letter_correct(
            letter=letter, number="项支转字第001号", to_organisation=letter.to_organisation,
            dues_paid_to=letter.dues_paid_to, valid_until=letter.valid_until, actor=actor,
        )  # fmt: skip
    floating = Member.objects.filter(
        is_floating=True, relation_state=Member.RelationState.AT_HOME
    ).order_by("pk")[:CERTIFICATES]
    for number, member in enumerate(floating, start=1):
        issued = ctx.shift(D(2025, 3, 1))
        FloatingCertificate.objects.create(
            member=member,
            number=f"流动证{issued.year}{number:04d}",
            issued_on=issued,
            valid_until=issued + relativedelta(years=2),
            issuing_organisation=member.home_organisation.name
            if member.home_organisation
            else member.floating_from,
            recorded_by=actor,
        )


# Recruiting members (发展党员): a few workers recruited on site in each pilot branch, at different
# stages, their steps dated back from the demo's day. Nobody is admitted here (the report's 105
# members stay 105): the furthest, in the first branch, awaits the higher committee's approval,
# due within the week (a reminder). One applicant there left the site: the candidacy ended, its
# steps kept.
RECRUITS = [
    # (days before today: applied, talk, recommendation, activist, candidate), the last steps
    (10, None, None, None, None, ""),
    (45, 30, 20, None, None, ""),
    (320, 300, 260, 220, None, "contact"),
    (900, 880, 840, 800, 120, "development"),
]
VOTED_DAYS_AGO = 85  # the branch meeting's vote: the approval is due three months later


def load_recruiting(ctx: DemoContext) -> None:
    from members import recruitment
    from members.models import Candidate, CandidateStep

    if Candidate.objects.exists():
        return
    fake = ctx.faker_for("recruiting")
    rng = random.Random(f"{SEED}-recruiting")  # noqa: S311 - demo data, not secrets
    actor = ctx.objects["staff_user"]
    Kind = CandidateStep.Kind

    def ago(days: int) -> datetime.date:
        return ctx.today - datetime.timedelta(days=days)

    for place, branch in enumerate(ctx.objects["branches"]):
        branch = Branch.objects.select_related("project").get(pk=branch.pk)
        contractor = branch.project.participations.filter(role="general_contractor").first()
        plan = RECRUITS + (
            [(960, 940, 900, 860, 200, "voted"), (200, 185, 170, None, None, "left_site")]
            if place == 0
            else []
        )
        for applied, talk, recommended, activist, candidate_days, further in plan:
            gender = "M" if rng.random() < 0.85 else "F"
            given = fake.first_name_male() if gender == "M" else fake.first_name_female()
            birth = D(1982, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 20))
            id_number = _id_number(rng, birth, gender)
            phone = fake.phone_number()
            job = rng.choice(JOBS[1:])
            if Member.objects.filter(id_number=id_number).exists():
                continue
            candidate = recruitment.candidate_apply(
                candidate=Candidate(
                    name=fake.last_name() + given,
                    id_number=id_number,
                    phone=phone,
                    employer_kind=Member.EmployerKind.ENTERPRISE,
                    employer_enterprise=contractor.enterprise,
                    job=job,
                ),
                branch=branch,
                applied_on=ago(applied),
                actor=actor,
            )

            def step(kind, days, candidate=candidate, **extra):
                return recruitment.step_record(
                    candidate=candidate, kind=kind, happened_on=ago(days), actor=actor, **extra
                )

            if talk is None:
                continue
            step(Kind.TALK, talk, done_by="支部书记")
            step(Kind.RECOMMENDATION, recommended, note="党员推荐")
            if further == "left_site":
                recruitment.candidacy_end(
                    candidate=candidate,
                    ended_on=ago(150),
                    reason=Candidate.EndReason.LEFT_SITE,
                    note="分包合同完工，调往外地项目",
                    actor=actor,
                )
                continue
            if activist is None:
                continue
            step(Kind.ACTIVIST, activist, done_by="支部委员会")
            # The contact assigned when the branch had full members (a young branch: later).
            contact_days = candidate_days + 30 if candidate_days else activist - 20
            voters = list(elections.entitled_voters(branch=branch, on=ago(contact_days)))
            if not voters:
                continue
            step(Kind.CONTACT, contact_days, person=voters[0])
            step(Kind.THOUGHT_REPORT, activist - 90, note="第一季度思想汇报")
            if candidate_days is None:
                continue
            step(Kind.CANDIDATE, candidate_days, done_by="支部委员会")
            introducers = list(elections.entitled_voters(branch=branch, on=ago(candidate_days - 5)))
            if len(introducers) < 2:
                continue
            step(Kind.INTRODUCER, candidate_days - 5, person=introducers[0])
            step(Kind.INTRODUCER, candidate_days - 5, person=introducers[1])
            step(Kind.POLITICAL_REVIEW, candidate_days - 20, done_by="街道党工委组织科")
            step(Kind.TRAINING, candidate_days - 30, training_days=3, note="街道党校集中培训")
            if further != "voted":
                continue
            step(Kind.COMMITTEE_REVIEW, VOTED_DAYS_AGO + 30, done_by="支部委员会")
            step(Kind.PRE_REVIEW, VOTED_DAYS_AGO + 20, done_by="项目党委")
            step(Kind.APPLICATION_FORM, VOTED_DAYS_AGO + 10)
            held_on = ago(VOTED_DAYS_AGO)
            present = list(elections.entitled_voters(branch=branch, on=held_on))
            decision = elections.member_decision_record(
                branch=branch,
                held_on=held_on,
                kind="admission",
                subject_name=candidate.name,
                present=present,
                in_favour=len(present),
                recorded_by=actor,
            )
            step(Kind.ADMISSION_VOTE, VOTED_DAYS_AGO, decision=decision)
            step(Kind.HIGHER_TALK, VOTED_DAYS_AGO - 20, done_by="项目党委组织委员")
