"""The activity kinds the portal starts with (committee staff edit them in the admin).

Frequencies follow the Party branch work regulations (2018): a general meeting about once a
quarter, a committee meeting and a Party group meeting about once a month, a Party lesson at
least once a quarter, a theme Party day each month, an organisational-life meeting and the
democratic appraisal of members once a year. The report's site rules come with no frequency;
a work-shed Party lesson counts as a Party lesson."""

KINDS = [
    # (code, name, level, frequency, counts_as, needs_lecturer, order)
    ("general-meeting", "党员大会", "branch", "quarterly", None, False, 10),
    ("committee-meeting", "支委会", "branch", "monthly", None, False, 20),
    ("group-meeting", "党小组会", "group", "monthly", None, False, 30),
    ("party-lesson", "党课", "branch", "quarterly", None, True, 40),
    ("theme-party-day", "主题党日", "branch", "monthly", None, False, 50),
    ("life-meeting", "组织生活会", "branch", "yearly", None, False, 60),
    ("member-appraisal", "民主评议党员", "branch", "yearly", None, False, 70),
    ("work-shed-lesson", "工棚小党课", "branch", "none", "party-lesson", True, 80),
    ("site-care", "工地大关爱", "branch", "none", None, False, 90),
    ("flag-on-scaffolding", "脚手架上党旗扬", "branch", "none", None, False, 100),
    ("volunteer-service", "志愿服务", "branch", "none", None, False, 110),
    ("other", "其他", "branch", "none", None, False, 200),
]


def ensure_default_kinds(ActivityKind) -> None:
    """Create the default kinds that are missing; kinds staff have edited are left alone."""
    for code, name, level, frequency, _counts_as, needs_lecturer, order in KINDS:
        ActivityKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "frequency": frequency,
                "needs_lecturer": needs_lecturer,
                "order": order,
            },
        )
    for code, _name, _level, _frequency, counts_as, _lecturer, _order in KINDS:
        if counts_as:
            ActivityKind.objects.filter(code=code, counts_as__isnull=True).update(
                counts_as=ActivityKind.objects.get(code=counts_as)
            )
