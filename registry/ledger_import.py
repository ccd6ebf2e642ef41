"""The ledger sheets of the enterprise workbook, imported (R-REG-4): 重大危险源, 许可证, 特种作业人员 and 出租厂房
(registry.workbook), read after the enterprises' own sheet by registry.importer.

Each row names its enterprise by credit code: one the importer may see, registered already or imported by the
same file's enterprises' sheet. A row that matches a row still in that enterprise's ledger on its natural key
(`LedgerSheet.key`: licence type and number, certificate number, installation, premises and tenant) corrects
it, an identical one is left alone, any other is added. Rows are checked by the file page's form and service
(registry.file_forms, registry.file_services.clean_row) and written by the file page's services
(`add_ledger_row`, `update_ledger_row`), so each change is audited as an edit on the file page.

Pass 1 (the preview) reads the sheets once, checks every row and spools the valid ones; pass 2 writes them
in the import's transaction, after the enterprises. All or nothing holds across the sheets: one refused row
anywhere, and nothing is written.
"""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidInput
from core.tabular import CELL_TAG, check_xlsx_container
from core.tabular import _count as count_tags  # the cell count without parsing, as for the first sheet
from registry.file_forms import LEDGER_FORMS
from registry.file_services import LEDGER_FIELDS, LEDGER_MODELS, add_ledger_row, clean_row, update_ledger_row
from registry.import_results import ImportResult, RowError
from registry.models import Enterprise
from registry.validators import credit_code_error, normalise_credit_code
from registry.workbook import KEY_HEADERS, SHEET_OF, LedgerSheet, form_input, sheet_for_title

BATCH = 500
MAX_COLUMNS = 64  # a ledger sheet has a handful of columns; its header is not read past this


@dataclass
class SheetRow:
    """A checked ledger row waiting for pass 2."""

    title: str  # its sheet's title, as the file has it
    ledger: str
    number: int  # its row number in the sheet, as a person sees it
    code: str  # its enterprise's credit code
    data: dict  # the file service's input: {"ledger": …, field: value}


def _handle(uploaded):
    return uploaded.file if hasattr(uploaded, "file") else uploaded


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def ledger_sheets_of(uploaded) -> list[tuple[str, LedgerSheet]]:
    """The workbook's ledger sheets after its first, in its order, read from its table of contents without
    parsing a sheet. A CSV, or a workbook of the enterprises' sheet alone, has none."""
    from defusedxml import DefusedXmlException, ElementTree

    handle = _handle(uploaded)
    handle.seek(0)
    try:
        if handle.read(4) != b"PK\x03\x04":
            return []
        check_xlsx_container(handle)  # the expansion bound, before anything is inflated
        with zipfile.ZipFile(handle) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (InvalidInput, KeyError, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
        return []  # the enterprises' sheet's reader refuses such a file, with its reason
    finally:
        handle.seek(0)
    titles = [e.get("name", "") for e in book.iter() if _local(e.tag) == "sheet"]
    return [(title, sheet) for title in titles[1:] if (sheet := sheet_for_title(title)) is not None]


def workbook_cells(uploaded, *, stop_after: int) -> int:
    """The cells of every sheet of a workbook, counted without parsing, stopping once past `stop_after`
    (0 for a CSV or a file that is no workbook). Where an import runs is decided by the cells it will read,
    and a workbook's ledger sheets are read too (registry.import_jobs.is_small)."""
    handle = _handle(uploaded)
    handle.seek(0)
    total = 0
    try:
        if handle.read(4) != b"PK\x03\x04":
            return 0
        check_xlsx_container(handle)
        with zipfile.ZipFile(handle) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    total += count_tags(archive, name, CELL_TAG, stop_after - total)
                    if total > stop_after:
                        break
    except (InvalidInput, zipfile.BadZipFile):
        return 0
    finally:
        handle.seek(0)
    return total


class Spool:
    """The valid ledger rows of pass 1, pickled batch by batch into an anonymous temporary file for pass 2
    (the file is parsed once; memory stays bounded by one batch)."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.batches = 0

    def add(self, batch: list[SheetRow]) -> None:
        pickle.dump(batch, self.handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches += 1

    def replay(self) -> Iterator[list[SheetRow]]:
        self.handle.seek(0)
        for _batch in range(self.batches):
            yield pickle.load(self.handle)  # our own file, written above: trusted


# ---------------------------------------------------------------- pass 1


def check_ledgers(
    uploaded,
    *,
    actor,
    accepted: set[str],
    result: ImportResult,
    errors: list[RowError],
    spool: Spool | None,
    progress=None,
) -> list[str]:
    """Read and check the ledger sheets; count in `result` the rows to add and to correct, add the refusals to
    `errors`, spool the valid rows (unless a dry run: `spool` None). `accepted`: the credit codes the file's
    enterprises' sheet imports. Returns the ledger sheets' titles, in the workbook's order."""
    sheets = ledger_sheets_of(uploaded)
    if not sheets:
        return []
    book = _open(uploaded)
    seen: dict[tuple, tuple[str, int]] = {}
    budget = _Budget(result)
    try:
        for title, sheet in sheets:
            for batch in _batches(_sheet_rows(book[title], title, sheet, errors, budget, progress)):
                valid = _check_batch(
                    batch, title, sheet, actor=actor, accepted=accepted, seen=seen, errors=errors
                )
                _count_changes(valid, sheet, actor, result)
                if spool is not None and valid:
                    spool.add(valid)
    finally:
        book.close()
    return [title for title, _sheet in sheets]


def _open(uploaded):
    from openpyxl import load_workbook

    handle = _handle(uploaded)
    handle.seek(0)
    try:
        return load_workbook(handle, read_only=True, data_only=False)
    except Exception:
        raise InvalidInput.field("file", _("The file is not a valid .xlsx workbook."))


class _Budget:
    """The import's limits across all its sheets: IMPORT_MAX_ROWS rows, IMPORT_MAX_CELLS cells read."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.cells = 0

    def take(self, width: int) -> None:
        self.result.ledger_rows += 1
        self.cells += width
        if self.result.rows + self.result.ledger_rows > settings.IMPORT_MAX_ROWS:
            raise InvalidInput.field(
                "file", _("The file has more than %(n)d rows.") % {"n": settings.IMPORT_MAX_ROWS}
            )
        if self.cells > settings.IMPORT_MAX_CELLS:
            raise InvalidInput.field(
                "file", _("The file has more than %(n)d cells.") % {"n": settings.IMPORT_MAX_CELLS}
            )


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _required(sheet: LedgerSheet) -> list[str]:
    form = LEDGER_FORMS[sheet.ledger]
    return ["credit_code", *(name for name, field in form.base_fields.items() if field.required)]


def _sheet_rows(ws, title: str, sheet: LedgerSheet, errors: list[RowError], budget: _Budget, progress):
    """(row number, {field: cell}) for each row of a ledger sheet that is not blank; a sheet that lacks a
    required column is one error (row 1) and none of its rows."""
    first = next(ws.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    position = {}
    for index, cell in enumerate(first):
        text = str(_cell(cell)).lower()
        if text:
            position.setdefault(text, index)
    columns: dict[str, int] = {}
    for field, names in (KEY_HEADERS | sheet.headers).items():
        found = next((position[n.lower()] for n in names if n.lower() in position), None)
        if found is not None:
            columns[field] = found
    missing = [sheet.header(f) for f in _required(sheet) if f not in columns]
    if missing:
        names = "、".join(missing)
        errors.append(RowError(1, names, _("Missing column(s): %(cols)s") % {"cols": names}, sheet=title))
        return
    width = max(columns.values()) + 1
    for number, raw in enumerate(ws.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
        budget.take(width)
        if progress is not None:
            progress.update(budget.result.rows + budget.result.ledger_rows, phase="checking")
        values = {field: _cell(raw[i]) if i < len(raw) else "" for field, i in columns.items()}
        if any(v != "" for v in values.values()):
            yield number, values


def _batches(rows) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _check_batch(batch, title, sheet, *, actor, accepted, seen, errors) -> list[SheetRow]:
    """The valid rows of a batch; each refusal names the sheet, the row and the column."""
    codes = {normalise_credit_code(str(values.get("credit_code", ""))) for _n, values in batch}
    registered = set(
        Enterprise.objects.visible_to(actor)
        .filter(credit_code__in=codes)
        .values_list("credit_code", flat=True)
    )
    valid = []
    for number, values in batch:
        refusals: list[RowError] = []

        def err(field: str, message, number=number, refusals=refusals) -> None:
            refusals.append(RowError(number, sheet.header(field), str(message), sheet=title))

        code = normalise_credit_code(str(values.get("credit_code", "")))
        if not code:
            err("credit_code", _("This field is required."))
        elif problem := credit_code_error(code):
            err("credit_code", problem)
        elif code not in accepted and code not in registered:
            # One answer for "no such enterprise" and "not yours": the file tells nothing about other towns.
            err("credit_code", _("No enterprise with this credit code in this file or in your jurisdiction."))
        data = _validated(sheet, values, err)
        if data is not None and not refusals:
            key = (sheet.ledger, code, *(data[f] for f in sheet.key))
            if key in seen:
                first_title, first_number = seen[key]
                err(
                    sheet.key[0],
                    _("Duplicate of row %(n)d of sheet %(sheet)s.")
                    % {"n": first_number, "sheet": first_title},
                )
            else:
                seen[key] = (title, number)
        if refusals:
            errors.extend(refusals)
        else:
            valid.append(SheetRow(title, sheet.ledger, number, code, data))
    return valid


def _validated(sheet: LedgerSheet, values: dict, err: Callable) -> dict | None:
    """The row as the file service takes it, checked by the file page's form and then by the service's own
    rules; None after reporting what is wrong."""
    form = LEDGER_FORMS[sheet.ledger](form_input(sheet, values), prefix=None)
    if not form.is_valid():
        for field, messages in form.errors.items():
            err(field if field in sheet.headers else "credit_code", messages[0])
        return None
    try:
        return {"ledger": sheet.ledger, **clean_row(sheet.ledger, form.service_data())}
    except InvalidInput as exc:
        for field, messages in exc.errors.items():
            err(field if field in sheet.headers else "credit_code", messages[0])
        return None


def _targets(rows: list[SheetRow], ledger: str, actor) -> tuple[dict[str, Enterprise], dict[tuple, object]]:
    """The enterprises the rows name (those the actor sees), and their rows still in the ledger by natural key
    (two alike in the file already: the older one is corrected)."""
    codes = {row.code for row in rows}
    enterprises = {
        e.credit_code: e for e in Enterprise.objects.visible_to(actor).filter(credit_code__in=codes)
    }
    key_fields = SHEET_OF[ledger].key
    existing = {}
    ids = [e.pk for e in enterprises.values()]
    for row in LEDGER_MODELS[ledger].objects.filter(enterprise_id__in=ids, is_active=True).order_by("-id"):
        existing[(row.enterprise_id, *(getattr(row, f) for f in key_fields))] = row
    return enterprises, existing


def _key(row: SheetRow, enterprise: Enterprise) -> tuple:
    return (enterprise.pk, *(row.data[f] for f in SHEET_OF[row.ledger].key))


def _changed(current, row: SheetRow) -> bool:
    return any(getattr(current, f) != row.data[f] for f in LEDGER_FIELDS[row.ledger])


def _count_changes(rows: list[SheetRow], sheet: LedgerSheet, actor, result: ImportResult) -> None:
    if not rows:
        return
    enterprises, existing = _targets(rows, sheet.ledger, actor)
    for row in rows:
        enterprise = enterprises.get(row.code)
        current = existing.get(_key(row, enterprise)) if enterprise is not None else None
        if current is None:
            result.ledger_created += 1
        elif _changed(current, row):
            result.ledger_updated += 1


# ---------------------------------------------------------------- pass 2


def apply_ledgers(
    spool: Spool, *, actor, mode: str, result: ImportResult, refused: list[RowError], progress=None
) -> None:
    """Write the spooled rows through the file's services, inside the import's transaction. A row refused now
    (its enterprise gone from the actor's scope since pass 1, a row corrected meanwhile) is added to
    `refused`; with all or nothing the caller then rolls everything back, so the rest is not tried."""
    for batch in spool.replay():
        enterprises, existing = _targets(batch, batch[0].ledger, actor)
        for row in batch:
            _apply(row, enterprises, existing, actor=actor, result=result, refused=refused)
            if refused and mode == "all_or_nothing":
                return
            if progress is not None:
                progress()


def _apply(row: SheetRow, enterprises, existing, *, actor, result: ImportResult, refused) -> None:
    enterprise = enterprises.get(row.code)
    if enterprise is None:
        refused.append(_refusal(row, None))
        return
    key = _key(row, enterprise)
    current = existing.get(key)
    if current is not None and not _changed(current, row):
        return
    try:
        with transaction.atomic():  # a savepoint: a refused row leaves nothing behind (only the valid rows)
            if current is None:
                existing[key] = add_ledger_row(actor=actor, enterprise=enterprise, data=row.data)
                result.ledger_created += 1
            else:
                update_ledger_row(
                    actor=actor, ledger=row.ledger, row=current, data=row.data, version=current.version
                )
                result.ledger_updated += 1
    except (DomainError, Http404) as exc:
        refused.append(_refusal(row, exc))


def _refusal(row: SheetRow, exc) -> RowError:
    sheet = SHEET_OF[row.ledger]
    if isinstance(exc, DomainError) and exc.errors:
        field, messages = next(iter(exc.errors.items()))
        column = sheet.header(field) if field in sheet.headers else sheet.header("credit_code")
        return RowError(row.number, column, str(messages[0]), sheet=row.title)
    if isinstance(exc, DomainError):
        return RowError(row.number, sheet.header("credit_code"), str(exc.message), sheet=row.title)
    return RowError(
        row.number,
        sheet.header("credit_code"),
        _("No enterprise with this credit code in this file or in your jurisdiction."),
        sheet=row.title,
    )
