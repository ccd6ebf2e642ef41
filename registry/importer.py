"""Enterprise import from .xlsx/.csv (API.md "Registry"; issue: import and export).

Two passes, both streaming, over one parse of the file:
1. parse and validate every row (dry run): what would be created, updated, refused — nothing written; the
   valid rows are spooled to an anonymous temporary file;
2. apply the spooled rows in one transaction: all-or-nothing by default, or only the valid rows on request.
Re-importing updates by credit code and never duplicates.
The enterprises are the first sheet (or the CSV); a workbook's ledger sheets of the enterprise file follow
(R-REG-4: registry.ledger_import), in the same two passes and the same transaction, after the enterprises.

A file above IMPORT_DIRECT_BYTES, or holding more than IMPORT_DIRECT_CELLS cells (counted before the parse,
registry.import_jobs.is_small), runs as a background job (`registry.import`, core.background) from the file
staged in the configured storage; a small one runs the same job inline in the request.
"""

from __future__ import annotations

import pickle
import re
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, record_many
from core.background import background_task
from core.errors import InvalidInput
from core.exports import Column, Sheet
from core.scoping import scope_of
from core.tabular import TableRow, read_table
from registry import ledger_import
from registry.choices import SECTOR_ALIASES, EnterpriseScale, SubSector
from registry.import_results import ImportResult, RowError
from registry.models import Enterprise, EnterpriseStatusChange, Jurisdiction, Sector
from registry.validators import credit_check_char, credit_code_error, normalise_credit_code, phone_error
from registry.workbook import (
    ACCOUNT_HEADERS,
    EXAMPLE_ROWS,
    FILE_HEADERS,
    FILE_TEMPLATE_HEADERS,
    FLAG_HEADERS,
    KEY_HEADERS,
    SHEETS,
    clean_file_columns,
)

# Canonical field → accepted headers (Chinese first, as the district's spreadsheets have them).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "单位名称", "name", "enterprise name"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code", "credit code"),
    "town": ("所属镇街", "镇街", "所属镇（街）", "town", "town/street"),
    "sectors": ("行业领域", "行业", "sectors", "sector"),
    "address": ("地址", "企业地址", "address"),
    "principal_name": ("主要负责人", "principal_name", "principal"),
    "principal_phone": ("主要负责人电话", "负责人电话", "principal_phone"),
    "legal_representative": ("法定代表人", "legal_representative"),
    "safety_manager_name": ("安全管理人员", "安全负责人", "safety_manager_name"),
    "safety_manager_phone": ("安全管理人员电话", "安全负责人电话", "safety_manager_phone"),
    "employees": ("从业人数", "职工人数", "employees"),
    "scale": ("企业规模", "规模", "scale"),
    "sub_sector": ("工贸行业分类", "行业分类", "sub_sector"),
    "business_scope": ("经营范围", "business_scope"),
    "lng": ("经度", "lng", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
}
HEADERS.update(FILE_HEADERS)  # R-REG-4: the enterprise file's columns
HEADERS.update(ACCOUNT_HEADERS)
HEADERS.update(FLAG_HEADERS)
REQUIRED = ("name", "credit_code", "town", "sectors")
TEMPLATE_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "行业领域",
    "地址",
    "主要负责人",
    "主要负责人电话",
    "法定代表人",
    "安全管理人员",
    "安全管理人员电话",
    "从业人数",
    "企业规模",
    "工贸行业分类",
    "经营范围",
    "经度",
    "纬度",
    *FILE_TEMPLATE_HEADERS,
]
SCALE_NAMES = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
SUB_SECTOR_NAMES = {
    "冶金": "metallurgy",
    "有色": "nonferrous",
    "建材": "building_materials",
    "机械": "machinery",
    "轻工": "light_industry",
    "纺织": "textile",
    "烟草": "tobacco",
    "商贸": "commerce",
}
SPLIT_RE = re.compile(r"[、,，;；/\s]+")
BATCH = 1000
EXAMPLE_CODE = "91440703MA4UL8K21" + credit_check_char("91440703MA4UL8K21")


class Lookups:
    """Reference data loaded once per import."""

    def __init__(self, actor) -> None:
        self.towns: dict[str, Jurisdiction] = {}
        for town in Jurisdiction.objects.towns():
            for key in {town.name, town.name_en.lower(), town.code, re.sub(r"(镇|街道|街)$", "", town.name)}:
                if key:
                    self.towns[key] = town
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.sector_names = {s.name: s.code for s in self.sectors.values()}
        self.sector_names.update({s.name_en.lower(): s.code for s in self.sectors.values()})
        self.sector_names.update(SECTOR_ALIASES)
        self.scope = scope_of(actor)


def _header_map(header: list[str]) -> tuple[dict[str, str], list[str]]:
    found: dict[str, str] = {}
    normalised = {h.strip().lower(): h for h in header if h}
    for canonical, names in HEADERS.items():
        for name in names:
            if name.lower() in normalised:
                found[canonical] = normalised[name.lower()]
                break
    missing = [HEADERS[f][0] for f in REQUIRED if f not in found]
    return found, missing


def _parse_row(row: TableRow, columns: dict[str, str], lookups: Lookups) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []
    values = {key: row.values.get(header, "").strip() for key, header in columns.items()}
    data: dict = {}

    def err(field_name: str, message) -> None:
        errors.append(RowError(row.number, HEADERS[field_name][0], str(message)))

    for required in REQUIRED:
        if not values.get(required):
            err(required, _("This field is required."))
    if values.get("name"):
        data["name"] = values["name"][:120]
    if values.get("credit_code"):
        code = normalise_credit_code(values["credit_code"])
        problem = credit_code_error(code)
        if problem:
            err("credit_code", problem)
        data["credit_code"] = code
    if values.get("town"):
        town = lookups.towns.get(values["town"]) or lookups.towns.get(values["town"].lower())
        if town is None:
            err("town", _("Unknown town or street: %(v)s") % {"v": values["town"]})
        data["town"] = town
    if values.get("sectors"):
        codes = []
        for part in filter(None, SPLIT_RE.split(values["sectors"])):
            code = (
                lookups.sector_names.get(part)
                or lookups.sector_names.get(part.lower())
                or (part if part in lookups.sectors else None)
            )
            if code is None:
                err("sectors", _("Unknown sector: %(v)s") % {"v": part})
            else:
                codes.append(code)
        data["sectors"] = sorted(set(codes))
    for key in ("address", "principal_name", "legal_representative", "safety_manager_name", "business_scope"):
        if values.get(key):
            data[key] = values[key]
    for key in ("principal_phone", "safety_manager_phone"):
        if values.get(key):
            problem = phone_error(values[key])
            if problem:
                err(key, problem)
            data[key] = values[key]
    if values.get("employees"):
        try:
            data["employees"] = int(Decimal(values["employees"]))
            if data["employees"] < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            err("employees", _("Enter a whole number of employees."))
    if values.get("scale"):
        scale = SCALE_NAMES.get(values["scale"], values["scale"].lower())
        if scale not in EnterpriseScale.values:
            err("scale", _("Unknown scale: %(v)s") % {"v": values["scale"]})
        data["scale"] = scale
    if values.get("sub_sector"):
        sub = SUB_SECTOR_NAMES.get(values["sub_sector"], values["sub_sector"].lower())
        if sub not in SubSector.values:
            err("sub_sector", _("Unknown sub-sector: %(v)s") % {"v": values["sub_sector"]})
        data["sub_sector"] = sub
    for key, low, high in (("lat", -90, 90), ("lng", -180, 180)):
        if values.get(key):
            try:
                number = Decimal(values[key])
                if not low <= number <= high:
                    raise InvalidOperation
                data[key] = number.quantize(Decimal("0.000001"))
            except InvalidOperation:
                err(key, _("Enter a valid coordinate."))
    data.update(clean_file_columns(values, err))
    town = data.get("town")
    if town is not None and not errors and not lookups.scope.district:
        in_scope = town.pk in lookups.scope.town_ids or bool(
            set(data.get("sectors", [])) & lookups.scope.sector_codes
        )
        if not in_scope:
            err("town", _("The enterprise would be outside your jurisdiction."))
    return data, errors


def _rows(uploaded) -> tuple[dict[str, str], Iterator[TableRow]]:
    def check(header: list[str]) -> None:
        # Run on the first row before the rest of the file is parsed (issue 19: a workbook of millions of
        # cells took half a minute to be told its columns are missing).
        _columns, missing = _header_map(header)
        if missing:
            raise InvalidInput.field("file", _("Missing column(s): %(cols)s") % {"cols": "、".join(missing)})

    header, rows = read_table(uploaded, check_header=check)
    columns, _missing = _header_map(header)  # `check` has refused a header with missing columns
    return columns, rows


def check_can_import(actor) -> None:
    from registry.policy import POLICY

    POLICY.require(actor, "import")


def _validated_batches(uploaded, actor, result: ImportResult, errors: list[RowError], progress=None):
    """Yield batches of (row number, data) for valid rows; row errors accumulate in `errors`."""
    from django.conf import settings

    lookups = Lookups(actor)
    columns, rows = _rows(uploaded)
    seen: dict[str, int] = {}
    batch: list[tuple[int, dict]] = []
    for row in rows:
        result.rows += 1
        if progress is not None:
            progress.update(result.rows, phase="checking")
        if result.rows > settings.IMPORT_MAX_ROWS:
            raise InvalidInput.field(
                "file", _("The file has more than %(n)d rows.") % {"n": settings.IMPORT_MAX_ROWS}
            )
        data, row_errors = _parse_row(row, columns, lookups)
        code = data.get("credit_code")
        if code and not row_errors:
            if code in seen:
                row_errors.append(
                    RowError(
                        row.number,
                        HEADERS["credit_code"][0],
                        _("Duplicate of row %(n)d in this file.") % {"n": seen[code]},
                    )
                )
            else:
                seen[code] = row.number
        if row_errors:
            errors.extend(row_errors)
            continue
        batch.append((row.number, data))
        if len(batch) >= BATCH:
            yield batch, lookups
            batch = []
    if batch:
        yield batch, lookups


class _Spool:
    """The valid rows of pass 1, kept on disk for pass 2 so the file is parsed once.

    Parsing the workbook is most of an import's time; the rows are pickled batch by batch (memory stays
    bounded by one batch) into an anonymous temporary file that the system removes even if the process dies.
    """

    def __init__(self, handle) -> None:
        self.handle = handle
        self.batches = 0

    def add(self, batch: list[tuple[int, dict]]) -> None:
        portable = [(number, {**data, "town": data["town"].pk}) for number, data in batch]
        pickle.dump(portable, self.handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches += 1

    def replay(self, lookups: Lookups):
        towns = {town.pk: town for town in lookups.towns.values()}
        self.handle.seek(0)
        for _batch in range(self.batches):
            batch = pickle.load(self.handle)  # our own file, written above: trusted
            yield [(number, {**data, "town": towns[data["town"]]}) for number, data in batch]


def _classify(batch, lookups, actor, refused: list[RowError]) -> tuple[list, list]:
    """Split a batch into creates and updates; updates must be of enterprises the actor can see."""
    codes = [data["credit_code"] for _, data in batch]
    existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    visible = set(
        Enterprise.objects.visible_to(actor)
        .filter(credit_code__in=list(existing))
        .values_list("credit_code", flat=True)
    )
    creates, updates = [], []
    for number, data in batch:
        enterprise = existing.get(data["credit_code"])
        if enterprise is None:
            creates.append((number, data))
        elif data["credit_code"] not in visible:
            refused.append(
                RowError(
                    number,
                    HEADERS["credit_code"][0],
                    _("An enterprise with this credit code is already registered."),
                )
            )
        else:
            problem = _resolve_accounts(data, enterprise)
            if problem:
                refused.append(RowError(number, *problem))
            else:
                updates.append((number, data, enterprise))
    for number, data in list(creates):
        if data.get("accounts"):
            # A new enterprise has no users yet: its accounts are named once they are opened.
            key = next(iter(data["accounts"]))
            refused.append(
                RowError(
                    number,
                    ACCOUNT_HEADERS[key][0],
                    _("A new enterprise has no accounts yet: leave it blank."),
                )
            )
            creates.remove((number, data))
    return creates, updates


def _resolve_accounts(data: dict, enterprise) -> tuple[str, str] | None:
    """The file's accounts named by login, as ids (`principal_user_id`, …): each must be an active account
    of this enterprise, as on the file's page. (header, message) of the first that is not."""
    from registry.file_services import enterprise_accounts

    named = data.get("accounts") or {}
    if not named:
        return None
    found = dict(
        enterprise_accounts(enterprise)
        .filter(username__in=list(named.values()))
        .values_list("username", "pk")
    )
    for key, login in named.items():
        if login not in found:
            return ACCOUNT_HEADERS[key][0], _("%(v)s is not an active account of this enterprise.") % {
                "v": login
            }
        data[f"{key}_id"] = found[login]
    return None


def run_import(
    *,
    actor,
    uploaded,
    mode: str = "all_or_nothing",
    dry_run: bool = False,
    source_name: str = "",
    progress=None,
) -> ImportResult:
    check_can_import(actor)
    if mode not in ("all_or_nothing", "valid_rows"):
        raise InvalidInput.field("mode", _("Choose all_or_nothing or valid_rows."))
    with (
        tempfile.TemporaryFile(prefix="redline-import-") as handle,
        tempfile.TemporaryFile(prefix="redline-import-") as ledger_handle,
    ):
        return _import(
            actor,
            uploaded,
            mode=mode,
            dry_run=dry_run,
            source_name=source_name,
            spool=_Spool(handle),
            ledger_spool=ledger_import.Spool(ledger_handle),
            progress=progress,
        )


def _import(
    actor, uploaded, *, mode, dry_run, source_name, spool: _Spool, ledger_spool, progress=None
) -> ImportResult:
    # Pass 1: parse and validate everything, write nothing to the database.
    result = ImportResult(dry_run=True)
    row_errors: list[RowError] = []
    refused: list[RowError] = []
    lookups = None
    accepted: set[str] = set()  # the credit codes this file imports: its ledger rows may name them
    for batch, lookups in _validated_batches(uploaded, actor, result, row_errors, progress):
        creates, updates = _classify(batch, lookups, actor, refused)
        result.created += len(creates)
        result.updated += len(updates)
        accepted.update(data["credit_code"] for _n, data in creates)
        accepted.update(data["credit_code"] for _n, data, _e in updates)
        if not dry_run:
            spool.add(batch)
    ledger_errors: list[RowError] = []
    titles = ledger_import.check_ledgers(
        uploaded,
        actor=actor,
        accepted=accepted,
        result=result,
        errors=ledger_errors,
        spool=None if dry_run else ledger_spool,
        progress=progress,
    )
    result.errors = _ordered(row_errors + refused, ledger_errors, titles)
    if dry_run or (result.errors and mode == "all_or_nothing") or not result.writes:
        return result
    # Pass 2: apply the spooled rows in one transaction. The classification is repeated under the
    # transaction: an enterprise registered by someone else since pass 1 becomes an update or a refusal.
    applied = ImportResult(dry_run=False, rows=result.rows, ledger_rows=result.ledger_rows)
    refused = []
    ledger_refused: list[RowError] = []
    checked = result.rows + result.ledger_rows

    def written() -> int:
        return checked + applied.writes + len(refused) + len(ledger_refused)

    # Progress counts on past the rows checked: the rows to write come on top, so it only moves forward.
    if progress is not None:
        progress.update(checked, total=checked + result.writes, phase="writing")
    with transaction.atomic():
        for batch in spool.replay(lookups) if spool.batches else ():
            creates, updates = _classify(batch, lookups, actor, refused)
            _apply_creates(creates, lookups, actor)
            _apply_updates(updates, lookups, actor)
            applied.created += len(creates)
            applied.updated += len(updates)
            if progress is not None:
                progress.update(written())
        if not (refused and mode == "all_or_nothing"):
            ledger_import.apply_ledgers(
                ledger_spool,
                actor=actor,
                mode=mode,
                result=applied,
                refused=ledger_refused,
                progress=None if progress is None else lambda: progress.update(written()),
            )
        applied.errors = _ordered(row_errors + refused, ledger_errors + ledger_refused, titles)
        if (refused or ledger_refused) and mode == "all_or_nothing":
            # All or nothing means nothing when a row became invalid between the two passes.
            transaction.set_rollback(True)
            return ImportResult(
                dry_run=True, rows=result.rows, ledger_rows=result.ledger_rows, errors=applied.errors
            )
        record(
            None,
            "registry.enterprise.imported",
            actor=actor,
            target_type="registry.enterprise",
            target_repr=source_name[:200],
            data={
                "created": applied.created,
                "updated": applied.updated,
                "ledger_created": applied.ledger_created,
                "ledger_updated": applied.ledger_updated,
                "refused": len(applied.errors),
                "mode": mode,
                "file": source_name,
            },
        )
    return applied


def _ordered(rows: list[RowError], ledger_rows: list[RowError], titles: list[str]) -> list[RowError]:
    """The enterprises' sheet's errors by row, then each ledger sheet's, in the workbook's order."""
    rank = {title: index for index, title in enumerate(titles)}
    return sorted(rows, key=lambda e: e.row) + sorted(
        ledger_rows, key=lambda e: (rank.get(e.sheet, 0), e.row)
    )


_PLAIN_FIELDS = (
    "name",
    "address",
    "principal_name",
    "principal_phone",
    "legal_representative",
    "safety_manager_name",
    "safety_manager_phone",
    "employees",
    "scale",
    "sub_sector",
    "business_scope",
    "lat",
    "lng",
    *FILE_HEADERS,
    *(f"{key}_id" for key in ACCOUNT_HEADERS),
)


def _apply_creates(creates, lookups: Lookups, actor) -> None:
    if not creates:
        return
    now = timezone.now()
    objects = []
    for _number, data in creates:
        fields = {k: data[k] for k in _PLAIN_FIELDS if k in data}
        objects.append(
            Enterprise(credit_code=data["credit_code"], town=data["town"], created_at=now, **fields)
        )
    Enterprise.objects.bulk_create(objects, batch_size=BATCH)
    if any(o.pk is None for o in objects):  # backends that do not return ids
        by_code = dict(
            Enterprise.objects.filter(credit_code__in=[o.credit_code for o in objects]).values_list(
                "credit_code", "pk"
            )
        )
        for o in objects:
            o.pk = o.id = by_code[o.credit_code]
    through = Enterprise.sectors.through
    through.objects.bulk_create(
        [
            through(enterprise_id=o.pk, sector_id=code)
            for o, (_n, data) in zip(objects, creates, strict=True)
            for code in data["sectors"]
        ],
        batch_size=5000,
    )
    EnterpriseStatusChange.objects.bulk_create(
        [
            EnterpriseStatusChange(
                enterprise_id=o.pk, to_status=o.status, changed_by=actor, changed_at=now, reason=_("Imported")
            )
            for o in objects
        ],
        batch_size=BATCH,
    )
    record_many(objects, "registry.enterprise.created", actor=actor, data_for=lambda o: {"via": "import"})


def _apply_updates(updates, lookups: Lookups, actor) -> None:
    if not updates:
        return
    through = Enterprise.sectors.through
    current: dict[int, set[str]] = {}
    for ent_id, code in through.objects.filter(
        enterprise_id__in=[enterprise.pk for _n, _d, enterprise in updates]
    ).values_list("enterprise_id", "sector_id"):
        current.setdefault(ent_id, set()).add(code)
    changed = []
    new_sectors: dict[int, list[str]] = {}
    for _number, data, enterprise in updates:
        changes = {}
        for key in (*_PLAIN_FIELDS, "town"):
            if key in data and getattr(enterprise, key) != data[key]:
                changes[key] = [getattr(enterprise, key), data[key]]
                setattr(enterprise, key, data[key])
        old_codes = current.get(enterprise.pk, set())
        if old_codes != set(data["sectors"]):
            # A change of sectors changes who supervises the enterprise: it is recorded like any other.
            changes["sectors"] = [sorted(old_codes), sorted(data["sectors"])]
            new_sectors[enterprise.pk] = data["sectors"]
        if changes:
            enterprise.version += 1
            enterprise._import_changes = changes
            changed.append(enterprise)
    if changed:
        Enterprise.objects.bulk_update(changed, [*_PLAIN_FIELDS, "town", "version"], batch_size=BATCH)
    if new_sectors:
        through.objects.filter(enterprise_id__in=list(new_sectors)).delete()
        through.objects.bulk_create(
            [
                through(enterprise_id=pk, sector_id=code)
                for pk, codes in new_sectors.items()
                for code in codes
            ],
            batch_size=5000,
        )
    record_many(
        changed,
        "registry.enterprise.updated",
        actor=actor,
        data_for=lambda o: {"via": "import", "changes": o._import_changes},
    )


def _import_title():
    return _("Enterprise import")


@background_task("registry.import", title=_import_title)
def import_job(job, progress) -> dict:
    """The import of a staged file, as its owner: a preview (dry run) or the import itself."""
    params = job.params
    with tempfile.TemporaryFile(prefix="redline-import-") as local:
        # A local copy for the reader's random access; the storage (S3) object stays the staged file.
        with default_storage.open(job.staged_file, "rb") as staged:
            shutil.copyfileobj(staged, local, 1024 * 1024)
        local.seek(0)
        uploaded = File(local, name=params.get("source_name") or "upload")
        uploaded.size = default_storage.size(job.staged_file)
        result = run_import(
            actor=job.owner,
            uploaded=uploaded,
            mode=params.get("mode", "all_or_nothing"),
            dry_run=bool(params.get("dry_run")),
            source_name=params.get("source_name", ""),
            progress=progress,
        )
    body = result.as_dict()
    failed = bool(result.errors) and params.get("mode", "all_or_nothing") == "all_or_nothing"
    if failed and not params.get("dry_run"):
        body.update(
            created=0, updated=0, ledger_created=0, ledger_updated=0, dry_run=False
        )  # nothing written
    body["failed"] = failed
    return body


def template_columns() -> list[Column]:
    return [Column(h, lambda row, h=h: row.get(h, ""), width=18) for h in TEMPLATE_HEADERS]


def template_example_rows() -> list[dict]:
    return [
        {
            "企业名称": "江门市示例五金制品有限公司",
            "统一社会信用代码": EXAMPLE_CODE,
            "所属镇街": "杜阮镇",
            "行业领域": "工贸、有限空间",
            "地址": "江门市蓬江区杜阮镇示例路1号",
            "主要负责人": "张三",
            "主要负责人电话": "13800138000",
            "从业人数": "56",
            "企业规模": "小型",
            "工贸行业分类": "机械",
        }
    ]


def template_sheets() -> list[Sheet]:
    """The template's ledger sheets (R-REG-4): each one's headers and an example row of the example
    enterprise."""
    sheets = []
    for sheet in SHEETS:
        headers = [names[0] for names in (KEY_HEADERS | sheet.headers).values()]
        example = {"统一社会信用代码": EXAMPLE_CODE, "企业名称": "江门市示例五金制品有限公司"}
        example.update(EXAMPLE_ROWS[sheet.ledger])
        columns = [Column(h, lambda row, h=h: row.get(h, ""), width=18) for h in headers]
        sheets.append(Sheet(sheet.title, columns, [example]))
    return sheets


def ledger_help() -> list[dict]:
    """The ledger sheets as the import page's help lists them: title, columns, the key a row is matched on."""
    return [
        {
            "title": sheet.title,
            "columns": [names[0] for names in (KEY_HEADERS | sheet.headers).values()],
            "key": [sheet.header(field) for field in sheet.key],
        }
        for sheet in SHEETS
    ]


def error_columns(errors: list[dict]) -> list[Column]:
    # The sheet is named when a workbook's ledger sheets have errors; an enterprises-only file's stay as they were.
    sheet = (
        [Column(_("Sheet"), lambda e: e.get("sheet", ""), 14)] if any(e.get("sheet") for e in errors) else []
    )
    return [
        *sheet,
        Column(_("Row"), lambda e: e["row"], 8),
        Column(_("Column"), lambda e: e["field"], 20),
        Column(_("Reason"), lambda e: e["message"], 60),
    ]
