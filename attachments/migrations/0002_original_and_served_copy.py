import hashlib

from django.core.files.base import ContentFile
from django.db import migrations, models

import attachments.models

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def strip_stored_photos(apps, schema_editor):
    """Photos stored before this migration: the stored file becomes the original, a stripped copy is served.

    A file that is missing, or no longer matches its SHA-256, is left as it is: `evidence_check` reports it.
    """
    from attachments.imaging import reencode_image

    Attachment = apps.get_model("attachments", "Attachment")
    for row in Attachment.objects.filter(content_type__in=FORMATS, original="").iterator(chunk_size=200):
        try:
            with row.file.open("rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != row.sha256:
                    continue
                served = reencode_image(handle, FORMATS[row.content_type])
        except Exception:  # one unreadable file must not stop the upgrade
            continue
        row.original.name = row.file.name
        row.file.save("upload", ContentFile(served), save=False)
        row.served_sha256 = hashlib.sha256(served).hexdigest()
        row.save(update_fields=["file", "original", "served_sha256"])


def serve_originals_again(apps, schema_editor):
    Attachment = apps.get_model("attachments", "Attachment")
    for row in Attachment.objects.exclude(original="").iterator(chunk_size=200):
        row.file.name = row.original.name
        row.save(update_fields=["file"])


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="original",
            field=models.FileField(
                blank=True,
                max_length=200,
                upload_to=attachments.models.original_storage_name,
                verbose_name="original file",
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="served_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="SHA-256 of the served copy"),
        ),
        migrations.RunPython(strip_stored_photos, serve_originals_again, elidable=False),
    ]
