"""Official documents as the agency issues them (R-HAZ-13, issue 20 points 4 and 5): no internal rule id in
any printed text, numbers in the agency's form, the issuing body on its seal line, the district in the footer."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from inspections import services
from inspections.models import Inspection, InspectionTask
from inspections.tests.helpers import answer_all, campaign_data, make_enterprise
from inspections.tests.helpers import template as checklist

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


# --- R-HAZ-13: an industry department issues in its own name and number series --------------------------


def _finished(actor, enterprise) -> Inspection:
    inspection = services.start_inspection(
        actor=actor, enterprise=enterprise, template=checklist("work_at_heights")
    )
    answer_all(inspection, actor, fail_numbers=(1,), note="临边防护缺失")
    services.finish_inspection(actor=actor, inspection=inspection, version=inspection.version)
    inspection.refresh_from_db()
    return inspection


def _number(serial: str) -> int:
    return int(re.search(r"〕(\d+)号", serial).group(1))


@pytest.mark.django_db
def test_a_housing_officers_record_and_order_are_numbered_and_sealed_by_the_housing_bureau(
    as_user, persona, district, housing_officer
):
    from accounts.models import User
    from registry.models import Department, Sector

    site = make_enterprise(district["duruan"], [Sector.objects.get(code="construction")])
    year = timezone.localdate().year
    bureau = _finished(persona("admin"), site)
    own = [_finished(housing_officer, site) for _ in range(2)]
    assert [i.order_serial for i in own] == [f"蓬住建责改〔{year}〕1号", f"蓬住建责改〔{year}〕2号"]
    assert [i.record_serial for i in own] == [f"蓬住建检记〔{year}〕1号", f"蓬住建检记〔{year}〕2号"]
    assert {i.issuing_department.code for i in own} == {"housing"}
    # The bureau's series goes on as if the department's numbers did not exist.
    following = _finished(persona("admin"), site)
    assert _number(following.order_serial) == _number(bureau.order_serial) + 1
    assert _number(following.record_serial) == _number(bureau.record_serial) + 1
    assert following.order_serial.startswith("蓬应急责改") and following.issuing_department is None
    # The order names the body that issued it, even after its inspector moves department.
    User.objects.filter(pk=housing_officer.pk).update(department=Department.objects.get(code="emergency"))
    order = _text(
        as_user("admin").get(f"/inspections/records/{own[0].pk}/order.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans")
    )
    assert "下达单位（盖章）：江门市蓬江区住房和城乡建设局" in order and own[0].order_serial in order
    assert "江门市蓬江区应急管理局" not in order
    record = _text(
        as_user("admin").get(f"/inspections/records/{own[0].pk}/record.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans")
    )
    assert own[0].record_serial in record


@pytest.mark.django_db
def test_a_department_without_its_own_abbreviation_inspects_in_the_bureaus_series(
    as_user, persona, district, housing_officer
):
    from registry.models import Department, Sector

    Department.objects.filter(code="housing").update(document_abbreviation="")
    housing_officer.refresh_from_db()
    site = make_enterprise(district["duruan"], [Sector.objects.get(code="construction")])
    before = _finished(persona("admin"), site)
    inspection = _finished(housing_officer, site)
    assert inspection.order_serial.startswith("蓬应急责改") and inspection.issuing_department is None
    assert _number(inspection.order_serial) == _number(before.order_serial) + 1
    order = _text(
        as_user("admin").get(
            f"/inspections/records/{inspection.pk}/order.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    )
    assert "下达单位（盖章）：江门市蓬江区应急管理局" in order
