"""Evidence integrity: `manage.py evidence_check` flags a changed or missing file (a photo's original too)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from attachments.management.commands.evidence_check import check_evidence
from attachments.services import store_attachment
from hazards.tests.helpers import jpeg_bytes, pdf_bytes, png_bytes


@pytest.mark.security
def test_evidence_check_flags_changed_and_missing_files(persona, security_figures):
    actor = persona("inspector_duruan")
    kept, changed, missing, original_changed = (
        store_attachment(actor=actor, upload=SimpleUploadedFile(name, content))
        for name, content in (
            ("a.png", png_bytes()),
            ("b.jpg", jpeg_bytes()),
            ("c.pdf", pdf_bytes()),
            ("d.jpg", jpeg_bytes()),
        )
    )
    call_command("evidence_check", stdout=io.StringIO())  # all intact: exit 0

    with open(changed.file.path, "r+b") as handle:  # one byte of the evidence altered
        handle.seek(20)
        byte = handle.read(1)
        handle.seek(20)
        handle.write(bytes([byte[0] ^ 1]))
    missing.file.storage.delete(missing.file.name)
    with open(original_changed.original.path, "ab") as handle:  # the protected original of a photo
        handle.write(b"\x00")

    found = check_evidence()
    assert changed.pk in found["changed"] and missing.pk in found["missing"]
    assert (original_changed.pk, "original", "changed") in found["files"]
    assert kept.pk not in found["changed"] + found["missing"]
    with pytest.raises(CommandError, match="3 evidence file"):
        call_command("evidence_check", stdout=io.StringIO())
    tampered = {changed.pk, missing.pk, original_changed.pk}
    security_figures["evidence_integrity"] = {
        "tampered_detected": len(tampered & set(found["changed"] + found["missing"])),
        "tampered": len(tampered),
        "false_alarms": 0 if kept.pk not in found["changed"] + found["missing"] else 1,
        "goal": "every changed or missing file flagged, none else",
        "met": True,
    }
