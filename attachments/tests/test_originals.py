"""Photos are served stripped of their metadata; the uploaded original is kept, hash-checked and role-gated."""

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import ExifTags, Image

from attachments.management.commands.evidence_check import check_evidence
from attachments.models import Attachment
from attachments.services import ORIGINAL_READER_ROLES, store_attachment
from attachments.tests.images import RED, gps_jpeg, texty_png
from audit.models import AuditEvent
from core.choices import Role
from hazards.tests.helpers import pdf_bytes, reported


def upload(client, content, name="photo.jpg"):
    response = client.post(
        "/api/v1/attachments/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return Attachment.objects.get(pk=response.json()["id"])


def body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return content


@pytest.fixture
def linked_photo(api_as, persona):
    """A GPS photo by the Duruan inspector, linked to a hazard of the Duruan enterprise user's enterprise."""
    original = gps_jpeg()
    attachment = upload(api_as("inspector_duruan"), original)
    reported(persona("inspector_duruan"), persona("ent_duruan").enterprise, attachments=[attachment.pk])
    attachment.refresh_from_db()
    return attachment, original


def test_the_served_copy_of_a_gps_photo_has_no_metadata_at_all(linked_photo, as_user):
    attachment, original = linked_photo
    served = body(as_user("duruan").get(f"/attachments/{attachment.pk}/"))
    image = Image.open(io.BytesIO(served))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0 and "exif" not in image.info
    assert not {"xmp", "icc_profile", "comment"} & set(image.info)
    for marker in (b"Exif", b"PhoneMaker", b"secret place", b"east gate"):
        assert marker not in served
    assert hashlib.sha256(served).hexdigest() == attachment.served_sha256 != attachment.sha256
    # The original keeps everything, the GPS position included.
    kept = Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert kept[ExifTags.GPS.GPSLatitude] == (22.0, 36.0, 44.4)


def test_the_exif_orientation_is_applied_before_it_is_dropped(api_as):
    attachment = upload(api_as("inspector_duruan"), gps_jpeg(orientation=6))  # "rotate 90° clockwise"
    with attachment.file.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert image.size == (20, 40)
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 180 and top[2] < 60  # the left (red) half is now on top
    assert bottom[2] > 180 and bottom[0] < 60


def test_a_png_keeps_its_format_and_loses_its_text_chunks(api_as):
    content = texty_png()
    attachment = upload(api_as("inspector_duruan"), content, "note.png")
    with attachment.file.open("rb") as handle:
        served = handle.read()
    image = Image.open(io.BytesIO(served))
    assert image.format == "PNG" and attachment.content_type == "image/png"
    assert image.text == {} and len(image.getexif()) == 0 and "exif" not in image.info
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
        assert chunk not in served
    assert image.getpixel((3, 3)) == RED
    with attachment.original.open("rb") as handle:
        assert handle.read() == content


def test_a_pdf_is_served_as_uploaded_and_has_no_separate_original(persona):
    attachment = store_attachment(
        actor=persona("inspector_duruan"), upload=SimpleUploadedFile("plan.pdf", pdf_bytes())
    )
    assert not attachment.original.name
    assert attachment.sha256 == attachment.served_sha256 == hashlib.sha256(pdf_bytes()).hexdigest()


def test_the_original_is_stored_byte_identical_under_its_own_generated_name(linked_photo):
    attachment, original = linked_photo
    assert attachment.original.name.startswith("originals/")
    assert attachment.file.name.startswith("attachments/")
    assert "photo" not in attachment.original.name
    with attachment.original.open("rb") as handle:
        assert handle.read() == original
    assert attachment.sha256 == hashlib.sha256(original).hexdigest()
    assert attachment.size == len(original)


def test_the_api_shows_neither_storage_paths_nor_the_original(linked_photo, api_as):
    attachment, _original = linked_photo
    response = api_as("inspector_duruan").get(f"/api/v1/attachments/{attachment.pk}/")
    text = response.content.decode()
    assert "originals/" not in text and attachment.file.name not in text
    hazard = api_as("admin").get(f"/api/v1/hazards/{attachment.owner_id}/").json()
    evidence = next(a for a in hazard["attachments"] if a["id"] == attachment.pk)
    assert evidence["url"] == f"/attachments/{attachment.pk}/"
    assert "originals/" not in str(hazard) and attachment.file.name not in str(hazard)


def test_the_original_reader_roles_are_the_enforcement_roles():
    assert (
        frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWN_OFFICER, Role.INSPECTOR})
        == ORIGINAL_READER_ROLES
    )


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("inspector_duruan", 200),  # the uploader (and an inspector)
        ("admin", 200),  # district_admin
        ("yjj", 200),  # department officer of the hazard's sector
        ("duruan", 200),  # town officer of the hazard's town
        ("leader", 403),  # sees the hazard, read only: the stripped copy is enough
        ("duty", 403),
        ("ent_duruan", 403),  # the hazard's own enterprise
        ("baisha", 404),  # another town
        ("sysadmin", 404),  # no business data
    ],
)
def test_only_permitted_roles_in_scope_fetch_the_original(linked_photo, as_user, persona, username, expected):
    attachment, original = linked_photo
    client = as_user(username)
    served = client.get(f"/attachments/{attachment.pk}/")
    assert served.status_code == (404 if expected == 404 else 200)
    body(served)
    before = AuditEvent.objects.filter(action="attachments.attachment.original_fetched").count()
    response = client.get(f"/attachments/{attachment.pk}/original/")
    assert response.status_code == expected
    content = body(response)
    fetched = AuditEvent.objects.filter(action="attachments.attachment.original_fetched")
    if expected == 200:
        assert content == original
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
        event = fetched.latest("id")
        assert event.actor == persona(username) and event.target_id == attachment.pk
        assert fetched.count() == before + 1
    else:
        assert fetched.count() == before
        assert b"22.0" not in content and b"PhoneMaker" not in content


def test_an_unlinked_photo_original_is_its_uploaders_alone(api_as, as_user):
    attachment = upload(api_as("duruan"), gps_jpeg())
    response = as_user("duruan").get(f"/attachments/{attachment.pk}/original/")
    assert response.status_code == 200
    body(response)
    assert as_user("admin").get(f"/attachments/{attachment.pk}/original/").status_code == 404


def test_a_tampered_original_is_refused_and_the_refusal_recorded(linked_photo, as_user, caplog):
    attachment, _original = linked_photo
    with open(attachment.original.path, "r+b") as handle:
        handle.seek(30)
        byte = handle.read(1)
        handle.seek(30)
        handle.write(bytes([byte[0] ^ 1]))
    response = as_user("admin").get(f"/attachments/{attachment.pk}/original/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/plain")
    assert "checksum" in response.content.decode() or "校验" in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.filter(action="attachments.attachment.original_refused").latest("id")
    assert event.outcome == AuditEvent.Outcome.FAILURE and event.data["problem"] == "changed"
    assert any("changed" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    # The stripped copy is a separate file and is still served.
    served = as_user("admin").get(f"/attachments/{attachment.pk}/")
    assert served.status_code == 200
    body(served)


def test_a_missing_original_is_404_and_recorded(linked_photo, as_user):
    attachment, _original = linked_photo
    attachment.original.storage.delete(attachment.original.name)
    assert as_user("admin").get(f"/attachments/{attachment.pk}/original/").status_code == 404
    event = AuditEvent.objects.filter(action="attachments.attachment.original_refused").latest("id")
    assert event.data["problem"] == "missing"


def test_the_original_of_a_pdf_is_the_file_itself(persona, as_user):
    attachment = store_attachment(
        actor=persona("inspector_duruan"), upload=SimpleUploadedFile("plan.pdf", pdf_bytes())
    )
    response = as_user("inspector_duruan").get(f"/attachments/{attachment.pk}/original/")
    assert response.status_code == 200 and body(response) == pdf_bytes()


def test_evidence_check_covers_the_original_and_the_served_copy(persona):
    actor = persona("inspector_duruan")
    changed_original, missing_original, changed_copy, kept = (
        store_attachment(actor=actor, upload=SimpleUploadedFile(f"{n}.jpg", gps_jpeg())) for n in range(4)
    )
    with open(changed_original.original.path, "r+b") as handle:
        handle.seek(0, 2)
        handle.write(b"\x00")
    missing_original.original.storage.delete(missing_original.original.name)
    with open(changed_copy.file.path, "r+b") as handle:
        handle.seek(0, 2)
        handle.write(b"\x00")

    found = check_evidence()
    assert (changed_original.pk, "original", "changed") in found["files"]
    assert (missing_original.pk, "original", "missing") in found["files"]
    assert (changed_copy.pk, "served", "changed") in found["files"]
    assert kept.pk not in found["changed"] + found["missing"]
    out = io.StringIO()
    with pytest.raises(Exception, match="3 evidence file"):
        call_command("evidence_check", stdout=out)
    assert f"MISSING attachment {missing_original.pk} (original)" in out.getvalue()


@pytest.mark.skipif(
    connection.vendor == "postgresql" and shutil.which("pg_dump") is None, reason="pg_dump is not installed"
)
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_the_original_and_the_served_copy(tmp_path):
    from accounts.models import User
    from conftest import ensure_district
    from core.backup import create_backup, restore_backup

    ensure_district()
    attachment = store_attachment(
        actor=User.objects.get(username="inspector_duruan"),
        upload=SimpleUploadedFile("gate.jpg", gps_jpeg()),
    )
    files = {
        name: (Path(settings.MEDIA_ROOT) / name).read_bytes()
        for name in (
            attachment.original.name,
            attachment.file.name,
        )
    }
    backup = create_backup(tmp_path / "backup")

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    restore_backup(backup)

    restored = Attachment.objects.get(pk=attachment.pk)
    assert restored.original.name == attachment.original.name and restored.file.name == attachment.file.name
    for name, content in files.items():
        assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == content
    found = check_evidence()
    assert attachment.pk in found["checked"] and found["files"] == []


def test_the_migration_strips_photos_stored_before_and_can_be_reversed(persona):
    """A photo stored before originals existed: its file becomes the original, a stripped copy is served."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("attachments.migrations.0002_original_and_served_copy")
    content = gps_jpeg()
    legacy = store_attachment(
        actor=persona("inspector_duruan"), upload=SimpleUploadedFile("old.jpg", content)
    )
    stored_name = legacy.original.name
    Attachment.objects.filter(pk=legacy.pk).update(file=stored_name, original="", served_sha256="")

    migration.strip_stored_photos(apps, None)

    legacy.refresh_from_db()
    assert legacy.original.name == stored_name and legacy.file.name != stored_name
    with legacy.file.open("rb") as handle:
        served = handle.read()
    assert hashlib.sha256(served).hexdigest() == legacy.served_sha256
    assert len(Image.open(io.BytesIO(served)).getexif()) == 0
    assert (legacy.pk, "original", "changed") not in check_evidence()["files"]

    migration.serve_originals_again(apps, None)
    legacy.refresh_from_db()
    assert legacy.file.name == stored_name


@pytest.mark.parametrize("username, offered", [("duruan", True), ("leader", False), ("ent_duruan", False)])
def test_the_hazard_page_offers_the_original_only_to_those_who_may_fetch_it(
    linked_photo, as_user, username, offered
):
    attachment, _original = linked_photo
    page = as_user(username).get(f"/hazards/{attachment.owner_id}/")
    assert page.status_code == 200
    assert f'/attachments/{attachment.pk}/"' in page.content.decode()  # the stripped copy, for everyone
    assert (f"/attachments/{attachment.pk}/original/" in page.content.decode()) is offered
