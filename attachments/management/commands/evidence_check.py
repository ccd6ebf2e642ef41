"""`manage.py evidence_check`: every stored file still matches the SHA-256 recorded at upload.

Exit status 1 when any file was changed or is missing, so a scheduler or an assessor sees it.
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from attachments.models import Attachment


def file_digest(attachment) -> str | None:
    """The SHA-256 of the stored file, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError, ValueError):
        return None
    return digest.hexdigest()


def check_evidence() -> dict[str, list[int]]:
    """Ids of attachments whose file is missing or differs from the stored digest."""
    found = {"changed": [], "missing": [], "checked": []}
    for attachment in Attachment.objects.order_by("id").iterator(chunk_size=500):
        found["checked"].append(attachment.pk)
        actual = file_digest(attachment)
        if actual is None:
            found["missing"].append(attachment.pk)
        elif actual != attachment.sha256:
            found["changed"].append(attachment.pk)
    return found


class Command(BaseCommand):
    help = "Compare every attachment's stored SHA-256 with its file; report changed or missing files."

    def handle(self, *args, **options):
        found = check_evidence()
        for pk in found["changed"]:
            self.stdout.write(f"CHANGED attachment {pk}")
        for pk in found["missing"]:
            self.stdout.write(f"MISSING attachment {pk}")
        bad = len(found["changed"]) + len(found["missing"])
        self.stdout.write(
            f"checked {len(found['checked'])}, changed {len(found['changed'])}, missing {len(found['missing'])}"
        )
        if bad:
            raise CommandError(f"{bad} evidence file(s) failed the integrity check")
