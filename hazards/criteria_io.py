"""The criteria library as a workbook (R-HAZ-9): district administrators export it, correct or add items
(a new edition of a source, the items a sector publishes) and import it back. One row per item; a row
whose sector and code exist edits that item, any other row adds one. All rows or none: one bad row
rejects the file with its row number, and nothing changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput
from core.exports import Column
from core.tabular import read_table
from hazards.models import MajorHazardCriterion
from hazards.services.library import _district_admin, save_criterion

YES = {"是", "y", "yes", "true", "1", "√", "✓"}

# (header, model attribute, width); the headers are the workbook's contract, in Chinese as the district
# keeps its tables.
HEADERS = [
    ("行业", "sector_id", 16),
    ("编码", "item", 10),
    ("标准版本", "source_document__code", 14),
    ("来源", "source", 40),
    ("适用范围", "scope", 30),
    ("条", "article", 10),
    ("项", "clause", 8),
    ("内容", "text", 60),
    ("已核对原文", "verified", 10),
    ("启用", "is_active", 8),
    ("备注", "note", 30),
]


def _cell(criterion: MajorHazardCriterion, attribute: str):
    if attribute == "source_document__code":
        return criterion.source_document.code if criterion.source_document_id else ""
    value = getattr(criterion, attribute)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def export_columns() -> list[Column]:
    return [Column(header, (lambda c, a=attr: _cell(c, a)), width) for header, attr, width in HEADERS]


def filtered(params) -> object:
    """The library filtered as the API and the page filter it: `sector`, `q` (Chinese text, any field a
    person reads), `active` (true/false), `edition` (a source edition's code)."""
    qs = MajorHazardCriterion.objects.select_related("sector", "source_document")
    sector = (params.get("sector") or "").strip()
    if sector:
        qs = qs.filter(sector_id=sector)
    # The page's list of editions links each to its items (`source`); the API names it `edition`.
    edition = (params.get("edition") or params.get("source") or "").strip()
    if edition:
        qs = qs.filter(source_document__code=edition)
    q = (params.get("q") or "").strip()
    for word in q.split():
        qs = qs.filter(
            Q(text__icontains=word)
            | Q(scope__icontains=word)
            | Q(source__icontains=word)
            | Q(article__icontains=word)
            | Q(item__icontains=word)
            | Q(sector__name__icontains=word)
        )
    active = (params.get("active") or "").strip().lower()
    if active in ("true", "1", "yes"):
        qs = qs.filter(is_active=True)
    elif active in ("false", "0", "no"):
        qs = qs.filter(is_active=False)
    return qs


MISSING_COLUMNS = gettext_lazy("The workbook lacks the columns: %(columns)s.")


@transaction.atomic
def import_criteria(*, actor, uploaded) -> dict:
    """Read the workbook and save each row through `save_criterion` (role check, validation, audit)."""
    _district_admin(actor)  # the role first: a refused role never has its file read
    header, rows = read_table(uploaded)
    missing = [h for h, _attr, _w in HEADERS if h not in header and h not in ("标准版本", "备注", "适用范围")]
    if missing:
        raise InvalidInput.field("file", MISSING_COLUMNS % {"columns": "、".join(missing)})
    created = updated = 0
    for row in rows:
        values = row.values
        if not any(values.values()):
            continue
        sector = values.get("行业", "").strip()
        item = values.get("编码", "").strip()
        existing = MajorHazardCriterion.objects.filter(sector_id=sector, item=item).first()
        try:
            save_criterion(
                actor=actor,
                criterion=existing,
                sector=sector,
                item=item,
                text=values.get("内容", ""),
                source=values.get("来源", ""),
                is_active=values.get("启用", "").strip().lower() in YES,
                source_document=values.get("标准版本", "").strip() or None,
                scope=values.get("适用范围", ""),
                article=values.get("条", ""),
                clause=values.get("项", ""),
                verified=values.get("已核对原文", "").strip().lower() in YES,
                note=values.get("备注", ""),
            )
        except InvalidInput as exc:
            problems = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in exc.errors.items())
            raise InvalidInput.field(
                "file", _("Row %(row)d: %(problems)s") % {"row": row.number, "problems": problems}
            ) from exc
        if existing is None:
            created += 1
        else:
            updated += 1
    return {"created": created, "updated": updated}
