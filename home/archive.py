"""The handover archive: everything a branch built, handed over whole when it is transformed
or dissolved (or on demand).

It is written entry by entry into a zip on disk: the ledgers streamed (core.xlsx) from
querysets read in chunks as plain rows, the photos and documents copied from their files,
so a branch of thousands of logs and photos never sits in memory. The same data gives the same
content: entries in a fixed order with fixed timestamps, and a digest over the ledgers' cell
values and the files' bytes (independent of when the workbooks were written)."""

import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import PurePath

from django.core.files import File
from django.db.models import F
from openpyxl import Workbook

from activities.ledger import export_ledger
from activities.models import ActivityLog, ActivityPhoto, Rule, Suggestion
from assessments.models import Result
from branches.models import Archive, Branch
from core.xlsx import Sheet, stream_workbook
from members.identity import mask_id_number, mask_phone
from members.models import Member, Participation
from projects.models import CoordinationItem

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
CHUNK = 500


class _Writer:
    def __init__(self, archive: zipfile.ZipFile):
        self.zip = archive
        self.digest = hashlib.sha256()
        self.index: list[tuple[str, str, int]] = []  # (entry, what, count)

    def _entry(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def sheet(self, name: str, what: str, headers: list[str], rows: Iterable[list]) -> None:
        self.digest.update(name.encode())
        count = 0

        def counted():
            nonlocal count
            for row in rows:
                self.digest.update(repr(row).encode())
                count += 1
                yield row

        with self.zip.open(self._entry(name), "w") as target:
            for chunk in stream_workbook([Sheet(what, headers, counted())]):
                target.write(chunk)
        self.index.append((name, what, count))

    def _workbook(self, name: str, workbook: Workbook) -> None:
        with tempfile.TemporaryFile() as temp:
            workbook.save(temp)
            temp.seek(0)
            with self.zip.open(self._entry(name), "w") as target:
                while chunk := temp.read(1 << 20):
                    target.write(chunk)

    def file(self, name: str, source) -> None:
        self.digest.update(name.encode())
        with source.open("rb") as handle, self.zip.open(self._entry(name), "w") as target:
            while chunk := handle.read(1 << 20):
                self.digest.update(chunk)
                target.write(chunk)


def _members(branch: Branch):
    """The branch's members, past and present, as plain rows read in chunks: the employer, the
    home organisation and the Party group are joined in, not read once per member."""
    gender = dict(Member.Gender.choices)
    standing = dict(Member.Standing.choices)
    relation = dict(Member.RelationState.choices)
    participations = (
        Participation.objects.filter(branch=branch)
        .order_by("member__name", "joined_on", "pk")
        .values_list(
            "member__name",
            "member__gender",
            "member__phone",
            "member__id_number",
            "member__standing",
            "member__joined_party_on",
            "member__full_member_on",
            "member__employer_kind",
            "member__employer_enterprise__name",
            "member__employer_name",
            "member__is_floating",
            "member__relation_state",
            "member__home_organisation__name",
            "party_group__name",
            "joined_on",
            "left_on",
            "leaving_reason",
        )
    )
    for (
        name, member_gender, phone, id_number, member_standing, joined_party_on, full_member_on,
        employer_kind, enterprise, employer_name, is_floating, relation_state, home, group,
        joined_on, left_on, leaving_reason,
    ) in participations.iterator(chunk_size=CHUNK):  # fmt: skip
        if employer_kind == Member.EmployerKind.ENTERPRISE and enterprise is not None:
            employer = enterprise
        else:
            employer = employer_name
        yield [
            name,
            str(gender.get(member_gender, "")),
            mask_phone(phone),
            mask_id_number(id_number),
            str(standing[member_standing]),
            joined_party_on,
            full_member_on,
            employer,
            "是" if is_floating else "否",
            str(relation[relation_state]),
            home or "",
            group or "",
            joined_on,
            left_on,
            leaving_reason,
        ]


def build(archive: Archive, *, progress: Callable[[int], None] = lambda _p: None) -> None:
    """Write the archive's zip and store it on the Archive row."""
    branch = archive.branch
    with tempfile.TemporaryFile() as output:
        with zipfile.ZipFile(output, "w") as zipped:
            writer = _Writer(zipped)
            writer.sheet(
                "01-党员名册.xlsx",
                "党员名册",
                [
                    "姓名",
                    "性别",
                    "手机号码",
                    "身份证号码",
                    "党员类别",
                    "入党日期",
                    "转正日期",
                    "工作单位",
                    "流动党员",
                    "组织关系",
                    "组织关系所在党组织",
                    "党小组",
                    "加入日期",
                    "离开日期",
                    "离开原因",
                ],
                _members(branch),
            )
            progress(15)
            logs = ActivityLog.objects.filter(branch=branch).order_by("held_on", "pk")
            with zipped.open(writer._entry("02-活动台账.xlsx"), "w") as target:
                for chunk in export_ledger(logs):
                    target.write(chunk)
            for log in logs.values_list("held_on", "title", "status").iterator(chunk_size=CHUNK):
                writer.digest.update(repr(log).encode())
            writer.index.append(("02-活动台账.xlsx", "活动台账（含出勤明细）", logs.count()))
            progress(40)
            writer.sheet(
                "03-献一策.xlsx",
                "我为项目献一策",
                [
                    "提出日期",
                    "建议人",
                    "内容",
                    "状态",
                    "答复",
                    "落实日期",
                    "成效",
                    "节约工期（天）",
                    "节约资金（元）",
                ],
                (
                    [
                        s.submitted_on,
                        s.author,
                        s.content,
                        s.get_status_display(),
                        s.reply,
                        s.implemented_on,
                        s.effect,
                        s.days_saved,
                        s.money_saved,
                    ]
                    for s in Suggestion.objects.filter(branch=branch)
                    .order_by("submitted_on", "pk")
                    .iterator(chunk_size=CHUNK)
                ),
            )
            writer.sheet(
                "04-协调事项.xlsx",
                "协调事项",
                [
                    "提出日期",
                    "事项",
                    "提出方",
                    "责任人",
                    "办结期限",
                    "状态",
                    "解决情况",
                    "解决日期",
                ],
                (
                    [
                        i.raised_on,
                        i.title,
                        i.raised_by,
                        i.owner_person,
                        i.due_on,
                        i.get_status_display(),
                        i.resolution,
                        i.resolved_on,
                    ]
                    for i in CoordinationItem.objects.filter(branch=branch)
                    .order_by("raised_on", "pk")
                    .iterator(chunk_size=CHUNK)
                ),
            )
            writer.sheet(
                "05-班子与党小组.xlsx",
                "班子成员与党小组",
                ["类别", "名称或职务", "人员", "来源或对应工作小组", "起始日期", "截止日期"],
                [
                    *(
                        [
                            "班子成员",
                            s.get_kind_display(),
                            s.holder_name,
                            s.get_origin_display(),
                            s.started_on,
                            s.ended_on,
                        ]
                        for s in branch.seats.order_by("started_on", "pk")
                    ),
                    *(
                        [
                            "党小组",
                            g.name,
                            g.leader_name,
                            g.working_group.name if g.working_group else "",
                            g.established_on,
                            g.dissolved_on,
                        ]
                        for g in branch.party_groups.select_related("working_group").order_by(
                            "established_on", "pk"
                        )
                    ),
                ],
            )
            writer.sheet(
                "06-考核结果.xlsx",
                "考核结果",
                ["考核周期", "名次", "党建（%）", "项目建设（%）", "加分", "减分", "总分", "等次"],
                (
                    [
                        r.cycle.name,
                        r.rank,
                        r.party_score,
                        r.construction_score,
                        r.bonus,
                        r.penalty,
                        r.total,
                        r.get_grade_display(),
                    ]
                    for r in Result.objects.filter(branch=branch)
                    .select_related("cycle")
                    .order_by("cycle__starts_on")
                ),
            )
            progress(55)
            photos = (
                ActivityPhoto.objects.filter(log__branch=branch)
                .annotate(held_on=F("log__held_on"))
                .order_by("log__held_on", "log_id", "pk")
            )
            total = photos.count()
            for done, photo in enumerate(photos.iterator(chunk_size=CHUNK), start=1):
                suffix = PurePath(photo.image.name).suffix
                writer.file(
                    f"照片/{photo.held_on:%Y-%m-%d}-{photo.log_id}-{photo.pk}{suffix}", photo.image
                )
                if done % 100 == 0:
                    progress(55 + 35 * done // total)
            writer.index.append(("照片/", "活动照片", total))
            rules = Rule.objects.filter(branch=branch).order_by("effective_on", "pk")
            documents = 0
            for rule in rules:
                if rule.document:
                    writer.file(
                        f"制度/{rule.effective_on:%Y-%m-%d}-{rule.pk}-{rule.title}.{rule.document_type}",
                        rule.document,
                    )
                    documents += 1
            writer.sheet(
                "07-制度.xlsx",
                "制度",
                ["制定主体", "类别", "标题", "施行日期", "正文", "附件"],
                (
                    [
                        r.get_owner_display(),
                        r.get_kind_display(),
                        r.title,
                        r.effective_on,
                        r.text,
                        "有" if r.document else "",
                    ]
                    for r in rules
                ),
            )
            writer.index.append(("制度/", "制度文件", documents))
            progress(95)
            index = Workbook(write_only=True)
            sheet = index.create_sheet("索引")
            sheet.append(["支部", branch.name])
            sheet.append(["项目", branch.project.name])
            sheet.append(["状态", branch.get_status_display()])
            sheet.append([])
            sheet.append(["文件", "内容", "条数"])
            for row in writer.index:
                sheet.append(list(row))
                writer.digest.update(repr(row).encode())
            writer._workbook("00-索引.xlsx", index)
        output.seek(0)
        size = output.seek(0, 2)
        output.seek(0)
        if archive.file:
            archive.file.delete(save=False)
        archive.file.save(f"{branch.pk}.zip", File(output), save=False)
    archive.size = size
    archive.digest = writer.digest.hexdigest()
