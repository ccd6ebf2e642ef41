"""Safe, streaming readers for uploaded .xlsx and .csv tables (imports in every module).

- .xlsx: the zip is checked before parsing (total uncompressed size, entry count, compression ratio);
  openpyxl reads in read-only mode and parses through defusedxml when it is installed (it is pinned:
  XML bombs refused); formulas are read as their
  text, never evaluated.
- .csv: UTF-8 (with or without BOM) or GBK, as Excel in China saves them; decoded incrementally.
Rows are yielded one at a time, so memory does not grow with the file.

Before openpyxl parses anything (it reads every shared string up front), the workbook's first row is read
on its own and handed to the caller's `check_header`, and the cells of the first sheet and the shared
strings are counted without parsing; a file over IMPORT_MAX_CELLS is refused. So a workbook of millions
of cells with the wrong columns is refused in the time it takes to read its first row (issue 19).
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput, TooLarge
from core.exports import unneutralise_csv

MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
HeaderCheck = Callable[[list[str]], None]


@dataclass
class TableRow:
    number: int  # the row number a person sees in the spreadsheet (header is row 1)
    values: dict[str, str]


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_xlsx_container(handle) -> None:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise InvalidInput.field("file", _("The workbook has too many parts."))
            total = sum(i.file_size for i in infos)
            packed = sum(max(i.compress_size, 1) for i in infos)
            if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
                raise InvalidInput.field("file", _("The workbook expands to an unsafe size."))
            if "[Content_Types].xml" not in archive.namelist():
                raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    except zipfile.BadZipFile:
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    handle.seek(0)


def _too_many_cells() -> InvalidInput:
    return InvalidInput.field(
        "file", _("The file has more than %(n)d cells.") % {"n": settings.IMPORT_MAX_CELLS}
    )


def _count(archive: zipfile.ZipFile, name: str, pattern: re.Pattern, limit: int) -> int:
    """Occurrences of a tag in one part, streamed in blocks (no XML parsing); stops past `limit`. A tag
    cut by a block's end is counted with the next block (the last 64 bytes carry over)."""
    count = 0
    carry = b""
    with archive.open(name) as stream:
        while True:
            block = stream.read(1 << 20)
            chunk = carry + block
            final = not block
            cut = len(chunk) if final else max(len(chunk) - 64, 0)
            count += sum(1 for match in pattern.finditer(chunk) if match.start() < cut)
            if final or count > limit:
                return count
            carry = chunk[cut:]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part of the workbook's first sheet (the one openpyxl's `worksheets[0]` reads)."""
    from defusedxml import DefusedXmlException, ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return "xl/worksheets/sheet1.xml"
    except DefusedXmlException:  # a DTD or an entity: no spreadsheet program writes one, a bomb might
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    sheet = next((e for e in workbook.iter() if _local(e.tag) == "sheet"), None)
    if sheet is None:
        return "xl/worksheets/sheet1.xml"
    rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), "")
    target = next((e.get("Target", "") for e in rels.iter() if e.get("Id") == rid), "")
    if not target:
        return "xl/worksheets/sheet1.xml"
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _column_index(ref: str) -> int:
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _first_row(archive: zipfile.ZipFile, sheet: str) -> list[str]:
    """The header row alone: the sheet is parsed up to the end of its first row, and the shared strings
    only up to the highest one the header uses."""
    from defusedxml.ElementTree import iterparse

    cells: dict[int, tuple[str, str]] = {}  # column → (type, raw value)
    with archive.open(sheet) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            tag = _local(element.tag)
            if tag == "c":
                kind = element.get("t", "n")
                value = ""
                for child in element.iter():
                    if _local(child.tag) in ("v", "t") and child.text:
                        value += child.text
                ref = element.get("r", "")
                column = _column_index(ref) if ref else len(cells)
                if column > settings.IMPORT_MAX_CELLS:
                    raise _too_many_cells()
                cells[column] = (kind, value)
            elif tag == "row":
                break
    shared_needed = {int(v) for k, v in cells.values() if k == "s" and v.isdigit()}
    shared = _shared_strings(archive, max(shared_needed)) if shared_needed else {}
    width = max(cells) + 1 if cells else 0
    header = []
    for column in range(width):
        kind, value = cells.get(column, ("n", ""))
        header.append(_clean(shared.get(int(value), "") if kind == "s" and value.isdigit() else value))
    return header


def _shared_strings(archive: zipfile.ZipFile, last: int) -> dict[int, str]:
    from defusedxml.ElementTree import iterparse

    found: dict[int, str] = {}
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return found
    with stream:
        index = 0
        for _event, element in iterparse(stream, events=("end",)):
            if _local(element.tag) == "si":
                found[index] = "".join(
                    child.text or "" for child in element.iter() if _local(child.tag) == "t"
                )
                index += 1
                element.clear()
                if index > last:
                    break
    return found


def precheck_xlsx(handle, check_header: HeaderCheck | None) -> bool:
    """Before the parse: the header row to the caller's check, then the cells bound. Returns whether the
    header could be read (and was checked) this way."""
    limit = settings.IMPORT_MAX_CELLS
    header = None
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            sheet = _first_sheet_path(archive)
            if sheet not in archive.namelist():
                raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
            try:
                header = _first_row(archive, sheet)
            except InvalidInput:
                raise
            except Exception:  # a broken part: let openpyxl's own error speak below
                header = None
            if header is not None and check_header is not None:
                check_header(header)
            if _count(archive, sheet, CELL_TAG, limit) > limit:
                raise _too_many_cells()
            shared = "xl/sharedStrings.xml"
            if shared in archive.namelist() and _count(archive, shared, SHARED_STRING_TAG, limit) > limit:
                raise _too_many_cells()
    except zipfile.BadZipFile:
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    finally:
        handle.seek(0)
    return header is not None


def count_cells(uploaded, *, stop_after: int) -> int:
    """The cells a table holds, counted without parsing (an .xlsx's first sheet, a CSV's fields), stopping
    once past `stop_after`. Where an import runs is decided by this, not by the bytes: a compressed .xlsx
    of 200 KiB can hold hundreds of thousands of cells (issue 17). A file that is not a readable table
    counts 0: the import itself refuses it at once, with its reason."""
    handle = uploaded.file if hasattr(uploaded, "file") else uploaded
    handle.seek(0)
    try:
        if handle.read(4) == b"PK\x03\x04":
            return _xlsx_cells(handle, stop_after)
        handle.seek(0)
        return _csv_cells(handle, stop_after)
    finally:
        handle.seek(0)


def _xlsx_cells(handle, stop_after: int) -> int:
    try:
        check_xlsx_container(handle)  # the expansion bound, before anything is inflated
        with zipfile.ZipFile(handle) as archive:
            sheet = _first_sheet_path(archive)
            if sheet not in archive.namelist():
                return 0
            return _count(archive, sheet, CELL_TAG, stop_after)
    except (InvalidInput, zipfile.BadZipFile):
        return 0


def _csv_cells(handle, stop_after: int) -> int:
    # Each row holds one more field than separators: commas plus line ends count its fields. A quoted comma
    # counts too, erring toward a job. Neither byte occurs inside a GBK or UTF-8 multi-byte character.
    count = 0
    while count <= stop_after:
        block = handle.read(1 << 20)
        if not block:
            break
        count += block.count(b",") + block.count(b"\n")
    return count


def _bounded(rows: Iterator[TableRow], width: int) -> Iterator[TableRow]:
    """Stop at IMPORT_MAX_CELLS cells read (rows × header columns), whatever the file claims."""
    limit = settings.IMPORT_MAX_CELLS
    per_row = max(width, 1)
    for row in rows:
        if (row.number - 1) * per_row > limit:
            raise _too_many_cells()
        yield row


def read_xlsx(handle, check_header: HeaderCheck | None = None) -> tuple[list[str], Iterator[TableRow]]:
    from openpyxl import load_workbook

    check_xlsx_container(handle)
    checked = precheck_xlsx(handle, check_header)
    try:
        wb = load_workbook(handle, read_only=True, data_only=False)
    except Exception:
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [_clean(v) for v in next(rows)]
    except StopIteration:
        raise InvalidInput.field("file", _("The file is empty."))
    if check_header is not None and not checked:
        check_header(header)  # the first row could not be read ahead: judged now, still before the rows

    def generate() -> Iterator[TableRow]:
        try:
            for number, raw in enumerate(rows, start=2):
                values = {h: _clean(v) for h, v in zip(header, raw, strict=False) if h}
                if any(values.values()):
                    yield TableRow(number, values)
        finally:
            wb.close()

    return header, _bounded(generate(), len(header))


def _decode_stream(handle) -> io.TextIOBase:
    handle.seek(0)
    head = handle.read(64 * 1024)
    handle.seek(0)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still UTF-8.
        if exc.start < len(head) - 4:
            encoding = "gb18030"  # a superset of GBK, as Excel in China saves CSV
    return codecs.getreader(encoding)(handle, errors="strict")


def read_csv(handle, check_header: HeaderCheck | None = None) -> tuple[list[str], Iterator[TableRow]]:
    text = _decode_stream(handle)
    reader = csv.reader(text)
    try:
        header = [_clean(v) for v in next(reader)]
    except StopIteration:
        raise InvalidInput.field("file", _("The file is empty."))
    except UnicodeDecodeError:
        raise InvalidInput.field("file", _("The file is neither UTF-8 nor GBK text."))
    except csv.Error:
        raise InvalidInput.field("file", _("The file is neither UTF-8 nor GBK text."))
    if len(header) > settings.IMPORT_MAX_CELLS:
        raise _too_many_cells()
    if check_header is not None:
        check_header(header)

    def generate() -> Iterator[TableRow]:
        try:
            for number, raw in enumerate(reader, start=2):
                values = {h: unneutralise_csv(_clean(v)) for h, v in zip(header, raw, strict=False) if h}
                if any(values.values()):
                    yield TableRow(number, values)
        except UnicodeDecodeError:
            raise InvalidInput.field("file", _("The file is neither UTF-8 nor GBK text."))

    return header, _bounded(generate(), len(header))


def read_table(uploaded, *, check_header: HeaderCheck | None = None) -> tuple[list[str], Iterator[TableRow]]:
    """Pick the reader by content (a zip is an .xlsx), not by the file's name. `check_header(header)`
    runs on the first row before the rest of the file is parsed (raise InvalidInput to refuse it)."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise TooLarge(_("The file is larger than the import limit."))
    handle = uploaded.file if hasattr(uploaded, "file") else uploaded
    handle.seek(0)
    magic = handle.read(4)
    handle.seek(0)
    if magic == b"PK\x03\x04":
        return read_xlsx(handle, check_header)
    name = (getattr(uploaded, "name", "") or "").lower()
    if name.endswith((".xlsx", ".xls")):
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    return read_csv(handle, check_header)
