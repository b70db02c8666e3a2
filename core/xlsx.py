"""The one way a ledger is written: bold Chinese headers, the header row frozen and filtered,
columns wide enough to read when the file is opened in a spreadsheet program, set up to print
(see "Printed"), the rows streamed (see below: nothing is held whole in memory, and the download
starts at once), and what people typed into the portal written as data, never as a formula (see
"Data, never code")."""

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
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

# Columns of running text are wide; names of branches and organisations a little less.
WIDE = {"内容", "成效", "发现问题", "整改要求", "事项", "解决情况", "答复", "正文", "填写要求"}
MEDIUM = {
    "支部", "标题", "工作单位", "组织关系所在党组织", "所在支部", "检查人员", "项目", "主题活动",
    "来源或对应工作小组", "名称或职务", "提出方", "责任人",
}  # fmt: skip


# Digits that must be read whole: an ID number (18 characters) and a phone number (11 to 13).
NUMBERS = {"身份证号码": 22, "手机号码": 15, "联系电话": 15, "电话": 15}


def column_width(header: str) -> float:
    if header in WIDE:
        return 48
    if header in MEDIUM:
        return 30
    if header in NUMBERS:
        return NUMBERS[header]
    # A CJK character is about two Latin ones wide; dates need 12.
    return max(12, 2 * len(header) + 4)


# Data, never code --------------------------------------------------------------------------------
#
# Text beginning with one of these is a formula to Excel and WPS once it is typed or edited into a
# cell (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0` run through DDE, `+1+1`, `@SUM(A1)`, `-2+3`; a
# tab or carriage return ahead of them is skipped when a file is imported). Titles, names and
# notes typed into the portal may begin so, and the street's staff open the ledgers on office
# machines. Every text cell is therefore written as text by its type (an inline string here,
# a shared string in the openpyxl rows below), never as a formula, its characters exactly as
# typed; and a text that reads as a formula gets, in addition, the cell format "text" with the
# quote prefix (what a leading apostrophe gives when typed in Excel), so that editing the cell
# and pressing Enter keeps it text too. Numbers, dates and booleans are written as what they are.

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reads_as_formula(value) -> bool:
    """Whether a spreadsheet program would take this value for a formula if it were typed in."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def openpyxl_row(sheet, values: Sequence) -> list[WriteOnlyCell]:
    """A row to append to an openpyxl sheet (the roster template, the handover archive's
    index), with the rule above: openpyxl would otherwise store text beginning with "=" as a
    formula."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value)
        if reads_as_formula(value):
            cell.data_type = "s"
            cell.number_format = "@"
            cell.quotePrefix = True
        cells.append(cell)
    return cells


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
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
# A carriage return is kept as a character reference: as a character, XML reads it as a newline.
_ENTITIES = {"\r": "&#13;"}
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"
_HEADER, _DATE, _DATETIME, _TEXT, _DECIMAL_1, _DECIMAL_2 = 1, 2, 3, 4, 5, 6  # formats in _STYLES
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="0.0"/>\
<numFmt numFmtId="167" formatCode="0.00"/></numFmts><fonts count="2">\
<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2">\
<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">\
<alignment vertical="center" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
quotePrefix="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
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


def _text_cell(reference: str, value: str) -> str:
    """A text cell: an inline string, which no spreadsheet program evaluates; a text that reads
    as a formula is also formatted as text with the quote prefix (see "Data, never code")."""
    style = ""
    if _SPECIAL.search(value):
        value = _ILLEGAL.sub("", value)
        style = f' s="{_TEXT}"' if value.startswith(FORMULA_STARTS) else ""
        value = escape(value, _ENTITIES)
    elif value.startswith(FORMULA_STARTS):
        style = f' s="{_TEXT}"'
    return (
        f'<c r="{reference}" t="inlineStr"{style}><is><t xml:space="preserve">{value}</t></is></c>'
    )


def _cell(reference: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        # Shown with the decimals it has (a score of 96.50 stays 96.50, not 96.5).
        places = -value.as_tuple().exponent if value.is_finite() else 0
        style = f' s="{_DECIMAL_2}"' if places >= 2 else f' s="{_DECIMAL_1}"' if places == 1 else ""
        return f'<c r="{reference}"{style}><v>{value}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        serial = (value - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{reference}" s="{_DATETIME}"><v>{serial}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{reference}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    return _text_cell(reference, str(value))


def _row(number: int, values: Sequence, letters: list[str]) -> str:
    """One row's XML. Text and dates, the most of any ledger, take the short way."""
    cells = []
    for letter, value in zip(letters, values, strict=False):
        kind = type(value)
        if kind is str:
            if value:
                cells.append(_text_cell(f"{letter}{number}", value))
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
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        f'sqref="A2"/></sheetView></sheetViews><cols>{columns}</cols><sheetData>'
        f'<row r="1">{header}</row>'
    )


# Printed ------------------------------------------------------------------------------------------
#
# Inspectors print ledgers. Every sheet prints landscape on A4, all its columns on one page's
# width (as many pages down as it takes), the header row repeated at the top of each page (the
# workbook's print titles) and "page N of M" at the foot; the header row has a filter.


def _sheet_bottom(column_count: int, last_row: int) -> str:
    last = f"{get_column_letter(column_count)}{last_row}"
    return (
        f'</sheetData><autoFilter ref="A1:{last}"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
        "</worksheet>"
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
    filtered: list[str] = []  # each sheet's filtered range
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
                    number = 1  # the header's
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
                    pending.append(_sheet_bottom(len(sheet.headers), number))
                    filtered.append(f"$A$1:${letters[-1] if letters else 'A'}${number}")
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
        _write_parts(zipped, titles, filtered)
    yield pipe.take()


def _write_parts(zipped: zipfile.ZipFile, titles: list[str], filtered: list[str]) -> None:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    # Each sheet's header row is printed at the top of every page; the filter's range is named as
    # Excel names it.
    quoted = ["'" + title.replace("'", "''") + "'" for title in titles]
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{escape(sheet)}!{cells}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
        f"{escape(sheet)}!$1:$1</definedName>"
        for n, (sheet, cells) in enumerate(zip(quoted, filtered, strict=True))
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
        f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>",
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
