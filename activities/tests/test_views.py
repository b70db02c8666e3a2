import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from activities.models import ActivityLog, ActivityPhoto, Attendance, Rule
from activities.tests.factories import ActivityLogFactory, kind
from members.tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def jpeg(name="site.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def roster(branch):
    return [ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1)).member for _ in range(3)]


def form_data(roster, **overrides):
    data = {
        "kind": kind("work-shed-lesson").pk,
        "title": "工棚小党课",
        "held_on": "2026-03-10",
        "lecturer": "张书记",
        "non_member_count": "2",
        "submission_token": "5f0c2b1e-0000-4000-8000-000000000010",
    }
    for member in roster:
        data[f"att_{member.pk}"] = "present"
        data[f"why_{member.pk}"] = ""
    return data | overrides


@pytest.mark.usefixtures("each_storage")
def test_secretary_records_and_submits_with_a_photo(secretary_client, branch, roster):
    data = form_data(roster, **{f"att_{roster[1].pk}": "leave", f"why_{roster[1].pk}": "返乡"})
    response = secretary_client.post(
        reverse("activities:create"), {**data, "submit": "1", "photos": jpeg()}
    )
    log = ActivityLog.objects.get()
    assert response.status_code == 302 and response["Location"] == log.get_absolute_url()
    assert log.status == "submitted" and log.branch == branch
    assert Attendance.objects.filter(log=log, status="leave").get().reason == "返乡"
    photo = log.photos.get()
    assert photo.content_type == "image/jpeg"
    assert not photo.image.name.endswith("site.jpg")  # stored under a random name


@pytest.mark.usefixtures("each_storage")
def test_a_photo_is_stored_by_its_format_without_its_location(secretary_client, branch, roster):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (32.0, 1.0, 2.0), 3: "E", 4: (120.0, 52.0, 10.0)}  # GPS
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("照片\u202egpj.exe", buffer.getvalue(), content_type="image/jpeg")
    secretary_client.post(reverse("activities:create"), {**form_data(roster), "photos": upload})
    photo = ActivityPhoto.objects.get()
    assert photo.image.name.endswith(".jpg")
    response = secretary_client.get(reverse("activities:photo", args=[photo.pk]))
    served = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert served.format == "JPEG" and not served.getexif()


def test_a_bad_form_keeps_every_value_and_saves_nothing(secretary_client, branch, roster):
    response = secretary_client.post(
        reverse("activities:create"),
        form_data(roster, held_on="", content="今天讲安全生产", **{f"att_{roster[0].pk}": "leave"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "今天讲安全生产" in page
    errors = response.context["form"].errors
    assert errors["held_on"] and errors[f"why_{roster[0].pk}"]  # both at once
    assert not ActivityLog.objects.exists()


@pytest.mark.usefixtures("each_storage")
def test_a_forged_photo_is_explained_and_nothing_saved(secretary_client, branch, roster):
    forged = SimpleUploadedFile("site.jpg", b"not an image at all", content_type="image/jpeg")
    response = secretary_client.post(
        reverse("activities:create"), {**form_data(roster), "photos": forged}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not ActivityLog.objects.exists() and not ActivityPhoto.objects.exists()


def test_secretary_cannot_see_or_touch_another_branchs_logs(secretary_client, other_branch):
    log = ActivityLogFactory(branch=other_branch, status="draft", submitted_at=None)
    for name in ("activities:detail", "activities:edit"):
        assert secretary_client.get(reverse(name, args=[log.pk])).status_code == 404
    assert secretary_client.post(reverse("activities:submit", args=[log.pk])).status_code == 404
    assert (
        secretary_client.get(reverse("activities:create"), {"branch": other_branch.pk}).status_code
        == 404
    )


@pytest.mark.usefixtures("each_storage")
def test_photos_are_served_only_within_scope(secretary_client, staff_client, branch, other_branch):
    from activities import services

    own = services.photo_add(log=ActivityLogFactory(branch=branch), upload=jpeg(), actor=None)
    foreign = services.photo_add(
        log=ActivityLogFactory(branch=other_branch), upload=jpeg(), actor=None
    )
    response = secretary_client.get(reverse("activities:photo", args=[own.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert secretary_client.get(reverse("activities:photo", args=[foreign.pk])).status_code == 404
    assert staff_client.get(reverse("activities:photo", args=[foreign.pk])).status_code == 200


def test_a_submitted_log_is_edited_by_staff_only(secretary_client, staff_client, branch):
    log = ActivityLogFactory(branch=branch)
    assert secretary_client.get(reverse("activities:edit", args=[log.pk])).status_code == 403
    assert staff_client.get(reverse("activities:edit", args=[log.pk])).status_code == 200


def test_activity_list_query_count_holds_at_ten_times_the_rows(staff_client, branch, roster):
    def grow(n):
        for _ in range(n):
            log = ActivityLogFactory(branch=branch)
            Attendance.objects.bulk_create(
                [Attendance(log=log, member=m, status="present") for m in roster]
            )

    grow(3)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(reverse("activities:list"))
    grow(27)
    with CaptureQueriesContext(connection) as large:
        response = staff_client.get(reverse("activities:list"))
    assert len(response.context["filter"].qs) == 30
    assert len(large) == len(small)


@pytest.mark.parametrize(
    "url_name",
    [
        "activities:compliance",
        "activities:campaigns",
        "activities:brands",
        "activities:rules",
        "activities:suggestions",
    ],
)
def test_other_activity_pages_cost_the_same_queries_as_rows_grow(staff_client, url_name):
    from branches.tests.factories import BranchFactory

    def grow(n):
        for _ in range(n):
            ActivityLogFactory(branch=BranchFactory())

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(reverse(url_name)).status_code == 200
    grow(18)
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get(reverse(url_name)).status_code == 200
    assert len(large) == len(small)


def test_the_ledger_exports_the_filtered_logs_with_attendance(
    staff_client, branch, other_branch, roster
):
    log = ActivityLogFactory(branch=branch, title="三月支委会")
    Attendance.objects.create(log=log, member=roster[0], status="present")
    Attendance.objects.create(log=log, member=roster[1], status="leave", reason="病假")
    ActivityLogFactory(branch=other_branch, title="别的支部")
    response = staff_client.get(reverse("activities:ledger"), {"branch": branch.pk})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    activities = list(workbook["活动台账"].iter_rows(values_only=True))
    assert [row[6] for row in activities[1:]] == ["三月支委会"]
    assert activities[1][11:14] == (1, 0, 1)
    attendance = list(workbook["出勤明细"].iter_rows(values_only=True))
    assert {(row[3], row[4], row[5]) for row in attendance[1:]} == {
        (roster[0].name, "出席", None),
        (roster[1].name, "请假", "病假"),
    }


def ledger_titles(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row[6] for row in workbook["活动台账"].iter_rows(min_row=2, values_only=True)]


def test_the_streets_ledger_is_asked_for_by_year(staff_client, branch):
    this_year = timezone.localdate().year
    ActivityLogFactory(branch=branch, title="今年", held_on=datetime.date(this_year, 1, 5))
    ActivityLogFactory(branch=branch, title="前年", held_on=datetime.date(this_year - 2, 6, 1))
    assert ledger_titles(staff_client.get(reverse("activities:ledger"))) == ["今年"]
    response = staff_client.get(reverse("activities:ledger"), {"year": this_year - 2})
    assert ledger_titles(response) == ["前年"]
    assert f"activity-ledger-{this_year - 2}.xlsx" in response["Content-Disposition"]
    response = staff_client.get(reverse("activities:ledger"), {"branch": branch.pk})
    assert ledger_titles(response) == ["今年", "前年"]  # a branch's whole history, newest first


def test_the_streets_ledger_covers_at_most_a_year_at_a_time(staff_client, branch):
    ActivityLogFactory(branch=branch, held_on=datetime.date(2024, 6, 1))
    url = reverse("activities:ledger")
    response = staff_client.get(url, {"held_from": "2020-01-01", "held_until": "2025-12-31"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("activities:list"))
    assert staff_client.get(url, {"held_from": "2020-01-01"}).status_code == 302
    within = {"held_from": "2024-01-01", "held_until": "2024-12-31"}
    assert staff_client.get(url, within).status_code == 200
    long_for_a_branch = {"held_from": "2020-01-01", "branch": branch.pk}
    assert staff_client.get(url, long_for_a_branch).status_code == 200


def test_a_ledger_too_long_for_one_sheet_goes_on_in_a_second(staff_client, branch, roster):
    from unittest import mock

    from core import xlsx

    for day in (1, 2):
        log = ActivityLogFactory(branch=branch, held_on=datetime.date(2026, 3, day))
        for member in roster:
            Attendance.objects.create(log=log, member=member, status="present")
    with mock.patch.object(xlsx, "MAX_SHEET_ROWS", 5):  # the header and four rows a sheet
        response = staff_client.get(reverse("activities:ledger"), {"branch": branch.pk})
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["活动台账", "出勤明细", "出勤明细 (2)"]
    attendance = [
        row
        for name in ("出勤明细", "出勤明细 (2)")
        for row in workbook[name].iter_rows(min_row=2, values_only=True)
    ]
    assert len(attendance) == 6
    assert workbook["出勤明细 (2)"]["A1"].value == "日期"


def test_the_ledger_costs_the_same_queries_whatever_its_size(staff_client, branch, roster):
    def grow(n):
        for _ in range(n):
            log = ActivityLogFactory(branch=branch)
            for member in roster:
                Attendance.objects.create(log=log, member=member, status="present")

    def export():
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("activities:ledger"), {"branch": branch.pk})
            b"".join(response.streaming_content)
        return len(queries)

    grow(2)
    small = export()
    grow(20)
    assert export() == small


def test_compliance_shows_a_secretary_what_is_due(secretary_client, branch):
    response = secretary_client.get(reverse("activities:compliance"))
    assert [row.branch for row in response.context["rows"]] == [branch]
    assert response.context["due"][0][0] == branch


def test_a_rule_with_a_forged_document_is_refused(secretary_client, branch):
    response = secretary_client.post(
        reverse("activities:rule_create"),
        {
            "branch": branch.pk,
            "owner": "branch",
            "kind": "operating",
            "title": "支部工作制度",
            "effective_on": "2025-04-01",
            "upload": SimpleUploadedFile("rule.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not Rule.objects.exists()


@pytest.mark.usefixtures("each_storage")
def test_a_rule_document_is_stored_by_what_it_is(secretary_client, branch):
    secretary_client.post(
        reverse("activities:rule_create"),
        {
            "branch": branch.pk,
            "owner": "branch",
            "kind": "operating",
            "title": "支部工作制度",
            "effective_on": "2025-04-01",
            "upload": SimpleUploadedFile("制度\u202efdp.exe", b"%PDF-1.7 ..."),
        },
    )
    assert Rule.objects.get().document.name.endswith(".pdf")


@pytest.mark.usefixtures("each_storage")
def test_a_rule_document_is_downloaded_within_scope_only(
    secretary_client, staff_client, branch, other_branch
):
    from activities import services

    rule = services.rule_save(
        rule=Rule(
            branch=other_branch,
            owner="branch",
            kind="operating",
            title="制度",
            effective_on=D(2025, 4, 1),
        ),
        document=SimpleUploadedFile("rule.pdf", b"%PDF-1.7 ..."),
    )
    assert (
        secretary_client.get(reverse("activities:rule_document", args=[rule.pk])).status_code == 404
    )
    response = staff_client.get(reverse("activities:rule_document", args=[rule.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_suggestion_flow_and_adoption_rate(staff_client, branch):
    response = staff_client.post(
        reverse("activities:suggestion_create"),
        {
            "project": branch.project.pk,
            "author": "木工",
            "content": "增设工地图书角",
            "submitted_on": "2026-03-01",
            "submission_token": "5f0c2b1e-0000-4000-8000-000000000011",
        },
    )
    assert response.status_code == 302
    suggestion = branch.project.suggestions.get()
    staff_client.post(
        reverse("activities:suggestion_move", args=[suggestion.pk]),
        {"to_status": "adopted", "on": "2026-03-04", "note": "采纳"},
    )
    stats = staff_client.get(reverse("activities:suggestions")).context["stats"]
    row = next(p for p in stats if p.pk == branch.project.pk)
    assert (row.submitted, row.adopted, row.reviewed) == (1, 1, 1)


def test_a_suggestion_drive_counts_the_suggestions_themselves(
    staff_client, secretary_client, street_staff, branch, other_branch
):
    """Each fact entered once: a suggestion made during the campaign counts under its
    我为项目献一策 item with no activity logged to say so; one made after its end does not."""
    from activities import services
    from activities.models import Campaign, CampaignItem, Suggestion

    campaign = Campaign.objects.create(
        name="紫琅山下党旗红",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 6, 30),
    )
    campaign.branches.set([branch, other_branch])
    CampaignItem.objects.create(campaign=campaign, name="关爱进工地", order=0)
    CampaignItem.objects.create(
        campaign=campaign, name="我为项目献一策", order=1, collects_suggestions=True
    )
    for day in (datetime.date(2026, 3, 5), datetime.date(2026, 6, 30), datetime.date(2026, 7, 1)):
        services.suggestion_submit(
            suggestion=Suggestion(
                project=branch.project, author="木工", content="建议", submitted_on=day
            ),
            actor=street_staff,
        )
    response = staff_client.get(reverse("activities:campaign_detail", args=[campaign.pk]))
    rows = {
        branch_row.pk: ([n for _item, n in cells], total)
        for branch_row, cells, total in response.context["rollup"]["rows"]
    }
    assert rows[branch.pk] == ([0, 2], 2)
    assert rows[other_branch.pk] == ([0, 0], 0)
    # The figure links to the suggestions behind it.
    listed = staff_client.get(
        reverse("activities:suggestions"),
        {
            "project": branch.project.pk,
            "submitted_from": "2026-03-01",
            "submitted_until": "2026-06-30",
        },
    )
    assert len(listed.context["filter"].qs) == 2
    # The secretary sees their own branch's row only.
    own = secretary_client.get(reverse("activities:campaign_detail", args=[campaign.pk]))
    assert [row[0].pk for row in own.context["rollup"]["rows"]] == [branch.pk]


def test_a_campaign_counts_each_branchs_submitted_logs_per_item(staff_client, branch, other_branch):
    """Drafts, logs with no item and logs under another campaign's item are not counted."""
    from activities.models import Campaign, CampaignItem

    def campaign(name):
        made = Campaign.objects.create(name=name, starts_on=D(2026, 3, 1), ends_on=D(2026, 6, 30))
        made.branches.set([branch, other_branch])
        return made, [
            CampaignItem.objects.create(campaign=made, name=name, order=order)
            for order, name in enumerate(("关爱进工地", "党旗红"))
        ]

    shown, (care, flag) = campaign("紫琅山下党旗红")
    _other, (elsewhere, _) = campaign("工地党建月")
    for where, item, status, times in (
        (branch, care, "submitted", 3),
        (branch, flag, "submitted", 1),
        (branch, flag, "draft", 2),
        (branch, None, "submitted", 2),
        (branch, elsewhere, "submitted", 2),
        (other_branch, flag, "submitted", 2),
    ):
        for _ in range(times):
            ActivityLogFactory(
                branch=where,
                campaign_item=item,
                status=status,
                submitted_at=None if status == "draft" else timezone.now(),
            )
    response = staff_client.get(reverse("activities:campaign_detail", args=[shown.pk]))
    rows = {
        row.pk: ([n for _item, n in cells], total)
        for row, cells, total in response.context["rollup"]["rows"]
    }
    assert rows == {branch.pk: ([3, 1], 4), other_branch.pk: ([0, 2], 2)}


def test_the_suggestion_figures_per_project_are_those_of_its_suggestions(
    staff_client, secretary_client, branch, other_branch
):
    """The most suggestions first, then by name; every status and saving counted once, a
    project with no suggestion not listed; a secretary sees their own project's row only."""
    from decimal import Decimal

    from activities.models import Suggestion
    from branches.tests.factories import BranchFactory
    from projects.models import Project
    from projects.tests.factories import ProjectFactory

    quiet = ProjectFactory(name="安静的项目")
    projects = [branch.project, other_branch.project, BranchFactory().project, quiet]
    made = [
        (0, "submitted", None, None),
        (0, "adopted", 3, "100.50"),
        (0, "implemented", 5, None),
        (0, "declined", None, None),
        (1, "implemented", 2, "20.00"),
        (1, "adopted", None, None),
        (2, "declined", None, None),
        (2, "submitted", None, None),
    ]
    for index, status, days, money in made:
        Suggestion.objects.create(
            project=projects[index], branch=None, author="木工", content="建议", status=status,
            submitted_on=D(2026, 3, 1), days_saved=days, money_saved=money and Decimal(money),
        )  # fmt: skip

    def rows(client):
        stats = client.get(reverse("activities:suggestions")).context["stats"]
        return [
            (p.pk, p.submitted, p.adopted, p.reviewed, p.implemented, p.days_saved, p.money_saved)
            for p in stats
        ]

    first = (projects[0].pk, 4, 2, 3, 1, 8, Decimal("100.50"))
    ties = sorted(
        [
            (projects[1].pk, 2, 2, 2, 1, 2, Decimal("20.00")),
            (projects[2].pk, 2, 0, 1, 0, None, None),
        ],
        key=lambda row: (Project.objects.get(pk=row[0]).name, row[0]),
    )
    assert rows(staff_client) == [first, *ties]
    assert rows(secretary_client) == [first]
