"""Small builders for the hazard tests: valid images and PDFs, hazards at a given step of the loop."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from attachments.services import store_attachment
from hazards import services
from hazards.choices import Source

PLAN = {
    "plan_goal": "消除粉尘爆炸风险",
    "plan_methods": "改造除尘系统",
    "plan_resources": "资金20万元，设备若干",
    "plan_organisation": "企业主要负责人牵头",
    "plan_schedule": "三个月内完成",
    "plan_safety": "停产整改，制定应急预案",
}


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF (uploads are parsed, issue 19)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def photo(actor, name="after.png"):
    return store_attachment(
        actor=actor, upload=SimpleUploadedFile(name, png_bytes(), content_type="image/png")
    )


def plan_document(actor):
    return store_attachment(actor=actor, upload=SimpleUploadedFile("plan.pdf", pdf_bytes()))


def reported(actor, enterprise, *, major=False, **extra):
    from hazards.models import MajorHazardCriterion

    criterion = MajorHazardCriterion.objects.get(item="IT-2") if major else None
    return services.report_hazard(
        actor=actor,
        enterprise=enterprise,
        sector=extra.pop("sector", "industry_trade"),
        title=extra.pop("title", "车间消防通道堵塞"),
        category="management",
        source=extra.pop("source", Source.GOVERNMENT_INSPECTION),
        criterion=criterion,
        **extra,
    )


def rectifying(actor, enterprise, *, major=False, deadline=None, **extra):
    hazard = reported(actor, enterprise, major=major, **extra)
    kwargs = {}
    if major:
        kwargs = {"contingency_plan": "设置警戒区", "plan": PLAN, "plan_attachments": [plan_document(actor)]}
    return services.assign_rectification(
        actor=actor,
        hazard=hazard,
        version=hazard.version,
        measures="清理通道，设置标识",
        responsible_person="张三",
        funds="500",
        deadline=deadline,
        **kwargs,
    )


def submitted(actor, enterprise, *, submitter=None, major=False, **extra):
    hazard = rectifying(actor, enterprise, major=major, **extra)
    submitter = submitter or actor
    return services.submit_rectification(
        actor=submitter,
        hazard=hazard,
        version=hazard.version,
        rectification_note="已清理完毕",
        attachments=[photo(submitter)],
    )


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def in_state(state: str, persona, enterprise, *, major=False):
    """A hazard of `enterprise` in `state`; the enterprise's own user submits, so officials may accept."""
    admin, ent = persona("admin"), persona("ent_duruan")
    if state == "reported":
        return reported(admin, enterprise, major=major)
    if state == "rectifying":
        return rectifying(admin, enterprise, major=major)
    if state == "cancelled":
        hazard = reported(admin, enterprise, major=major)
        return services.cancel_hazard(actor=admin, hazard=hazard, version=hazard.version, reason="重复")
    submitter = ent if ent.enterprise_id == enterprise.pk else persona("duruan")
    hazard = submitted(admin, enterprise, submitter=submitter, major=major)
    if state == "submitted":
        return hazard
    hazard = services.accept_rectification(actor=persona("yjj"), hazard=hazard, version=hazard.version)
    if state == "accepted":
        return hazard
    return services.close_hazard(actor=admin, hazard=hazard, version=hazard.version)
