"""Exports to .xlsx (and .csv), shared by every list page and list endpoint.

Formula injection: a cell whose text starts with =, +, -, @, tab or CR is written as an explicit string
cell with Excel's quote prefix, so no spreadsheet program evaluates it, and an import reads back the
exact original text. CSV cells get a leading apostrophe, which the importer strips again.
Rows stream through openpyxl's write-only mode into a temporary file: memory does not grow with rows.
CSV streams to the client row by row.

Size decides where an export runs, in one place (`deliver_export`): up to EXPORT_DIRECT_ROWS rows it is
written in the request; beyond, a background job (core.background) writes the same file with the same
columns from the same page's queryset, and the user downloads it from the job's page.
A workbook may carry further sheets after the list (`Sheet`: the ledgers of the listed records, from
`ListPage.export_more_sheets`), written the same way on both paths; a CSV holds the list alone.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
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


@dataclass(frozen=True)
class Sheet:
    """A further sheet of a workbook, after the list's own: rows streamed like the list's (a lazy iterable)."""

    title: str
    columns: list[Column]
    rows: Iterable[Any]


def choice_labels(model, field_name: str) -> Callable[[Any], str]:
    """value → label of a field's choices, read once per export in the active language.

    `get_FOO_display()` hashes every lazy label on every call: a third of a large export's time went there.
    """
    labels = {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
    return lambda value: labels.get(value, "" if value is None else str(value))


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
        return _xml_safe(value)
    if isinstance(value, (int, float, bool, dt.date)):
        return value
    return _xml_safe(str(value))


# What XML 1.0 cannot hold beyond openpyxl's control characters: lone surrogates and the two non-characters
# U+FFFE and U+FFFF (lxml refuses them when a cell is written as an explicit string).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", text))


def write_xlsx(
    path_or_file,
    columns: list[Column],
    rows: Iterable[Any],
    *,
    sheet_title: str = "Sheet1",
    more_sheets: Iterable[Sheet] = (),
) -> int:
    """Write rows to an .xlsx, then any further sheets; returns the number of data rows of the first."""
    wb = Workbook(write_only=True)
    count = _write_sheet(wb, sheet_title, columns, rows)
    for sheet in more_sheets:
        _write_sheet(wb, sheet.title, sheet.columns, sheet.rows)
    wb.save(path_or_file)
    return count


def _write_sheet(wb, title: str, columns: list[Column], rows: Iterable[Any]) -> int:
    ws = wb.create_sheet(title=title[:31])
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
    try:
        for obj in rows:
            ws.append([_cell(ws, _plain(column.value(obj))) for column in columns])
            count += 1
    except BaseException:
        # A job cancelled (or failed) half-way: end the sheet's writer while its file is still open.
        with contextlib.suppress(Exception):  # the original error is what matters
            ws.close()
        raise
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


def xlsx_response(
    filename: str,
    columns: list[Column],
    rows: Iterable[Any],
    *,
    sheet_title: str = "Sheet1",
    more_sheets: Iterable[Sheet] = (),
):
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(handle, columns, rows, sheet_title=sheet_title, more_sheets=more_sheets)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def csv_lines(columns: list[Column], rows: Iterable[Any]):
    """The CSV as text chunks, one per row: the first byte leaves before the last row is read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel in China opens UTF-8 CSV correctly only with a BOM
    writer.writerow([str(c.header) for c in columns])
    yield buffer.getvalue()
    for obj in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise_csv(_plain(c.value(obj))) for c in columns])
        yield buffer.getvalue()


def csv_response(filename: str, columns: list[Column], rows: Iterable[Any]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(columns, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_csv(handle, columns: list[Column], rows: Iterable[Any]) -> int:
    count = -1
    for count, line in enumerate(csv_lines(columns, rows)):  # noqa: B007 - the header is line 0
        handle.write(line.encode("utf-8"))
    return count


def deliver_export(
    request,
    *,
    source: str,
    name: str,
    columns: list[Column],
    queryset,
    count: int,
    sheet_title: str = "Sheet1",
    fmt: str = "xlsx",
    more_sheets: Iterable[Sheet] = (),
):
    """The one decision between a direct download and a background job (issue 17).

    `source` names the ListPage class whose `filtered()`, `export_queryset()` and `export_more_sheets()`
    rebuild this queryset and its further sheets from the request's query string in the worker, as the owner:
    the job exports exactly what the list shows.
    """
    if count <= settings.EXPORT_DIRECT_ROWS:
        rows = queryset.iterator(chunk_size=2000)
        if fmt == "csv":
            return csv_response(name, columns, rows)
        return xlsx_response(name, columns, rows, sheet_title=sheet_title, more_sheets=more_sheets)
    from core.background import start_job

    job = start_job(
        actor=request.user,
        kind="core.export",
        params={
            "source": source,
            "query": {k: v for k, v in request.GET.lists() if k not in ("page", "export")},
            "fmt": fmt,
            "name": name,
            "path": request.path,
        },
        total=count,
    )
    if request.path.startswith("/api/"):
        return JsonResponse(job_payload(job), status=202, headers={"Location": job_payload(job)["url"]})
    return redirect(job.get_absolute_url())


def job_payload(job) -> dict:
    from django.urls import reverse

    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "phase": job.phase,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "summary": job.summary,
        "url": reverse("api-job", args=[job.pk]),
        "result_url": reverse("api-job-result", args=[job.pk]) if job.result_file else None,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "expires_at": job.expires_at.isoformat() if job.expires_at else None,
    }


def _counted(rows: Iterable[Any], progress):
    for index, row in enumerate(rows, start=1):
        yield row
        progress.update(index)


def _export_title():
    from django.utils.translation import gettext as _

    return _("Export")


def _export_job(job, progress) -> dict:
    """Rebuild the list page's queryset as the owner and write the file into the configured storage."""
    from django.test import RequestFactory
    from django.utils.module_loading import import_string

    from core.views import ListPage

    source = import_string(job.params["source"])
    if not (isinstance(source, type) and issubclass(source, ListPage)):
        raise ValueError("not a list page")
    request = RequestFactory().get(job.params.get("path", "/"), data=job.params.get("query", {}))
    request.user = job.owner
    page = source(request)
    _filterset, qs = page.filtered()
    qs = page.export_queryset(qs)
    progress.update(0, total=qs.count(), phase="writing", force=True)
    rows = _counted(qs.iterator(chunk_size=2000), progress)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    with tempfile.TemporaryFile() as handle:
        if job.params.get("fmt") == "csv":
            written = write_csv(handle, page.export_columns(), rows)
            filename = f"{job.params['name']}-{stamp}.csv"
        else:
            written = write_xlsx(
                handle,
                page.export_columns(),
                rows,
                sheet_title=page.export_sheet_title(),
                more_sheets=page.export_more_sheets(qs),
            )
            filename = f"{job.params['name']}-{stamp}.xlsx"
        progress.update(written, phase="saving", force=True)
        progress.save_result(handle, filename)
    return {"rows": written}


def _register() -> None:
    from core.background import background_task

    background_task("core.export", title=_export_title)(_export_job)


_register()
