"""Official documents as the agency issues them (R-HAZ-13, issue 20 points 4 and 5): no internal rule id in
any printed text, numbers in the agency's form, the issuing body on its seal line, the district in the footer."""

import io
import re

import pytest
from pypdf import PdfReader

from inspections import services
from inspections.models import InspectionTask
from inspections.tests.helpers import answer_all, campaign_data

RULE_ID = re.compile(r"R-[A-Z]{2,6}-\d+")


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")


@pytest.mark.django_db
def test_inspection_documents_cite_laws_not_rule_ids_and_carry_official_numbers(as_user, persona, district):
    admin, inspector = persona("admin"), persona("inspector_duruan")
    campaign = services.launch_campaign(actor=admin, data=campaign_data([district["duruan"]]))
    services.assign_tasks(
        actor=admin, campaign=campaign, deadline=campaign.end_date, inspectors=[inspector.pk]
    )
    task = InspectionTask.objects.filter(campaign=campaign).order_by("id").first()
    inspection = services.start_inspection(actor=inspector, task=task)
    # Every item fails, so every shipped legal basis is printed on the order.
    answer_all(inspection, inspector, fail_numbers=tuple(range(1, 100)), note="现场发现")
    services.finish_inspection(actor=inspector, inspection=inspection, version=inspection.version)
    inspection.refresh_from_db()
    assert re.fullmatch(r"蓬应急责改〔20\d\d〕[1-9]\d*号", inspection.order_serial)
    assert re.fullmatch(r"蓬应急检记〔20\d\d〕[1-9]\d*号", inspection.record_serial)
    client = as_user("duruan")
    base = f"/inspections/records/{inspection.pk}"
    for kind in ("record", "order"):
        text = _text(client.get(f"{base}/{kind}.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
        assert not RULE_ID.search(text), (kind, RULE_ID.findall(text))
        assert "Redline" not in text, kind
    order = _text(client.get(f"{base}/order.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert inspection.order_serial in order
    assert "下达单位（盖章）：江门市蓬江区应急管理局" in order
    assert "第十五条" in order  # the treatment plan's article, where a rule id stood


@pytest.mark.django_db
def test_checklist_pages_show_no_rule_ids(as_user):
    from inspections.models import ChecklistTemplate

    client = as_user("inspector_duruan")
    for template in ChecklistTemplate.objects.filter(is_current=True):
        response = client.get(f"/inspections/checklists/{template.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert not RULE_ID.search(page), (template.family, RULE_ID.findall(page))
        assert "first version" not in page
