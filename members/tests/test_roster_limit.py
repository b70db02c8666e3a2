"""A roster holds at most 20,000 members: the benchmark's largest file imports, one more row is
refused whole (these build real 20,000-row files: they take seconds, not milliseconds)."""

import functools
import io
import time
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.tests.factories import UserFactory
from members import roster
from members.management.commands.bench_roster_import import build_file
from members.models import Member


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_benchmark_imports_20000_rows_of_its_own_generator(branch, superuser):
    output = io.StringIO()
    call_command("bench_roster_import", rows=20_000, stdout=output)
    assert "imported=20000" in output.getvalue()
    assert not Member.objects.exists()  # the benchmark rolls back


def test_a_roster_of_20001_rows_is_refused_whole(branch, superuser):
    file = build_file(roster.MAX_ROWS + 1, branch)
    with pytest.raises(roster.RosterInvalid) as refused:
        roster.import_roster(file, user=superuser)
    [error] = refused.value.errors
    assert error.row == 0
    assert error.message.startswith("本名册超过 20000 名党员")
    assert not Member.objects.exists()


def test_the_import_page_says_the_file_is_too_long_and_saves_nothing(
    secretary_client, branch, monkeypatch
):
    monkeypatch.setattr(roster, "MAX_ROWS", 3)
    file = build_file(4, branch)
    file.name = "roster.xlsx"
    response = secretary_client.post(reverse("members:import"), {"file": file})
    assert response.status_code == 200
    assert "本名册超过 3 名党员" in response.content.decode()
    assert not Member.objects.exists()

    file = build_file(3, branch)
    file.name = "roster.xlsx"
    response = secretary_client.post(reverse("members:import"), {"file": file})
    assert response.context["imported"] == 3


@functools.cache
def two_million_empty_rows(*, dimension: bool) -> bytes:
    """A workbook openpyxl would open, holding the template's header and 2,000,000 empty rows:
    about 35 MB of sheet XML in a few megabytes (the issue's file, compressed with LZMA, was
    286 KB; Office files use deflate, and LZMA is refused as not an xlsx file at all)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    header = "".join(
        f'<c r="{get_column_letter(n)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for n, (_name, h, _e, _r) in enumerate(roster.COLUMNS, start=1)
    )
    top = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
        + ('<dimension ref="A1:Q2000001"/>' if dimension else "")
        + f'<sheetData><row r="1">{header}</row>'
    )
    rows = b"".join(b'<row r="%d"/>' % n for n in range(2, 2_000_002))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="党员名册" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml", top.encode() + rows + b"</sheetData></worksheet>"
        )
    return buffer.getvalue()


def test_the_bomb_is_a_workbook_openpyxl_would_walk_row_by_row():
    sheet = load_workbook(
        io.BytesIO(two_million_empty_rows(dimension=True)), read_only=True
    ).worksheets[0]
    assert sheet.max_row == 2_000_001
    assert next(sheet.iter_rows(values_only=True))[0] == "姓名"


@pytest.mark.parametrize(
    ("dimension", "message"),
    [
        (True, "roster.xlsx 共有 2,000,001 行"),  # declared in the sheet's first kilobyte
        (False, "roster.xlsx 超过 21,000 行"),  # counted in the unpacked bytes
    ],
)
def test_two_million_empty_rows_are_refused_before_anything_parses_them(
    secretary_client, branch, monkeypatch, dimension, message
):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse the bomb")

    monkeypatch.setattr(roster, "load_workbook", never)
    file = io.BytesIO(two_million_empty_rows(dimension=dimension))
    file.name = "roster.xlsx"
    started = time.perf_counter()
    response = secretary_client.post(reverse("members:import"), {"file": file})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert error.row == 0 and message in error.message
    assert "删除空行" in response.content.decode()
    assert not Member.objects.exists()
    assert elapsed < 2  # a sanity bound: it took 136 s before the check
