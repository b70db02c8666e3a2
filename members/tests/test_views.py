import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from branches.tests.factories import PartyGroupFactory
from members.models import HomeOrganisation, Member
from members.roster import COLUMNS
from members.tests.factories import MemberFactory, ParticipationFactory, make_id_number

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def own_member(branch):
    return ParticipationFactory(branch=branch, member__phone="13812345678").member


@pytest.fixture
def other_member(other_branch):
    return ParticipationFactory(branch=other_branch).member


def test_secretary_lists_only_own_branch_members(secretary_client, own_member, other_member):
    response = secretary_client.get(reverse("members:list"))
    assert list(response.context["filter"].qs) == [own_member]
    assert other_member.name not in response.content.decode()


def test_a_secretarys_member_list_counts_each_member_who_takes_or_took_part_once(
    secretary_client, branch, other_branch, own_member, other_member
):
    rejoined = ParticipationFactory(
        branch=branch, joined_on=D(2025, 4, 1), left_on=D(2025, 5, 1)
    ).member
    ParticipationFactory(member=rejoined, branch=branch, joined_on=D(2025, 6, 1))
    moved = ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1), left_on=D(2025, 5, 1))
    ParticipationFactory(member=moved.member, branch=other_branch, joined_on=D(2025, 6, 1))
    gone = ParticipationFactory(branch=branch, joined_on=D(2025, 4, 1), left_on=D(2025, 5, 1))
    expected = {own_member.pk, rejoined.pk, moved.member.pk, gone.member.pk}
    page = secretary_client.get(reverse("members:list")).context["page"]
    assert {member.pk for member in page.object_list} == expected
    assert page.paginator.count == 4
    # Filtered, the list counts its own rows.
    left = secretary_client.get(reverse("members:list"), {"state": "left"}).context["page"]
    assert [member.pk for member in left.object_list] == [gone.member.pk]
    assert left.paginator.count == 1


def test_secretary_gets_404_for_another_branchs_member(secretary_client, other_member):
    for name in ("members:detail", "members:edit", "members:move", "members:leave"):
        url = reverse(name, args=[other_member.pk])
        assert secretary_client.get(url).status_code == 404, name


def test_list_masks_personal_data(staff_client, own_member):
    page = staff_client.get(reverse("members:list")).content.decode()
    assert own_member.id_number not in page and own_member.masked_id_number in page
    assert "13812345678" not in page and "138****5678" in page


def test_detail_masks_personal_data_until_shown(staff_client, secretary_client, own_member):
    for client in (staff_client, secretary_client):
        page = client.get(own_member.get_absolute_url()).content.decode()
        assert own_member.id_number not in page and "13812345678" not in page
        assert own_member.masked_id_number in page and 'id="reveal-personal-data"' in page


def test_show_reveals_the_full_numbers_to_staff_and_own_secretary(
    staff_client, secretary_client, own_member
):
    url = reverse("members:personal_data", args=[own_member.pk])
    for client in (staff_client, secretary_client):
        page = client.post(url).content.decode()
        assert own_member.id_number in page and "13812345678" in page
        partial = client.post(url, HTTP_HX_REQUEST="true").content.decode()
        assert own_member.id_number in partial and "<html" not in partial


def test_show_is_refused_outside_the_scope(secretary_client, other_member):
    url = reverse("members:personal_data", args=[other_member.pk])
    assert secretary_client.post(url).status_code == 404
    assert secretary_client.get(url).status_code == 404


def test_opening_the_show_address_leads_to_the_members_page(secretary_client, own_member):
    from accounts.models import AccessRecord

    url = reverse("members:personal_data", args=[own_member.pk])
    response = secretary_client.get(url, follow=True)
    assert response.redirect_chain == [(own_member.get_absolute_url(), 302)]
    page = response.content.decode()
    assert own_member.id_number not in page and own_member.masked_id_number in page
    assert "按“显示完整号码”后显示" in page
    assert not AccessRecord.objects.filter(action=AccessRecord.Action.VIEW_PERSONAL_DATA).exists()


def test_the_edit_form_keeps_masked_numbers_and_takes_a_whole_new_one(staff_client, own_member):
    url = reverse("members:edit", args=[own_member.pk])
    response = staff_client.get(url)
    page = response.content.decode()
    assert own_member.id_number not in page and "13812345678" not in page
    # Nor in the signed snapshot of the values shown (a hidden field, readable when decoded).
    shown = response.context["form"].snapshot()
    assert (shown["id_number"], shown["phone"]) == (own_member.masked_id_number, "138****5678")
    data = {
        **{f: getattr(own_member, f) for f in ("name", "gender", "standing", "employer_kind")},
        "phone": own_member.masked_phone,
        "id_number": own_member.masked_id_number,
        "revision": own_member.revision,
        "birth_date": own_member.birth_date.isoformat(),
        "joined_party_on": "2010-07-01",
        "full_member_on": "2011-07-01",
        "employer_name": "某建筑劳务公司",
        "home_organisation": own_member.home_organisation_id,
        "relation_state": "at_home",
    }
    stored_id = own_member.id_number
    assert staff_client.post(url, data).status_code == 302
    own_member.refresh_from_db()
    assert own_member.id_number not in page and "13812345678" not in page
    assert (own_member.id_number, own_member.phone) == (stored_id, "13812345678")
    own_member.refresh_from_db()
    data["revision"] = own_member.revision
    assert staff_client.post(url, {**data, "phone": "13900001111"}).status_code == 302
    own_member.refresh_from_db()
    assert own_member.phone == "13900001111"


def test_a_secretary_whose_member_moved_on_sees_only_masked_data(
    secretary_client, own_member, other_branch
):
    from members import services

    services.participation_move(
        member=own_member, branch=other_branch, on=D(2025, 9, 1), reason="调往新项目"
    )
    response = secretary_client.get(own_member.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200  # the branch's own history stays readable
    assert own_member.id_number not in page and own_member.masked_id_number in page
    assert secretary_client.get(reverse("members:edit", args=[own_member.pk])).status_code == 403


def test_audit_history_is_shown_to_staff_only(staff_client, secretary_client, own_member):
    staff_client.post(
        reverse("members:edit", args=[own_member.pk]),
        {
            **{
                f: getattr(own_member, f)
                for f in ("name", "gender", "phone", "id_number", "standing", "employer_kind")
            },
            "birth_date": own_member.birth_date.isoformat(),
            "joined_party_on": "2010-07-01",
            "full_member_on": "2011-07-01",
            "employer_name": "某建筑劳务公司",
            "job": "安全员",
            "home_organisation": own_member.home_organisation_id,
            "relation_state": "at_home",
            "revision": own_member.revision,
        },
    )
    own_member.refresh_from_db()
    assert own_member.job == "安全员"
    staff_page = staff_client.get(own_member.get_absolute_url())
    # One change listed: the revision is bookkeeping, not an edit.
    [change] = staff_page.context["history"][0]["changes"]
    assert change["new"] == "安全员"
    assert secretary_client.get(own_member.get_absolute_url()).context["history"] is None


def test_register_a_member_with_bad_input_keeps_the_values(secretary_client, branch):
    response = secretary_client.post(
        reverse("members:create"),
        {
            "name": "李志强",
            "gender": "M",
            "birth_date": "1980-03-03",
            "phone": "13912345678",
            "id_number": "320602198003030071",
            "standing": "full",
            "joined_party_on": "2005-07-01",
            "full_member_on": "2006-07-01",
            "employer_kind": "other",
            "employer_name": "某劳务公司",
            "relation_state": "in_pocket",
            "branch": branch.pk,
            "joined_on": "2025-04-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert "李志强" in response.content.decode()
    assert not Member.objects.exists()


def test_secretary_cannot_register_into_another_branch(secretary_client, other_branch):
    form = secretary_client.get(reverse("members:create")).context["form"]
    assert other_branch not in form.fields["branch"].queryset


def test_filters(staff_client, branch, other_branch):
    group = PartyGroupFactory(branch=branch)
    in_group = ParticipationFactory(branch=branch, party_group=group).member
    pocket = ParticipationFactory(
        branch=other_branch, member__relation_state="in_pocket", member__home_organisation=None
    ).member
    left = ParticipationFactory(branch=branch, left_on=D(2025, 8, 1)).member
    url = reverse("members:list")

    def names(**params):
        return {m.pk for m in staff_client.get(url, params).context["filter"].qs}

    assert names(party_group=group.pk) == {in_group.pk}
    assert names(relation_state="in_pocket") == {pocket.pk}
    assert names(state="left") == {left.pk}
    assert names(branch=branch.pk) == {in_group.pk}
    assert names(q=in_group.phone[-4:]) == {in_group.pk}


def test_member_list_query_count_holds_at_ten_times_the_rows(staff_client, branch):
    group = PartyGroupFactory(branch=branch)
    for _ in range(5):
        ParticipationFactory(branch=branch, party_group=group)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(reverse("members:list"))
    for _ in range(45):
        ParticipationFactory(branch=branch, party_group=group)
    with CaptureQueriesContext(connection) as large:
        response = staff_client.get(reverse("members:list"))
    assert len(response.context["filter"].qs) == 50
    assert len(large) == len(small)


def test_transfer_overview_counts_in_two_queries(staff_client, branch, other_branch):
    ParticipationFactory(
        branch=branch, member__relation_state="in_pocket", member__home_organisation=None
    )
    ParticipationFactory(branch=branch)
    ParticipationFactory(  # left the branch: neither active nor in its pocket
        branch=branch, left_on=D(2025, 5, 1), member__relation_state="in_pocket",
        member__home_organisation=None,
    )  # fmt: skip
    response = staff_client.get(reverse("members:transfers"))
    rows = {b.pk: b for b in response.context["page"].object_list}
    assert (rows[branch.pk].active_members, rows[branch.pk].pocket_members) == (2, 1)
    assert rows[other_branch.pk].active_members == 0


# Roster files ------------------------------------------------------------------------------------


def roster_file(rows: list[dict]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _n, header, _e, _r in COLUMNS])
    for row in rows:
        sheet.append([row.get(name, "") for name, _h, _e, _r in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer


def good_row(n: int, in_branch, **overrides) -> dict:
    birth = D(1980, 1, 1) + datetime.timedelta(days=n)
    row = {
        "name": f"成员{n}",
        "gender": "男",
        "birth_date": birth.isoformat(),
        "phone": f"139{n:08d}",
        "id_number": make_id_number(n, birth),
        "standing": "正式党员",
        "joined_party_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "employer": "某劳务公司",
        "is_floating": "否",
        "relation_state": "口袋党员",
        "branch": in_branch.name,
        "joined_on": "2025-04-01",
    }
    return row | overrides


def test_template_has_the_chinese_headers(secretary_client, branch):
    response = secretary_client.get(reverse("members:template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["姓名", "手机号码", "身份证号码"]


def test_import_reports_errors_by_row_and_column_and_saves_nothing(secretary_client, branch):
    rows = [
        good_row(1, branch),
        good_row(2, branch, id_number="320602198001030021"),  # wrong checksum
        good_row(3, branch, full_member_on="2004-01-01"),  # full before joining
        good_row(4, branch, branch="别的支部"),
        good_row(5, branch, id_number=make_id_number(1, D(1980, 1, 2))),  # same as row 2's first
    ]
    response = secretary_client.post(reverse("members:import"), {"file": roster_file(rows)})
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert (3, "身份证号码") in errors
    assert (4, "转正日期") in errors
    assert (5, "所在支部") in errors
    assert (6, "身份证号码") in errors  # duplicate of row 2 in the file
    assert not Member.objects.exists()


def test_import_refuses_members_already_recorded(secretary_client, branch):
    existing = MemberFactory()
    row = good_row(
        1, branch, id_number=existing.id_number, birth_date=existing.birth_date.isoformat()
    )
    response = secretary_client.post(reverse("members:import"), {"file": roster_file([row])})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "身份证号码")]


def test_a_valid_roster_is_imported_whole(secretary_client, branch):
    group = PartyGroupFactory(branch=branch, name="质量监管党小组")
    rows = [good_row(n, branch, party_group="质量监管党小组") for n in range(1, 31)]
    response = secretary_client.post(reverse("members:import"), {"file": roster_file(rows)})
    assert response.status_code == 200 and response.context["imported"] == 30
    assert Member.objects.count() == 30
    assert all(p.party_group == group for p in branch.participations.all())
    assert Member.history.count() == 30  # the import is in the audit history too


def test_an_import_costs_the_same_queries_for_10_rows_as_for_100(secretary_client, branch):
    from projects.tests.factories import EnterpriseFactory

    builder = EnterpriseFactory(name="南通一建")
    HomeOrganisation.objects.create(name="某县党委")
    PartyGroupFactory(branch=branch, name="质量监管党小组")

    def rows(first: int, count: int) -> list[dict]:
        return [
            good_row(
                n,
                branch,
                employer=builder.name if n % 2 else "某劳务公司",
                party_group="质量监管党小组",
                relation_state="在原党组织",
                home_organisation="某县党委" if n % 2 else f"某镇党委{n}",  # known or new
            )
            for n in range(first, first + count)
        ]

    def imported(file) -> int:
        # Django splits an SQLite insert at 999 parameters (the limit of SQLite before 3.32,
        # 32,766 since): raised here, so that what is counted is the import's own batches.
        with (
            mock.patch.object(type(connection.features), "max_query_params", 32_766),
            CaptureQueriesContext(connection) as queries,
        ):
            response = secretary_client.post(reverse("members:import"), {"file": file})
        assert response.context["errors"] == []
        return len(queries)

    small = imported(roster_file(rows(1, 10)))
    assert imported(roster_file(rows(101, 100))) == small
    assert Member.objects.filter(employer_enterprise=builder).count() == 55
    assert Member.objects.filter(home_organisation__name="某县党委").count() == 55
    assert HomeOrganisation.objects.filter(name__startswith="某镇党委").count() == 55


def test_checking_a_roster_costs_the_same_queries_for_10_rows_as_for_100(secretary_client, branch):
    def refused(rows) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = secretary_client.post(reverse("members:import"), {"file": roster_file(rows)})
        assert response.context["errors"]
        return len(queries)

    taken = MemberFactory()
    small = [good_row(n, branch) for n in range(1, 10)]
    large = [good_row(n, branch) for n in range(1, 100)]
    other = good_row(0, branch, branch="别的支部")
    assert refused([*large, other]) == refused([*small, other])
    duplicate = good_row(
        0, branch, id_number=taken.id_number, birth_date=taken.birth_date.isoformat()
    )
    assert refused([*large, duplicate]) == refused([*small, duplicate])


def test_a_file_that_is_not_xlsx_is_explained(secretary_client):
    fake = io.BytesIO(b"not a spreadsheet")
    fake.name = "roster.xlsx"
    response = secretary_client.post(reverse("members:import"), {"file": fake})
    assert response.status_code == 200
    assert response.context["errors"][0].row == 0


def test_export_is_masked_and_filtered(staff_client, own_member, other_member):
    response = staff_client.get(reverse("members:export"), {"q": own_member.name})
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 2
    assert rows[1][0] == own_member.name
    assert rows[1][4] == own_member.masked_id_number and rows[1][3] == "138****5678"


def test_the_export_costs_the_same_queries_whatever_the_rosters_size(staff_client, branch):
    def export() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("members:export"))
            rows = list(
                load_workbook(io.BytesIO(b"".join(response.streaming_content)))[
                    "党员名册"
                ].iter_rows(min_row=2, values_only=True)
            )
        return len(queries), len(rows)

    ParticipationFactory.create_batch(3, branch=branch)
    small, three = export()
    ParticipationFactory.create_batch(30, branch=branch)
    large, thirty_three = export()
    assert (three, thirty_three) == (3, 33)
    assert large == small


def test_secretary_exports_only_own_branch(secretary_client, own_member, other_member):
    response = secretary_client.get(reverse("members:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [own_member.name]


def test_filter_members_holding_a_pioneer_post(staff_client, branch):
    from members.models import PioneerPost

    holder = ParticipationFactory(branch=branch).member
    ParticipationFactory(branch=branch)
    PioneerPost.objects.create(
        member=holder,
        project=branch.project,
        kind="key_post",
        title="塔吊指挥",
        started_on=D(2025, 5, 1),
    )
    response = staff_client.get(reverse("members:list"), {"pioneer": "true"})
    assert list(response.context["filter"].qs) == [holder]


def test_the_transfers_in_progress_are_listed_behind_the_figure(
    staff_client, street_staff, branch, other_branch
):
    from django.utils import timezone

    from members import services

    today = timezone.localdate()
    for n in range(3):
        member = ParticipationFactory(
            branch=branch, member__relation_state="in_pocket", member__home_organisation=None
        ).member
        services.transfer_request(
            member=member,
            to_branch=branch,
            requested_on=today - datetime.timedelta(days=10 + n),
            actor=street_staff,
        )
    with CaptureQueriesContext(connection) as few:
        response = staff_client.get(reverse("members:transfers"))
    listed = response.context["in_progress"]
    assert [t.days_so_far for t in listed] == [12, 11, 10]
    assert listed[0].member.get_absolute_url() in response.content.decode()
    for _n in range(20):
        member = ParticipationFactory(branch=other_branch).member
        services.transfer_request(
            member=member, to_branch=other_branch, requested_on=today, actor=street_staff
        )
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(reverse("members:transfers"))
    assert len(response.context["in_progress"]) == 23
    assert len(many) == len(few)


def test_a_member_with_no_history_row_shows_the_page_without_a_trail(staff_client, own_member):
    """Rows loaded by SQL, or history pruned, leave a member with no history row at all."""
    own_member.history.all().delete()
    response = staff_client.get(own_member.get_absolute_url())
    assert response.status_code == 200
    assert response.context["history"] == []
    assert own_member.name in response.content.decode()
    assert "没有变更记录。" in response.content.decode()


def test_yes_no_filters_read_all_not_unknown(staff_client):
    """A yes/no filter left blank does not narrow the list: it reads 全部, never 未知."""
    for url in (reverse("members:list"), reverse("projects:list")):
        page = staff_client.get(url).content.decode()
        assert '<option value="unknown" selected>全部</option>' in page
        assert "未知" not in page
    narrowed = staff_client.get(reverse("members:list"), {"is_floating": "true"})
    assert '<option value="true" selected>是</option>' in narrowed.content.decode()


def test_a_person_is_named_by_full_name(secretary_client, branch):
    form = secretary_client.get(reverse("members:create")).content.decode()
    assert "姓名" in form and ">名称" not in form
    page = secretary_client.get(reverse("members:list")).content.decode()
    assert '<th scope="col">姓名</th>' in page


# Date of birth and gender from the ID number -----------------------------------------------------


def _register_data(branch, **overrides) -> dict:
    return {
        "name": "王秀英",
        "phone": "13912345670",
        "id_number": make_id_number(7, D(1984, 5, 6), male=False),
        "standing": "full",
        "joined_party_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "employer_kind": "other",
        "employer_name": "某劳务公司",
        "relation_state": "in_pocket",
        "branch": branch.pk,
        "joined_on": "2025-04-01",
    } | overrides


def test_the_member_form_does_not_ask_what_the_id_number_says(secretary_client, branch):
    form = secretary_client.get(reverse("members:create")).content.decode()
    assert 'name="birth_date"' not in form and 'name="gender"' not in form
    assert "出生日期和性别由身份证号码读取" in form
    response = secretary_client.post(reverse("members:create"), _register_data(branch))
    assert response.status_code == 302
    member = Member.objects.get(name="王秀英")
    assert (member.birth_date, member.gender) == (D(1984, 5, 6), Member.Gender.FEMALE)


def test_a_new_id_number_brings_its_own_birth_date_and_gender(staff_client, own_member):
    new_number = make_id_number(3, D(1979, 12, 31), male=False)
    form = staff_client.get(reverse("members:edit", args=[own_member.pk])).content.decode()
    assert 'name="birth_date"' not in form
    data = {
        f: getattr(own_member, f)
        for f in ("name", "standing", "employer_kind", "employer_name", "relation_state")
    } | {
        "phone": own_member.masked_phone,
        "id_number": new_number,
        "joined_party_on": "2010-07-01",
        "full_member_on": "2011-07-01",
        "home_organisation": own_member.home_organisation_id or "",
        "revision": own_member.revision,
    }
    assert staff_client.post(reverse("members:edit", args=[own_member.pk]), data).status_code == 302
    own_member.refresh_from_db()
    assert (own_member.id_number, own_member.birth_date, own_member.gender) == (
        new_number,
        D(1979, 12, 31),
        Member.Gender.FEMALE,
    )


def test_an_id_number_born_in_the_future_or_joining_before_birth_is_explained(
    secretary_client, branch
):
    future = make_id_number(1, D(2099, 1, 1))
    response = secretary_client.post(
        reverse("members:create"), _register_data(branch, id_number=future)
    )
    assert "身份证号码中的出生日期晚于今天" in str(response.context["form"].errors["id_number"])
    late = make_id_number(2, D(2006, 1, 1))
    response = secretary_client.post(
        reverse("members:create"), _register_data(branch, id_number=late)
    )
    assert "joined_party_on" in response.context["form"].errors
    assert not Member.objects.exists()


def test_the_roster_template_does_not_ask_for_birth_date_or_gender(secretary_client, branch):
    response = secretary_client.get(reverse("members:template"))
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert "性别" not in headers and "出生日期" not in headers
    row = good_row(1, branch, id_number=make_id_number(4, D(1990, 2, 3), male=False))
    del row["gender"], row["birth_date"]
    response = secretary_client.post(reverse("members:import"), {"file": roster_file([row])})
    assert response.context["imported"] == 1
    member = Member.objects.get()
    assert (member.birth_date, member.gender) == (D(1990, 2, 3), Member.Gender.FEMALE)


def test_an_older_roster_with_birth_date_and_gender_is_checked_against_the_id(
    secretary_client, branch
):
    workbook = Workbook()
    sheet = workbook.active
    names = [name for name, _h, _e, _r in COLUMNS] + ["gender", "birth_date"]
    sheet.append([header for _n, header, _e, _r in COLUMNS] + ["性别", "出生日期"])
    for row in (
        good_row(1, branch, birth_date="1970-01-01"),  # not the ID's date
        good_row(2, branch, gender="女"),  # not the ID's gender
        good_row(3, branch),
    ):
        sheet.append([row.get(name, "") for name in names])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    response = secretary_client.post(reverse("members:import"), {"file": buffer})
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {(2, "出生日期"), (3, "性别")}
    assert not Member.objects.exists()


def test_the_admin_shows_birth_date_and_gender_as_read_from_the_id(client, committee_admin):
    member = MemberFactory()
    client.force_login(committee_admin)
    page = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert 'name="birth_date"' not in page and 'name="gender"' not in page
    assert 'name="id_number"' in page
