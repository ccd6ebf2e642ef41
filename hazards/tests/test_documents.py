"""PDFs (rectification notice, acceptance record) carry the Chinese text and serials; the ledger too."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from hazards import services
from hazards.tests.helpers import in_state, rectifying, submitted


def text_of(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def test_the_rectification_notice_contains_the_chinese_facts_and_a_serial(as_user, persona):
    enterprise = persona("ent_duruan").enterprise
    hazard = rectifying(persona("duruan"), enterprise, title="车间消防通道堵塞")
    assert re.fullmatch(r"蓬应急隐改〔20\d\d〕[1-9]\d*号", hazard.notice_serial)
    client = as_user("duruan")
    client.cookies["django_language"] = "zh-hans"
    text = text_of(client.get(f"/hazards/{hazard.pk}/notice.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    for expected in [
        "车间消防通道堵塞",
        enterprise.name.replace(" ", ""),
        "清理通道，设置标识",
        "张三",
        hazard.notice_serial,
    ]:
        assert expected in text, expected
    assert "整改通知书" in text
    # The issuing body is named on its seal line, and the footer names the district, not the software.
    assert "下达单位（盖章）：江门市蓬江区应急管理局" in text
    assert "Redline" not in text and "蓬江区" in text


def test_the_acceptance_record_exists_once_accepted(as_user, persona):
    enterprise = persona("ent_duruan").enterprise
    hazard = in_state("accepted", persona, enterprise)
    assert re.fullmatch(r"蓬应急隐验〔20\d\d〕[1-9]\d*号", hazard.acceptance_serial)
    client = as_user("duruan")
    text = text_of(client.get(f"/hazards/{hazard.pk}/acceptance.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "验收" in text and "已清理完毕" in text and hazard.acceptance_serial in text
    assert "整改后照片" in text  # the after-photo is printed under its heading
    response = client.get(f"/hazards/{hazard.pk}/acceptance.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans")
    reader = PdfReader(io.BytesIO(response.content))
    assert any(page.images for page in reader.pages)
    pending = in_state("rectifying", persona, enterprise)
    assert client.get(f"/hazards/{pending.pk}/acceptance.pdf").status_code == 404


def test_serials_increase_without_duplicates(persona):
    enterprise = persona("ent_duruan").enterprise
    serials = [rectifying(persona("duruan"), enterprise).notice_serial for _ in range(3)]
    assert len(set(serials)) == 3
    numbers = [int(re.search(r"〕(\d+)号", s).group(1)) for s in serials]
    assert sorted(numbers) == numbers


def test_documents_of_another_town_are_404(as_user, persona):
    hazard = in_state("accepted", persona, persona("ent_duruan").enterprise)
    for url in (f"/hazards/{hazard.pk}/notice.pdf", f"/hazards/{hazard.pk}/acceptance.pdf"):
        assert as_user("baisha").get(url).status_code == 404
        assert as_user("ent_duruan").get(url).status_code == 200


def test_the_ledger_numbers_its_rows_1_to_n_and_shows_each_hazards_own_number(as_user):
    from openpyxl import load_workbook

    response = as_user("duruan").get("/hazards/?export=xlsx&sort=reported")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    response.close()
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "隐患编号")
    assert [r[0] for r in rows[1:]] == list(range(1, len(rows)))
    assert len(rows) > 2


def test_lists_and_detail_show_the_hazard_number(as_user, persona):
    hazard = rectifying(persona("duruan"), persona("ent_duruan").enterprise, title="编号可见的隐患")
    client = as_user("duruan")
    listing = client.get("/hazards/?q=编号可见的隐患").content.decode()
    assert f'data-testid="hazard-number">隐患编号 {hazard.pk}<' in listing
    detail = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert f'data-testid="hazard-number">{hazard.pk}<' in detail and hazard.notice_serial in detail


# --- R-HAZ-13: an industry department issues in its own name and number series --------------------------


@pytest.fixture
def building_site(district):
    from registry.models import Enterprise

    return Enterprise.objects.filter(sectors__code="construction").order_by("id").first()


def _number(serial: str) -> int:
    return int(re.search(r"〕(\d+)号", serial).group(1))


def test_a_housing_officers_notice_is_numbered_and_sealed_by_the_housing_bureau(
    as_user, persona, housing_officer, building_site
):
    year = timezone.localdate().year
    bureau = rectifying(persona("admin"), building_site, sector="construction").notice_serial
    own = [
        rectifying(housing_officer, building_site, sector="construction", title=f"脚手架缺陷{n}")
        for n in (1, 2)
    ]
    assert [h.notice_serial for h in own] == [f"蓬住建隐改〔{year}〕1号", f"蓬住建隐改〔{year}〕2号"]
    assert {h.notice_department.code for h in own} == {"housing"}
    # The bureau's series goes on as if the department's numbers did not exist.
    following = rectifying(persona("admin"), building_site, sector="construction")
    assert following.notice_serial == f"蓬应急隐改〔{year}〕{_number(bureau) + 1}号"
    assert following.notice_department is None
    # The document names the body that issued it, even after its officer moves department.
    from accounts.models import User
    from registry.models import Department

    User.objects.filter(pk=housing_officer.pk).update(department=Department.objects.get(code="emergency"))
    text = text_of(as_user("admin").get(f"/hazards/{own[0].pk}/notice.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "下达单位（盖章）：江门市蓬江区住房和城乡建设局" in text and own[0].notice_serial in text
    assert "江门市蓬江区应急管理局" not in text
    page = as_user("admin").get(f"/hazards/{own[0].pk}/").content.decode()
    assert own[0].notice_serial in page


def test_a_housing_officers_acceptance_record_is_numbered_in_the_housing_series(
    persona, housing_officer, building_site
):
    hazard = submitted(persona("admin"), building_site, sector="construction")
    hazard = services.accept_rectification(actor=housing_officer, hazard=hazard, version=hazard.version)
    assert hazard.acceptance_serial == f"蓬住建隐验〔{timezone.localdate().year}〕1号"
    assert hazard.acceptance_department.code == "housing"
    assert hazard.notice_serial.startswith("蓬应急隐改") and hazard.notice_department is None


def test_a_department_without_its_own_abbreviation_issues_in_the_bureaus_series(
    as_user, persona, housing_officer, building_site
):
    from registry.models import Department

    Department.objects.filter(code="housing").update(document_abbreviation="")
    housing_officer.refresh_from_db()
    before = rectifying(persona("admin"), building_site, sector="construction").notice_serial
    hazard = rectifying(housing_officer, building_site, sector="construction")
    assert hazard.notice_serial == before.replace(f"〕{_number(before)}号", f"〕{_number(before) + 1}号")
    assert hazard.notice_department is None
    text = text_of(as_user("admin").get(f"/hazards/{hazard.pk}/notice.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "下达单位（盖章）：江门市蓬江区应急管理局" in text


def test_the_bureaus_own_abbreviation_keeps_its_one_series(persona, building_site):
    """The emergency bureau's department with the bureau's abbreviation: one series, never two counters."""
    from registry.models import Department

    Department.objects.filter(code="emergency").update(document_abbreviation="蓬应急")
    enterprise = persona("ent_duruan").enterprise
    before = rectifying(persona("admin"), enterprise).notice_serial
    hazard = rectifying(persona("yjj"), enterprise)
    assert _number(hazard.notice_serial) == _number(before) + 1
    assert hazard.notice_serial.startswith("蓬应急隐改") and hazard.notice_department is None
