"""Photos are made smaller on the phone before they are sent or queued (issue 20, offline capture): a large
photo arrives with its long side at most 1920 px and fewer bytes, and the time and position it was taken at,
read from its EXIF on the phone, stay on the evidence record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.test_field_evidence import _inspection, _log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def _large_photo(path):
    from PIL import Image

    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0132] = "2026:12:01 09:30:15"
    exif.get_ifd(0x8769)[0x9003] = "2026:12:01 09:30:15"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (22.0, 35.0, 24.0), 3: "E", 4: (113.0, 4.0, 48.0)})
    image.save(path, "JPEG", quality=95, exif=exif)
    return path


def test_a_large_photo_arrives_smaller_with_its_time_and_place_kept(site, new_page, tmp_path):
    from PIL import Image

    from attachments.models import Attachment

    inspection = _inspection()
    row = inspection.results.order_by("item__number").first()
    original = _large_photo(tmp_path / "pump-room.jpg")
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    item = page.locator(f"#item-{row.item_id}")
    with page.expect_response(lambda r: "/photo/" in r.url and r.request.method == "POST"):
        item.locator("input[type=file][name=file]").set_input_files(str(original))
    expect(item.locator(f"#photos-{row.item_id} img")).to_have_count(1)

    photo = Attachment.objects.get(owner_type="inspections.itemresult", owner_id=row.pk)
    assert photo.size < original.stat().st_size / 2
    with photo.original.open("rb") as handle:
        width, height = Image.open(handle).size
    assert max(width, height) == 1920 and (width, height) == (1920, 1440)
    assert photo.taken_at == timezone.make_aware(dt.datetime(2026, 12, 1, 9, 30, 15))
    assert abs(float(photo.lat) - 22.59) < 0.001 and abs(float(photo.lng) - 113.08) < 0.001
    assert page.js_errors == []
