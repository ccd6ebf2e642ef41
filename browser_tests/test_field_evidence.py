"""Evidence is never lost without a word, on a 390 px phone (issue 20, point 1).

A checklist photo the server refuses shows its error and leaves no file name behind that looks attached; a
hazard form refused for another field keeps the photo already chosen, and the next round attaches it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import DEMO_PASSWORD, shot

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def _log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()


def _photo(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (64, 48), (30, 120, 200)).save(path, "JPEG")
    return path


def _inspection():
    from accounts.models import User
    from inspections import services
    from inspections.models import ChecklistTemplate

    inspector = User.objects.get(username="inspector_duruan")
    enterprise = User.objects.get(username="ent_duruan").enterprise
    template = ChecklistTemplate.objects.filter(is_current=True, family="confined_space").first()
    return services.start_inspection(actor=inspector, enterprise=enterprise, template=template)


def test_a_refused_checklist_photo_shows_its_error_and_is_not_shown_as_attached(site, new_page, tmp_path):
    inspection = _inspection()
    bad = tmp_path / "not-a-photo.jpg"
    bad.write_bytes(b"this is a text file, not a photo")
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    item = page.locator("section[id^=item-]").first
    photo_input = item.locator("input[type=file][name=file]")
    with page.expect_response(lambda r: "/photo/" in r.url) as answer:
        photo_input.set_input_files(str(bad))
    assert answer.value.status == 400
    alert = item.locator("[id^=photos-] [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("JPEG")
    assert photo_input.evaluate("el => el.files.length") == 0
    assert item.locator("[id^=photos-] img").count() == 0
    shot(page, "phone", "field-photo-refused")

    # A good photo afterwards is attached, and the error goes away.
    with page.expect_response(lambda r: "/photo/" in r.url) as answer:
        photo_input.set_input_files(str(_photo(tmp_path / "good.jpg")))
    assert answer.value.status == 200
    expect(item.locator("[id^=photos-] img")).to_have_count(1)
    expect(alert).to_have_count(0)


def test_a_hazard_form_error_keeps_the_chosen_photo(site, new_page, tmp_path):
    from accounts.models import User
    from attachments.models import Attachment
    from hazards.models import Hazard

    enterprise = User.objects.get(username="ent_duruan").enterprise
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/hazards/new/")
    form = page.get_by_test_id("hazard-form")
    form.get_by_label("企业", exact=True).select_option(str(enterprise.pk))
    form.locator("input[type=file][name=photos]").set_input_files(str(_photo(tmp_path / "before.jpg")))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()  # no title: refused
    form = page.get_by_test_id("hazard-form")
    expect(form.get_by_test_id("field-error").first).to_be_visible()
    kept = form.get_by_test_id("kept-photos")
    expect(kept.locator("img")).to_have_count(1)
    expect(kept.get_by_role("checkbox")).to_be_checked()
    shot(page, "phone", "hazard-form-photo-kept")
    form.get_by_label("隐患名称", exact=True).fill("消防通道堆放杂物")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    hazard = Hazard.objects.get(title="消防通道堆放杂物")
    assert page.url.endswith(f"/hazards/{hazard.pk}/")
    expect(page.get_by_test_id("evidence").locator("img")).to_have_count(1)
    assert Attachment.objects.for_owner(hazard, "before").count() == 1
