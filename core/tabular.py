"""Safe, streaming readers for uploaded .xlsx and .csv tables (imports in every module).

- .xlsx: the zip is checked before parsing (total uncompressed size, entry count, compression ratio);
  openpyxl reads in read-only mode and parses through defusedxml when it is installed (it is pinned:
  XML bombs refused); formulas are read as their
  text, never evaluated.
- .csv: UTF-8 (with or without BOM) or GBK, as Excel in China saves them; decoded incrementally.
Rows are yielded one at a time, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import InvalidInput, TooLarge
from core.exports import unneutralise_csv

MAX_ZIP_ENTRIES = 200
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200


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


def read_xlsx(handle) -> tuple[list[str], Iterator[TableRow]]:
    from openpyxl import load_workbook

    check_xlsx_container(handle)
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

    def generate() -> Iterator[TableRow]:
        try:
            for number, raw in enumerate(rows, start=2):
                values = {h: _clean(v) for h, v in zip(header, raw, strict=False) if h}
                if any(values.values()):
                    yield TableRow(number, values)
        finally:
            wb.close()

    return header, generate()


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


def read_csv(handle) -> tuple[list[str], Iterator[TableRow]]:
    text = _decode_stream(handle)
    reader = csv.reader(text)
    try:
        header = [_clean(v) for v in next(reader)]
    except StopIteration:
        raise InvalidInput.field("file", _("The file is empty."))
    except UnicodeDecodeError:
        raise InvalidInput.field("file", _("The file is neither UTF-8 nor GBK text."))

    def generate() -> Iterator[TableRow]:
        try:
            for number, raw in enumerate(reader, start=2):
                values = {h: unneutralise_csv(_clean(v)) for h, v in zip(header, raw, strict=False) if h}
                if any(values.values()):
                    yield TableRow(number, values)
        except UnicodeDecodeError:
            raise InvalidInput.field("file", _("The file is neither UTF-8 nor GBK text."))

    return header, generate()


def read_table(uploaded) -> tuple[list[str], Iterator[TableRow]]:
    """Pick the reader by content (a zip is an .xlsx), not by the file's name."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise TooLarge(_("The file is larger than the import limit."))
    handle = uploaded.file if hasattr(uploaded, "file") else uploaded
    handle.seek(0)
    magic = handle.read(4)
    handle.seek(0)
    if magic == b"PK\x03\x04":
        return read_xlsx(handle)
    name = (getattr(uploaded, "name", "") or "").lower()
    if name.endswith((".xlsx", ".xls")):
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))
    return read_csv(handle)
