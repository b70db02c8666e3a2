"""The one way a ledger is written: bold Chinese headers, the header row frozen, columns wide
enough to read when the file is opened in a spreadsheet program, the rows streamed (see below:
nothing is held whole in memory, and the download starts at once)."""

import datetime
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl.utils import get_column_letter

# Columns of running text are wide; names of branches and organisations a little less.
WIDE = {"内容", "成效", "发现问题", "整改要求", "事项", "解决情况", "答复", "正文", "填写要求"}
MEDIUM = {
    "支部", "标题", "工作单位", "组织关系所在党组织", "所在支部", "检查人员", "项目", "主题活动",
    "来源或对应工作小组", "名称或职务", "提出方", "责任人",
}  # fmt: skip


def column_width(header: str) -> float:
    if header in WIDE:
        return 48
    if header in MEDIUM:
        return 30
    # A CJK character is about two Latin ones wide; dates need 12.
    return max(12, 2 * len(header) + 4)


# Streaming ---------------------------------------------------------------------------------------
#
# A workbook written as it is sent: each sheet's XML goes straight into a zip entry while its rows
# are read, and the zip's bytes leave as soon as they are compressed. The first bytes are out
# within a second whatever the size, and memory holds one chunk of rows, never the workbook.
# Every sheet has its header row bold and frozen and the widths above; strings are
# written inline (no shared-strings table to keep in memory), dates as dates.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_ROWS = 1_048_576  # a spreadsheet's limit, the header row included
_EPOCH = datetime.date(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_HEADER, _DATE, _DATETIME = 1, 2, 3  # the cell formats in _STYLES
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts><fonts count="2">\
<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2">\
<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment vertical="center"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""


@dataclass
class Sheet:
    """A sheet to stream: its title, header row, and rows (sequences of cell values)."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence]


class _Pipe:
    """Where the zip writes: bytes wait here until the generator hands them on. It cannot seek,
    so zipfile writes each entry's sizes after its data (as any streamed zip does)."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks, self.size = [], 0
        return data


def _text(value: str) -> str:
    if _SPECIAL.search(value):
        return escape(_ILLEGAL.sub("", value))
    return value


def _cell(reference: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        serial = (value - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{reference}" s="{_DATETIME}"><v>{serial}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{reference}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    text = _text(str(value))
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(number: int, values: Sequence, letters: list[str]) -> str:
    """One row's XML. Text and dates, the most of any ledger, take the short way."""
    cells = []
    for letter, value in zip(letters, values, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                cells.append(
                    f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{_text(value)}</t></is></c>"
                )
        elif kind is datetime.date:
            cells.append(f'<c r="{letter}{number}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>')
        elif value is not None:
            cells.append(_cell(f"{letter}{number}", value))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_top(headers: list[str]) -> str:
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{column_width(h)}" customWidth="1"/>'
        for n, h in enumerate(headers, start=1)
    )
    header = "".join(
        f'<c r="{get_column_letter(n)}1" t="inlineStr" s="{_HEADER}">'
        f"<is><t>{escape(h)}</t></is></c>"
        for n, h in enumerate(headers, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        f'sqref="A2"/></sheetView></sheetViews><cols>{columns}</cols><sheetData>'
        f'<row r="1">{header}</row>'
    )


def xlsx_response(chunks: Iterator[bytes], *, filename: str) -> StreamingHttpResponse:
    """Send a streamed workbook as a download."""
    response = StreamingHttpResponse(chunks, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def stream_workbook(sheets: Iterable[Sheet], *, flush_at: int = 64 * 1024) -> Iterator[bytes]:
    """The xlsx file of these sheets, as bytes to send while it is written. A sheet longer than a
    spreadsheet allows goes on in a second sheet ("title (2)"), with the header row again."""
    pipe = _Pipe()
    titles: list[str] = []
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
        for sheet in sheets:
            rows = iter(sheet.rows)
            letters = [get_column_letter(n) for n in range(1, len(sheet.headers) + 1)]
            part = 1
            while True:
                suffix = "" if part == 1 else f" ({part})"
                titles.append(sheet.title[: 31 - len(suffix)] + suffix)
                entry = zipfile.ZipInfo(f"xl/worksheets/sheet{len(titles)}.xml")
                entry.compress_type = zipfile.ZIP_DEFLATED
                more = False
                with zipped.open(entry, "w") as target:
                    target.write(_sheet_top(sheet.headers).encode())
                    if not titles[1:]:
                        # The download starts now, before the first rows are read: a browser
                        # shows it at once, and the rest follows as it is compressed.
                        yield pipe.take()
                    pending: list[str] = []  # rows go to the zip a few hundred at a time
                    for number, row in enumerate(rows, start=2):
                        pending.append(_row(number, row, letters))
                        if len(pending) == 500:
                            target.write("".join(pending).encode())
                            pending = []
                            if pipe.size >= flush_at:
                                yield pipe.take()
                        if number == MAX_SHEET_ROWS:
                            more = True
                            break
                    pending.append("</sheetData></worksheet>")
                    target.write("".join(pending).encode())
                if not more:
                    break
                # Only start another sheet if a row is left for it.
                try:
                    first = next(rows)
                except StopIteration:
                    break
                rows = itertools.chain([first], rows)
                part += 1
        _write_parts(zipped, titles)
    yield pipe.take()


def _write_parts(zipped: zipfile.ZipFile, titles: list[str]) -> None:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(titles) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="{_OFFICE}.spreadsheetml.worksheet+xml"/>'
        for n in range(1, len(titles) + 1)
    )
    parts = {
        "xl/styles.xml": _STYLES,
        "xl/workbook.xml": f'{declaration}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{declaration}<Relationships xmlns="{_PKG_REL}">'
        f'{relations}<Relationship Id="rId{len(titles) + 1}" Type="{_REL}/styles" '
        'Target="styles.xml"/></Relationships>',
        "_rels/.rels": f'{declaration}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "[Content_Types].xml": f'{declaration}<Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{_OFFICE}.spreadsheetml.sheet.main+xml"/>{overrides}'
        '<Override PartName="/xl/styles.xml" '
        f'ContentType="{_OFFICE}.spreadsheetml.styles+xml"/></Types>',
    }
    for name, text in parts.items():
        zipped.writestr(name, text)
