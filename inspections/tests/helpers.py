"""Small builders for the inspection tests (the demo district provides towns, sectors and personas)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from inspections.models import ChecklistTemplate
from registry.models import Enterprise
from registry.validators import credit_check_char

_serial = itertools.count(1)


def credit_code() -> str:
    first = f"91440703MA{next(_serial):07d}"
    return first + credit_check_char(first)


def make_enterprise(town, sectors, *, name=None, sub_sector="", business_scope="") -> Enterprise:
    enterprise = Enterprise.objects.create(
        name=name or f"测试企业{next(_serial)}有限公司",
        credit_code=credit_code(),
        town=town,
        sub_sector=sub_sector,
        business_scope=business_scope,
        address="测试路1号",
    )
    enterprise.sectors.set(sectors)
    return enterprise


def template(family="confined_space") -> ChecklistTemplate:
    return ChecklistTemplate.objects.current().get(family=family)


def campaign_data(towns, sectors=("confined_space",), family="confined_space", **extra) -> dict:
    today = timezone.localdate()
    return {
        "name": "测试专项整治",
        "goal": "排查测试",
        "sectors": list(sectors),
        "towns": [t.pk for t in towns],
        "start_date": today,
        "end_date": today + dt.timedelta(days=30),
        "template": template(family),
        **extra,
    }


def answer_all(inspection, actor, *, fail_numbers=(), note="现场问题"):
    from inspections import services

    for row in inspection.results.select_related("item"):
        failed = row.item.number in fail_numbers
        services.save_item_result(
            actor=actor,
            inspection=inspection,
            item_id=row.item_id,
            result="fail" if failed else "pass",
            note=note if failed else "",
        )
    services.update_inspection_details(actor=actor, inspection=inspection, place="一号车间")
    inspection.refresh_from_db()
