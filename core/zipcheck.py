"""Uploaded Office files (xlsx, docx: both are zip files) are measured before they cost anything.

A few hundred kilobytes can unpack to gigabytes, or hold millions of empty rows that a
spreadsheet parser walks one by one. So before openpyxl (or anything else) parses a file, its
zip directory is read — how many entries, how large each says it unpacks, how much each is
compressed — and, for a workbook, the size each sheet declares (`<dimension ref="A1:K2000000">`,
in its first kilobyte) and the number of its rows, empty ones included, counted in the
unpacked bytes without parsing them. Every check stops at its limit, so a bomb is refused in a
fraction of a second with a message saying why.

The sizes of the directory can be trusted: Python's zipfile never unpacks more than an entry
declares (it stops there, and the checksum then fails), and openpyxl reads through it.
"""

import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
# Office files are compressed with deflate or not at all (ECMA-376 part 2); anything else
# (bzip2, LZMA: a 286 KB LZMA entry can hold a 35 MB sheet) is not an Office file.
OFFICE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# XML compresses about 5 to 20 times (a 20,000-row roster: 13 times, the same row 20,000
# times: 20); an entry compressed more than this is padding, not content.
MAX_RATIO = 100
RATIO_FROM = MB  # smaller entries may be compressed as much as they like
HEAD = 1024  # how much of a part is read for its dimension
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")  # a row, under any namespace prefix


@dataclass(frozen=True)
class Limits:
    unpacked: int  # bytes, all entries together
    entries: int = 1000
    rows: int | None = None  # a workbook's rows in any sheet, empty ones included


def check_office_zip(upload, *, limits: Limits) -> set[str]:
    """The names of the entries of this xlsx or docx upload, once it is within `limits`; else
    ValidationError saying which limit it passes. zipfile.BadZipFile when it is not an Office
    zip file at all (the caller says what it expected)."""
    name = getattr(upload, "name", None) or _("The file")
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > limits.entries:
                raise ValidationError(
                    _("%(name)s holds %(count)s parts, more than the %(max)s allowed.")
                    % {"name": name, "count": len(entries), "max": limits.entries},
                    code="too_many_entries",
                )
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > limits.unpacked:
                raise ValidationError(
                    _("%(name)s unpacks to %(size)s MB, more than the %(max)s MB allowed.")
                    % {"name": name, "size": unpacked // MB, "max": limits.unpacked // MB},
                    code="too_big_unpacked",
                )
            if any(entry.compress_type not in OFFICE_METHODS for entry in entries):
                raise zipfile.BadZipFile("not compressed as Office files are")
            if limits.rows is not None:
                _check_dimensions(archive, entries, name=name, limit=limits.rows)
            for entry in entries:
                if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(
                    entry.compress_size, 1
                ):
                    raise ValidationError(
                        _(
                            "%(name)s is compressed more than %(max)s times over: a real file "
                            "is not; it was refused."
                        )
                        % {"name": name, "max": MAX_RATIO},
                        code="too_compressed",
                    )
            if limits.rows is not None:
                _check_rows(archive, entries, name=name, limit=limits.rows)
            return {entry.filename for entry in entries}
    except (RuntimeError, NotImplementedError, EOFError, OSError) as exc:
        # encrypted, an unknown compression, cut short: not a file we can read
        raise zipfile.BadZipFile(str(exc)) from exc
    finally:
        upload.seek(0)


def _too_many_rows(name: str, limit: int, declared: int | None = None) -> ValidationError:
    if declared is None:
        message = _(
            "%(name)s has more than %(max)s rows (empty ones included): delete the empty rows, "
            "or split the file."
        )
    else:
        message = _(
            "%(name)s has %(rows)s rows (empty ones included), more than the %(max)s a file may "
            "have: delete the empty rows, or split the file."
        )
    return ValidationError(
        message % {"name": name, "rows": f"{declared or 0:,}", "max": f"{limit:,}"},
        code="too_many_rows",
    )


def _check_dimensions(archive: zipfile.ZipFile, entries, *, name: str, limit: int) -> None:
    """The size each sheet declares, from the first kilobyte of every part."""
    for entry in entries:
        with archive.open(entry) as part:
            head = part.read(HEAD)
        if match := _DIMENSION.search(head):
            rows = int(match.group(1))
            if rows > limit:
                raise _too_many_rows(name, limit, declared=rows)


def _check_rows(archive: zipfile.ZipFile, entries, *, name: str, limit: int) -> None:
    """The rows of every part, empty ones included, counted in the unpacked bytes (a sheet need
    not declare its dimension, or may declare it wrong). Stops as soon as one is over."""
    for entry in entries:
        rows = 0
        tail = b""
        with archive.open(entry) as part:
            while chunk := part.read(MB):
                data = tail + chunk
                # Count up to the last "<": a row tag holds no other "<", so none straddles it.
                cut = max(data.rfind(b"<"), 0)
                rows += len(_ROW.findall(data, 0, cut))
                tail = data[cut:]
                if rows > limit:
                    raise _too_many_rows(name, limit)
        rows += len(_ROW.findall(tail))
        if rows > limit:
            raise _too_many_rows(name, limit)
