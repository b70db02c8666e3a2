"""Uploaded Office files are measured from their zip directory, and a workbook's rows counted in
its unpacked bytes, before anything parses them."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.zipcheck import MB, Limits, check_office_zip

ROOMY = Limits(unpacked=500 * MB, entries=1000, rows=1_000_000)


def zipped(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED, name="f.xlsx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def sheet(rows: bytes, dimension: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main">' + dimension + b"<sheetData>" + rows + b"</sheetData>"
        b"</worksheet>"
    )


def numbered_rows(count: int) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
        for n in range(1, count + 1)
    )


def test_a_real_workbook_passes_and_its_parts_are_named():
    workbook = Workbook()
    workbook.active.append(["姓名", "性别"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("roster.xlsx", buffer.getvalue())
    assert "xl/worksheets/sheet1.xml" in check_office_zip(upload, limits=ROOMY)
    assert upload.tell() == 0  # ready to be parsed


def test_too_many_parts_are_refused():
    upload = zipped({f"part{n}.xml": b"<a/>" for n in range(11)})
    with pytest.raises(ValidationError, match="11") as refused:
        check_office_zip(upload, limits=Limits(unpacked=MB, entries=10))
    assert refused.value.code == "too_many_entries"


def test_what_the_directory_says_it_unpacks_to_is_limited():
    upload = zipped({"xl/big.xml": b" " * (3 * MB)}, method=zipfile.ZIP_STORED)
    with pytest.raises(ValidationError) as refused:
        check_office_zip(upload, limits=Limits(unpacked=2 * MB))
    assert refused.value.code == "too_big_unpacked"


def test_an_entry_compressed_a_thousand_times_over_is_refused():
    upload = zipped({"word/document.xml": b" " * (5 * MB)})
    with pytest.raises(ValidationError) as refused:
        check_office_zip(upload, limits=Limits(unpacked=100 * MB))
    assert refused.value.code == "too_compressed"


def test_small_entries_may_compress_well():
    assert check_office_zip(zipped({"a.xml": b" " * 100_000}), limits=Limits(unpacked=MB))


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_what_office_never_writes_is_not_an_office_file(method):
    # A 286 KB LZMA entry can hold a 35 MB sheet; Office files use deflate or nothing.
    with pytest.raises(zipfile.BadZipFile):
        check_office_zip(zipped({"a.xml": b"<a/>"}, method=method), limits=ROOMY)


def test_not_a_zip_at_all():
    with pytest.raises(zipfile.BadZipFile):
        check_office_zip(SimpleUploadedFile("a.xlsx", b"just text"), limits=ROOMY)


def test_a_sheet_declaring_more_rows_than_allowed_is_refused_from_its_first_kilobyte():
    upload = zipped({"xl/worksheets/sheet1.xml": sheet(b"", b'<dimension ref="A1:K2000000"/>')})
    with pytest.raises(ValidationError, match="2,000,000") as refused:
        check_office_zip(upload, limits=Limits(unpacked=MB, rows=21_000))
    assert refused.value.code == "too_many_rows"


def test_rows_are_counted_exactly_across_chunks_whatever_the_dimension_says():
    # About 6 MB of rows: the count crosses the 1 MB chunks it is read in.
    upload = zipped({"xl/worksheets/sheet1.xml": sheet(numbered_rows(100_000))})
    check_office_zip(upload, limits=Limits(unpacked=50 * MB, rows=100_000))
    with pytest.raises(ValidationError, match="99,999") as refused:
        check_office_zip(upload, limits=Limits(unpacked=50 * MB, rows=99_999))
    assert refused.value.code == "too_many_rows"
    lying = zipped({"xl/worksheets/sheet1.xml": sheet(numbered_rows(30), b'<dimension ref="A1"/>')})
    with pytest.raises(ValidationError):
        check_office_zip(lying, limits=Limits(unpacked=MB, rows=20))


def test_empty_rows_under_a_namespace_prefix_are_rows_too():
    rows = b"".join(b'<x:row r="%d"/>' % n for n in range(1, 31)) + b"<x:row/>"
    upload = zipped({"xl/worksheets/sheet1.xml": rows})
    with pytest.raises(ValidationError, match=r"more than 30 rows|超过 30 行"):
        check_office_zip(upload, limits=Limits(unpacked=MB, rows=30))
