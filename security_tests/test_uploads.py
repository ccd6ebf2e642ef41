"""Uploads: size limit, server names, safe serving through the authorizing view, disk full."""

import errno
import hashlib

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from attachments.models import Attachment
from attachments.services import link_attachments, store_attachment
from hazards.tests.helpers import png_bytes, reported


def upload(client, content, name="photo.png"):
    return client.post(
        "/api/v1/attachments/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )


def test_an_oversized_upload_is_refused_with_413_and_stores_nothing(api_as, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    before = Attachment.objects.count()
    response = upload(api_as("inspector_duruan"), png_bytes() + b"\x00" * 2048)
    assert response.status_code == 413
    assert Attachment.objects.count() == before


def test_storage_name_is_generated_and_the_file_is_served_only_with_safe_headers(
    api_as, as_user, persona, enterprise_in
):
    response = upload(api_as("inspector_duruan"), png_bytes(), name="../../etc/passwd.png")
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    hazard = reported(persona("inspector_duruan"), enterprise_in("duruan"))
    link_attachments(
        actor=persona("inspector_duruan"), attachments=[attachment], owner=hazard, purpose="before"
    )

    served = as_user("duruan").get(f"/attachments/{attachment.pk}/")
    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]
    assert served["Content-Type"] == "image/png"
    # The served copy is the re-encoded photo (no metadata), with its own recorded hash; the upload's own
    # bytes stay in the protected original (attachments/tests/test_originals.py).
    assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == attachment.served_sha256
    served.close()
    for other in ("baisha", "ent_duruan"):  # another town; an enterprise the hazard is not about
        if hazard.enterprise_id == persona(other).enterprise_id:
            continue
        refused = as_user(other).get(f"/attachments/{attachment.pk}/")
        assert refused.status_code == 404
        assert api_as(other).get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.security
def test_disk_full_while_saving_gives_a_clear_error_and_no_orphan_row(api_as, monkeypatch, security_figures):
    def full(self, name, content, max_length=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "save", full)
    before = Attachment.objects.count()
    response = upload(api_as("inspector_duruan"), png_bytes())
    assert response.status_code == 503
    assert "file" in response.json() or "detail" in response.json()
    assert Attachment.objects.count() == before
    monkeypatch.undo()
    assert upload(api_as("inspector_duruan"), png_bytes()).status_code == 201  # recovers by itself
    security_figures.setdefault("faults", {"goal": "every fault survived", "met": True})
    security_figures["faults"]["disk_full_upload"] = "survived"


def test_store_attachment_keeps_no_row_when_the_disk_is_full(persona, monkeypatch):
    monkeypatch.setattr(
        FileSystemStorage, "save", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full"))
    )
    before = Attachment.objects.count()
    with pytest.raises(Exception) as caught:
        store_attachment(actor=persona("inspector_duruan"), upload=SimpleUploadedFile("a.png", png_bytes()))
    assert getattr(caught.value, "status_code", None) == 503
    assert Attachment.objects.count() == before


@pytest.mark.security
def test_a_gps_photo_is_served_stripped_and_its_original_only_to_permitted_roles(
    api_as, as_user, persona, security_figures
):
    """The served copy has no EXIF at all; the byte-identical original (GPS included) only reaches the
    uploader and the enforcement roles in scope (attachments.services.ORIGINAL_READER_ROLES)."""
    import io

    from PIL import Image

    from attachments.tests.images import gps_jpeg

    content = gps_jpeg()
    response = upload(api_as("inspector_duruan"), content, name="gate.jpg")
    attachment = Attachment.objects.get(pk=response.json()["id"])
    reported(persona("inspector_duruan"), persona("ent_duruan").enterprise, attachments=[attachment.pk])

    def fetch(name, url):
        reply = as_user(name).get(url)
        data = b"".join(reply.streaming_content) if reply.streaming else reply.content
        reply.close()
        return reply.status_code, data

    status, served = fetch("leader", f"/attachments/{attachment.pk}/")
    image = Image.open(io.BytesIO(served))
    assert status == 200 and len(image.getexif()) == 0 and "exif" not in image.info
    original = f"/attachments/{attachment.pk}/original/"
    outcomes = {name: fetch(name, original) for name in ("inspector_duruan", "admin", "leader", "baisha")}
    assert outcomes["inspector_duruan"] == (200, content) and outcomes["admin"] == (200, content)
    assert outcomes["leader"][0] == 403
    assert outcomes["baisha"][0] == 404 and fetch("baisha", f"/attachments/{attachment.pk}/")[0] == 404
    security_figures["upload_metadata"] = {
        "served_exif_tags": len(image.getexif()),
        "original_identical": outcomes["admin"][1] == content,
        "goal": "served copies carry no EXIF; originals only to permitted roles in scope",
        "met": len(image.getexif()) == 0 and outcomes["admin"][1] == content,
    }
