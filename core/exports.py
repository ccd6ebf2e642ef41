"""Exports to .xlsx (and .csv), shared by every list page and list endpoint.

Formula injection: a cell whose text starts with =, +, -, @, tab or CR is written as an explicit string
cell with Excel's quote prefix, so no spreadsheet program evaluates it, and an import reads back the
exact original text. CSV cells get a leading apostrophe, which the importer strips again.
Rows stream through openpyxl's write-only mode into a temporary file: memory does not grow with rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def neutralise_csv(value: Any) -> Any:
    # Text that already starts with quotes before a trigger gets one more, so the importer's removal of
    # one quote gives back exactly what was written ("'=x" → "''=x" → "'=x").
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise_csv(value: str) -> str:
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 16


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        # Control characters cannot be stored in a worksheet's XML; they carry no meaning in a cell.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, (int, float, bool, dt.date)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def write_xlsx(
    path_or_file, columns: list[Column], rows: Iterable[Any], *, sheet_title: str = "Sheet1"
) -> int:
    """Write rows to an .xlsx; returns the number of data rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns):
        ws.column_dimensions[_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for obj in rows:
        ws.append([_cell(ws, _plain(column.value(obj))) for column in columns])
        count += 1
    wb.save(path_or_file)
    return count


def _cell(ws, value):
    # Formula-like text, and text that spells an error value ("#N/A"), is written as an explicit string.
    if is_formula_like(value) or (isinstance(value, str) and value in ERROR_CODES):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a string, never a formula
        cell.alignment = Alignment(vertical="top")
        cell.quotePrefix = True
        return cell
    return value


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(filename: str, columns: list[Column], rows: Iterable[Any], *, sheet_title: str = "Sheet1"):
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(handle, columns, rows, sheet_title=sheet_title)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def csv_response(filename: str, columns: list[Column], rows: Iterable[Any]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel in China opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow([str(c.header) for c in columns])
    for obj in rows:
        writer.writerow([neutralise_csv(_plain(c.value(obj))) for c in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
