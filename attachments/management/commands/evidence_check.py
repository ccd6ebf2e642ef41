"""`manage.py evidence_check`: every stored file still matches the SHA-256 recorded for it.

Both files of a photo are checked: the original (the uploaded bytes, against the evidence hash recorded
at upload) and the stripped copy that is served (against its own hash). A PDF has one file.
Exit status 1 when any file was changed or is missing, so a scheduler or an assessor sees it.
"""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from attachments.models import Attachment


def file_digest(field_file) -> str | None:
    """The SHA-256 of a stored file (an attachment's `file` or `original`), or None when it cannot be read."""
    if not field_file.name:
        return None
    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError, ValueError):
        return None
    return digest.hexdigest()


def files_to_check(attachment) -> list[tuple[str, object, str]]:
    """(which, stored file, expected SHA-256) of each file of the attachment."""
    if attachment.original.name:
        return [
            ("original", attachment.original, attachment.sha256),
            ("served", attachment.file, attachment.served_digest),
        ]
    return [("file", attachment.file, attachment.sha256)]


def mac_problem(attachment) -> str | None:
    """ "changed" when the uploaded bytes no longer match their keyed MAC (HMAC-SM3 under the SM suite):
    it catches a file rewritten together with its stored SHA-256. None when it matches or has no MAC."""
    import hmac

    from django.core.exceptions import ImproperlyConfigured

    from attachments.services import evidence_mac

    if not attachment.evidence_mac:
        return None
    field_file = attachment.evidence_file
    try:
        with field_file.open("rb") as handle:
            actual = evidence_mac(handle, algorithm=attachment.mac_algorithm, key_id=attachment.mac_key)[2]
    except (FileNotFoundError, OSError, ValueError):
        return "missing"
    except (ImproperlyConfigured, KeyError):
        return "changed"  # the key that sealed it is gone from the keyring: it can no longer be vouched for
    return None if hmac.compare_digest(actual, attachment.evidence_mac) else "changed"


def check_evidence() -> dict[str, list]:
    """Ids of attachments with a missing or changed file, and each failing file as (id, which, problem)."""
    found = {"changed": [], "missing": [], "checked": [], "files": []}
    for attachment in Attachment.objects.order_by("id").iterator(chunk_size=500):
        found["checked"].append(attachment.pk)
        for which, field_file, expected in files_to_check(attachment):
            actual = file_digest(field_file)
            problem = "missing" if actual is None else "changed" if actual != expected else None
            if problem is None:
                continue
            found["files"].append((attachment.pk, which, problem))
            if attachment.pk not in found[problem]:
                found[problem].append(attachment.pk)
        if any(pk == attachment.pk for pk, _which, _problem in found["files"]):
            continue  # already named by its SHA-256
        problem = mac_problem(attachment)
        if problem is not None:
            found["files"].append((attachment.pk, "mac", problem))
            if attachment.pk not in found[problem]:
                found[problem].append(attachment.pk)
    return found


class Command(BaseCommand):
    help = "Compare every attachment's files (original and served copy) with their stored SHA-256."

    def handle(self, *args, **options):
        found = check_evidence()
        for pk, which, problem in found["files"]:
            self.stdout.write(f"{problem.upper()} attachment {pk} ({which})")
        bad = len(found["files"])
        self.stdout.write(
            f"checked {len(found['checked'])}, changed {len(found['changed'])}, missing {len(found['missing'])}"
        )
        if bad:
            raise CommandError(f"{bad} evidence file(s) failed the integrity check")
