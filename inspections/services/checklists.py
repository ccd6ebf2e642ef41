"""Checklist templates: versions, edits, .xlsx import and export."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import record
from core.errors import Conflict, InvalidInput
from core.exports import Column
from core.tabular import read_table
from inspections.choices import HazardCategory, HazardLevel
from inspections.models import ChecklistItem, ChecklistTemplate
from inspections.policy import POLICY
from inspections.services.common import add_error, raise_if

HEADER_FIELDS = {
    "name": "模板名称",
    "name_en": "Template name",
    "sector": "行业领域",
    "topic": "专题",
    "topic_en": "Topic",
}
ITEM_HEADERS = [
    ("number", "序号"),
    ("requirement", "检查内容"),
    ("requirement_en", "Requirement"),
    ("legal_basis", "依据"),
    ("category", "隐患类别"),
    ("level", "隐患等级"),
    ("is_key", "重点项"),
    ("criterion", "重大事故隐患判定标准"),
]
CATEGORY_NAMES = {
    "人的因素": "human",
    "物的因素": "object",
    "环境因素": "environment",
    "管理因素": "management",
}
LEVEL_NAMES = {"一般": "general", "一般事故隐患": "general", "重大": "major", "重大事故隐患": "major"}
YES = {"是", "yes", "y", "true", "1", "√", "重点"}


def _criterion(value):
    """A criterion from an id, a library code ("CS-1") or an object; None when empty, False when unknown."""
    from hazards.models import MajorHazardCriterion

    if value in (None, "", "None"):
        return None
    if isinstance(value, MajorHazardCriterion):
        return value
    text = str(value).strip()
    found = None
    if text.isdigit():
        found = MajorHazardCriterion.objects.filter(pk=int(text)).first()
    if found is None:
        found = MajorHazardCriterion.objects.filter(item=text).order_by("id").first()
    return found if found is not None else False


def clean_items(rows: list[dict]) -> list[dict]:
    """Validate item dicts (requirement, requirement_en, legal_basis, category, level, is_key)."""
    errors: dict = {}
    cleaned = []
    for index, row in enumerate(rows, start=1):
        requirement = (row.get("requirement") or "").strip()
        if not requirement:
            continue
        legal_basis = (row.get("legal_basis") or "").strip()
        category = CATEGORY_NAMES.get(
            str(row.get("category") or "").strip(), str(row.get("category") or "").strip()
        )
        level = LEVEL_NAMES.get(
            str(row.get("level") or "").strip(), str(row.get("level") or "").strip() or "general"
        )
        if not legal_basis:
            add_error(errors, "items", _("Item %(n)d: give its legal basis.") % {"n": index})
        if len(legal_basis) > 300:
            add_error(errors, "items", _("Item %(n)d: the legal basis is too long.") % {"n": index})
        if category not in HazardCategory.values:
            add_error(errors, "items", _("Item %(n)d: choose a hazard category.") % {"n": index})
        if level not in HazardLevel.values:
            add_error(errors, "items", _("Item %(n)d: choose a level.") % {"n": index})
        criterion = _criterion(row.get("criterion"))
        if criterion is False:
            add_error(
                errors, "items", _("Item %(n)d: choose an item of the criteria library.") % {"n": index}
            )
            criterion = None
        if level == HazardLevel.MAJOR and criterion is None:
            add_error(
                errors,
                "items",
                _("Item %(n)d: only an item linked to a major-hazard criterion registers a major hazard.")
                % {"n": index},
            )
        cleaned.append(
            {
                "requirement": requirement,
                "requirement_en": (row.get("requirement_en") or "").strip(),
                "legal_basis": legal_basis,
                "category": category,
                # R-INSP-5: key, and major when failed, exactly when linked to a criterion.
                "level": HazardLevel.MAJOR if criterion else HazardLevel.GENERAL,
                "is_key": criterion is not None,
                "criterion": criterion,
            }
        )
    if not cleaned and not errors:
        add_error(errors, "items", _("A checklist needs at least one item."))
    raise_if(errors)
    return cleaned


def _clean_header(data: dict, errors: dict) -> dict:
    from registry.models import Sector

    name = (data.get("name") or "").strip()
    if not name:
        add_error(errors, "name", _("This field is required."))
    sector = data.get("sector")
    if sector not in (None, "") and not isinstance(sector, Sector):
        sector = Sector.objects.filter(pk=sector).first() or Sector.objects.filter(name=sector).first()
        if sector is None:
            add_error(errors, "sector", _("Unknown sector."))
    return {
        "name": name[:120],
        "name_en": (data.get("name_en") or "").strip()[:160],
        "sector": sector or None,
        "topic": (data.get("topic") or "").strip()[:120],
        "topic_en": (data.get("topic_en") or "").strip()[:160],
        "description": (data.get("description") or "").strip(),
    }


def _write_items(template: ChecklistTemplate, items: list[dict]) -> None:
    ChecklistItem.objects.bulk_create(
        ChecklistItem(template=template, number=n, **item) for n, item in enumerate(items, start=1)
    )


@transaction.atomic
def create_template(
    *, actor, data: dict, items: list[dict], source_type: str = "", source_id=None, check_role: bool = True
) -> ChecklistTemplate:
    if check_role:
        POLICY.require(actor, "edit_templates", _("Only a district administrator edits checklist templates."))
    errors: dict = {}
    header = _clean_header(data, errors)
    raise_if(errors)
    items = clean_items(items)
    base = slugify(data.get("family") or "") or slugify(header["name_en"]) or "checklist"
    family = base[:50]
    suffix = 1
    while ChecklistTemplate.objects.filter(family=family).exists():
        suffix += 1
        family = f"{base[:45]}-{suffix}"
    template = ChecklistTemplate.objects.create(
        family=family,
        version=1,
        is_current=True,
        created_by=actor,
        source_type=source_type,
        source_id=source_id,
        change_note=_("First version"),
        **header,
    )
    _write_items(template, items)
    record(
        template, "inspections.checklist.created", actor=actor, data={"family": family, "items": len(items)}
    )
    return template


@transaction.atomic
def revise_template(
    *, actor, template: ChecklistTemplate, data: dict, items: list[dict], change_note: str = ""
) -> ChecklistTemplate:
    """Editing creates a new version; the old one stays as it was for the inspections that used it."""
    POLICY.require(actor, "edit_templates", _("Only a district administrator edits checklist templates."))
    current = (
        ChecklistTemplate.objects.select_for_update(of=("self",))
        .filter(family=template.family, is_current=True)
        .first()
    )
    if current is None or current.pk != template.pk:
        raise Conflict(_("A newer version of this checklist exists; edit that one."))
    errors: dict = {}
    header = _clean_header({**data, "family": template.family}, errors)
    raise_if(errors)
    items = clean_items(items)
    version = (
        ChecklistTemplate.objects.filter(family=template.family).aggregate(m=Max("version"))["m"] or 0
    ) + 1
    ChecklistTemplate.objects.filter(pk=current.pk).update(is_current=False)
    new = ChecklistTemplate.objects.create(
        family=template.family,
        version=version,
        is_current=True,
        created_by=actor,
        source_type=template.source_type,
        source_id=template.source_id,
        change_note=(change_note or "").strip()[:200],
        **header,
    )
    _write_items(new, items)
    record(
        new,
        "inspections.checklist.revised",
        actor=actor,
        data={
            "family": new.family,
            "from_version": current.version,
            "to_version": version,
            "items": len(items),
        },
    )
    return new


def template_rows(template: ChecklistTemplate) -> list[dict]:
    return [
        {
            "requirement": i.requirement,
            "requirement_en": i.requirement_en,
            "legal_basis": i.legal_basis,
            "category": i.category,
            "level": i.level,
            "is_key": i.is_key,
            "criterion": i.criterion_id or "",
        }
        for i in template.items.all()
    ]


def export_columns() -> list[Column]:
    labels_c = {v: k for k, v in CATEGORY_NAMES.items()}
    labels_l = {"general": "一般", "major": "重大"}
    return [
        Column("序号", lambda i: i.number, 6),
        Column("检查内容", lambda i: i.requirement, 60),
        Column("Requirement", lambda i: i.requirement_en, 60),
        Column("依据", lambda i: i.legal_basis, 40),
        Column("隐患类别", lambda i: labels_c.get(i.category, i.category), 12),
        Column("隐患等级", lambda i: labels_l.get(i.level, i.level), 10),
        Column("重点项", lambda i: "是" if i.is_key else "", 8),
        Column("重大事故隐患判定标准", lambda i: i.criterion.item if i.criterion_id else "", 14),
    ]


def read_items_file(upload) -> list[dict]:
    """Items from an .xlsx/.csv in the export's layout (headers by name, Chinese or the field codes)."""

    def columns_of(header: list[str]) -> dict[str, str]:
        by_header = {}
        for field, label in ITEM_HEADERS:
            for candidate in (label, field):
                if candidate in header:
                    by_header[field] = candidate
        if "requirement" not in by_header:
            raise InvalidInput.field("file", _("The file has no “检查内容” column."))
        return by_header

    header, rows = read_table(upload, check_header=columns_of)  # judged before the rest is parsed
    by_header = columns_of(header)
    items = []
    for row in rows:
        items.append({field: row.values.get(column, "") for field, column in by_header.items()})
        if len(items) > 500:
            raise InvalidInput.field("file", _("A checklist may have at most 500 items."))
    return items


def import_template(
    *,
    actor,
    upload,
    template: ChecklistTemplate | None = None,
    data: dict | None = None,
    change_note: str = "",
) -> ChecklistTemplate:
    """An imported file becomes a new version of `template`, or a new template named by `data`."""
    POLICY.require(actor, "edit_templates", _("Only a district administrator edits checklist templates."))
    items = read_items_file(upload)
    if template is not None:
        header = {
            "name": template.name,
            "name_en": template.name_en,
            "sector": template.sector,
            "topic": template.topic,
            "topic_en": template.topic_en,
            "description": template.description,
        }
        return revise_template(
            actor=actor,
            template=template,
            data=header,
            items=items,
            change_note=change_note or _("Imported from a spreadsheet"),
        )
    return create_template(actor=actor, data=data or {}, items=items)
