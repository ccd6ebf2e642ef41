"""Uploads: type judged by content, size limit (413), server facts kept, visibility and safe downloads."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from attachments.models import Attachment
from hazards.tests.helpers import jpeg_bytes, pdf_bytes, png_bytes, reported


def post(client, content, name="x.bin", **extra):
    return client.post(
        "/api/v1/attachments/", {"file": SimpleUploadedFile(name, content), **extra}, format="multipart"
    )


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (png_bytes(), "photo.png", "image/png"),
        (jpeg_bytes(), "photo.jpg", "image/jpeg"),
        (pdf_bytes(), "plan.pdf", "application/pdf"),
        # The name does not matter; the content does.
        (png_bytes(), "innocent.pdf", "image/png"),
        (jpeg_bytes(), "noextension", "image/jpeg"),
    ],
    ids=["png", "jpeg", "pdf", "png-named-pdf", "jpeg-without-extension"],
)
def test_accepted_types_are_judged_by_content(api_as, content, name, expected):
    response = post(api_as("inspector_duruan"), content, name)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "name", "size", "content_type"}
    assert body["content_type"] == expected and body["size"] == len(content) and body["name"] == name
    stored = Attachment.objects.get(pk=body["id"])
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.uploaded_by.username == "inspector_duruan"
    assert name not in stored.file.name  # a server-generated storage name


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png"),  # PNG magic, but no image
        (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "broken.jpg"),
        (b"%PDF-1.4 but never ends", "cut.pdf"),
        (b"GIF89a" + b"\x00" * 20, "anim.gif"),
        (b"MZ\x90\x00", "tool.exe"),
    ],
    ids=["html", "png-magic-only", "jpeg-magic-only", "pdf-without-end", "gif", "exe"],
)
def test_anything_else_is_refused_with_400(api_as, content, name):
    before = Attachment.objects.count()
    response = post(api_as("inspector_duruan"), content, name)
    assert response.status_code == 400
    assert "file" in response.json()
    assert Attachment.objects.count() == before


def test_a_gif_renamed_to_png_is_refused(api_as):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    assert post(api_as("duruan"), buffer.getvalue(), "x.png").status_code == 400


def test_a_file_over_the_limit_answers_413(api_as, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = png_bytes() + b"\x00" * 2048
    response = post(api_as("duruan"), big, "big.png")
    assert response.status_code == 413
    assert "detail" in response.json()


def test_the_phone_location_is_kept_and_checked(api_as):
    client = api_as("inspector_duruan")
    response = post(client, png_bytes(), "gps.png", lat="22.612345", lng="113.012345")
    assert response.status_code == 201
    stored = Attachment.objects.get(pk=response.json()["id"])
    assert str(stored.lat) == "22.612345" and str(stored.lng) == "113.012345"
    assert post(client, png_bytes(), "gps.png", lat="95", lng="113").status_code == 400


def test_no_credentials_answer_401(client):
    from rest_framework.test import APIClient

    assert APIClient().post("/api/v1/attachments/", {}, format="multipart").status_code == 401


def test_an_unlinked_file_is_its_uploaders_alone(api_as, as_user):
    attachment_id = post(api_as("duruan"), png_bytes(), "mine.png").json()["id"]
    response = as_user("duruan").get(f"/attachments/{attachment_id}/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    response.close()
    # The served copy is re-encoded (no metadata): the same pixels, its own recorded hash.
    assert hashlib.sha256(served).hexdigest() == Attachment.objects.get(pk=attachment_id).served_sha256
    assert Image.open(io.BytesIO(served)).getpixel((0, 0)) == (200, 30, 30)
    assert as_user("admin").get(f"/attachments/{attachment_id}/").status_code == 404
    assert api_as("admin").get(f"/api/v1/attachments/{attachment_id}/").status_code == 404


def test_a_linked_file_follows_its_hazard_and_downloads_with_safe_headers(
    api_as, as_user, persona, enterprise_in
):
    attachment_id = post(api_as("duruan"), png_bytes(), "before.png").json()["id"]
    reported(persona("duruan"), enterprise_in("duruan", "industry_trade"), attachments=[attachment_id])
    response = as_user("yjj").get(f"/attachments/{attachment_id}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "filename" in response["Content-Disposition"]
    response.close()
    download = as_user("inspector_duruan").get(f"/attachments/{attachment_id}/?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    download.close()
    assert as_user("baisha").get(f"/attachments/{attachment_id}/").status_code == 404


def test_someone_elses_upload_cannot_be_linked(api_as, persona, enterprise_in):
    from core.errors import InvalidInput

    attachment_id = post(api_as("baisha"), png_bytes(), "theirs.png").json()["id"]
    with pytest.raises(InvalidInput):
        reported(persona("duruan"), enterprise_in("duruan", "industry_trade"), attachments=[attachment_id])


def test_before_photos_cannot_be_passed_off_as_after_evidence(api_as, persona):
    """A file linked as "before" is not usable as "after" evidence on the same hazard."""
    from hazards.tests.helpers import rectifying

    client = api_as("ent_duruan")
    before = post(client, png_bytes(), "before.png").json()["id"]
    hazard = rectifying(
        persona("ent_duruan"),
        persona("ent_duruan").enterprise,
        attachments=[before],
        source="self_inspection",
    )
    response = client.post(
        f"/api/v1/hazards/{hazard.pk}/submit/",
        {"version": hazard.version, "rectification_note": "完成", "attachments": [before]},
        format="json",
    )
    assert response.status_code == 400 and "attachments" in response.json()
