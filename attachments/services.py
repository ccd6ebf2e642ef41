"""Storing uploads safely and linking them to records; every module reuses these two functions."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import tempfile
import unicodedata
import warnings
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attachments.imaging import ImageTooLarge, check_pixels, image_slot, reencode_image
from attachments.models import Attachment
from audit.models import AuditEvent
from audit.services import record
from core.choices import Role
from core.errors import DomainError, InvalidInput, NotAllowed, TooLarge, Unavailable

log = logging.getLogger(__name__)

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
ACCEPTED_TYPES = (JPEG, PNG, PDF)
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
CHUNK = 1024 * 1024

# Who may fetch a photo's original, with its EXIF (GPS position, device, time), besides its uploader:
# the roles that use photos as evidence for enforcement (R-HAZ acceptance, inspections, cases). The
# position and device of whoever took the photo are personal data (PIPL: minimum necessary, as R-REG-2):
# district_leader (read only), duty_officer (accident duty) and enterprise users see the stripped copy.
# Administrator roles see no business data at all. Out of scope is 404 for everyone (visible_to).
ORIGINAL_READER_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWN_OFFICER, Role.INSPECTOR}
)


class EvidenceTampered(DomainError):
    """The stored original no longer matches the SHA-256 recorded at upload: it is not served."""

    status_code = 409
    default_message = gettext_lazy(
        "The original file no longer matches the checksum recorded at upload, so it is not served. "
        "The mismatch has been recorded; ask the administrator to restore it from a backup."
    )


def sniff_content_type(upload) -> str | None:
    """The type judged by content (magic bytes, then a full decode for images), never by the name."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"%PDF-"):
        return PDF if _pdf_has_trailer(upload) and _pdf_is_plain(upload) else None
    else:
        return None
    return kind if _decodes_as_image(upload, "JPEG" if kind == JPEG else "PNG") else None


def _pdf_has_trailer(upload) -> bool:
    upload.seek(0, os.SEEK_END)
    end = upload.tell()
    upload.seek(max(0, end - 2048))
    tail = upload.read()
    upload.seek(0)
    return b"%%EOF" in tail


def _too_many_pixels() -> InvalidInput:
    return InvalidInput.field(
        "file",
        _("The photo has more than %(mpx)d million pixels; send a smaller one.")
        % {"mpx": settings.IMAGE_MAX_PIXELS // 1_000_000},
    )


# Names whose presence makes a PDF active content: scripts, launch actions, attached files, media.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/Launch", "/RichMedia"}
)
PDF_MAX_OBJECTS = 200_000


def _pdf_is_plain(upload) -> bool:
    """The file parses as a PDF (pypdf), is not encrypted, has at least one page, and nowhere in its
    object graph holds JavaScript, a launch action, embedded files or rich media."""
    import logging as _logging

    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    _logging.getLogger("pypdf").setLevel(_logging.ERROR)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted or len(reader.pages) < 1:
            return False
        seen: set[tuple[int, int]] = set()
        stack = [reader.trailer]
        visited = 0
        while stack:
            item = stack.pop()
            if isinstance(item, IndirectObject):
                ref = (item.idnum, item.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                item = item.get_object()
            visited += 1
            if visited > PDF_MAX_OBJECTS:
                return False
            if isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key in PDF_ACTIVE_KEYS or (
                        key == "/S" and value in (NameObject("/JavaScript"), NameObject("/Launch"))
                    ):
                        return False
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)
    except Exception:  # any parser error means "not a PDF we accept"
        return False
    finally:
        upload.seek(0)
    return True


def _decodes_as_image(upload, expected_format: str) -> bool:
    """Decode the whole image once — after its header's dimensions are within IMAGE_MAX_PIXELS (a pixel
    bomb is refused with a 400 before a single row is decoded)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # A decompression bomb is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    return False
                check_pixels(image, settings.IMAGE_MAX_PIXELS)
                image.load()
    except (ImageTooLarge, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels()
    except Exception:  # any decoder error means "not an image we accept"
        return False
    finally:
        upload.seek(0)
    return True


def _judge_and_reencode(upload) -> tuple[str, bytes | None]:
    """The type by content, and for a photo its re-encoded copy; inside one image slot (IMAGE_CONCURRENCY)."""
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise InvalidInput.field("file", _("Only JPEG or PNG photos and PDF documents are accepted."))
    if content_type not in IMAGE_FORMATS:
        return content_type, None
    try:
        return content_type, reencode_image(
            upload, IMAGE_FORMATS[content_type], max_pixels=settings.IMAGE_MAX_PIXELS
        )
    except Exception:  # decoded once already; anything else here is still "not a photo we can use"
        raise InvalidInput.field("file", _("The photo could not be processed."))
    finally:
        upload.seek(0)


def clean_name(raw: str) -> str:
    name = os.path.basename(str(raw or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "file"


def _coordinate(value, limit: int, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, _("Enter a number."))
    if not number.is_finite() or abs(number) > limit:
        raise InvalidInput.field(field, _("The location is out of range."))
    return number


EVIDENCE_MAC_PURPOSE = "evidence"


def _chunks(handle):
    handle.seek(0)
    yield from iter(lambda: handle.read(CHUNK), b"")
    handle.seek(0)


def evidence_mac(handle, *, algorithm: str | None = None, key_id: str | None = None):
    """(algorithm, root key id, MAC) of a file's bytes under the evidence key (core.crypto)."""
    from core.crypto import mac_chunks

    return mac_chunks(_chunks(handle), purpose=EVIDENCE_MAC_PURPOSE, algorithm=algorithm, key_id=key_id)


def _digest(handle) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


@transaction.atomic
def _taken_at(value):
    """The time the phone read from the photo's EXIF ("YYYY-MM-DDTHH:MM:SS", the camera's local time)."""
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput.field("taken_at", _("Enter a valid date and time.")) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(days=1):
        raise InvalidInput.field("taken_at", _("The time the photo was taken is in the future."))
    return moment


def store_attachment(*, actor, upload, lat=None, lng=None, taken_at=None) -> Attachment:
    """Store one uploaded file under a server-generated name (JPEG, PNG or PDF, at most UPLOAD_MAX_BYTES).

    A photo is kept twice: the uploaded bytes as the protected original (its SHA-256 is the evidence hash)
    and a re-encoded copy without metadata, which is the one served. A PDF is stored once, as uploaded.
    The location recorded is the one the uploader gave (`lat`, `lng`); the photo's own GPS stays in the
    original only. A phone that made the photo smaller first sends its EXIF time (`taken_at`) and position
    as fields, since the smaller photo carries no metadata.
    """
    if upload is None:
        raise InvalidInput.field("file", _("Choose a file."))
    size = upload.size
    if size > settings.UPLOAD_MAX_BYTES:
        raise TooLarge(
            _("The file is larger than %(limit)d MiB.")
            % {"limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise InvalidInput.field("file", _("The file is empty."))
    try:
        with image_slot(settings.IMAGE_CONCURRENCY):
            content_type, served = _judge_and_reencode(upload)
    except TimeoutError:
        raise Unavailable()
    lat_value = _coordinate(lat, 90, "lat")
    lng_value = _coordinate(lng, 180, "lng")
    taken = _taken_at(taken_at)
    sha256 = _digest(upload)
    mac_algorithm, mac_key, mac_value = evidence_mac(upload)
    attachment = Attachment(
        name=clean_name(getattr(upload, "name", "")),
        size=size,
        content_type=content_type,
        sha256=sha256,
        served_sha256=hashlib.sha256(served).hexdigest() if served is not None else sha256,
        evidence_mac=mac_value,
        mac_algorithm=mac_algorithm,
        mac_key=mac_key,
        uploaded_at=timezone.now(),
        uploaded_by=actor,
        lat=lat_value,
        lng=lng_value,
        taken_at=taken,
    )
    try:
        if served is None:
            attachment.file.save("upload", File(upload), save=False)
        else:
            attachment.original.save("upload", File(upload), save=False)
            attachment.file.save("upload", ContentFile(served), save=False)
    except OSError:  # a full disk or a broken store: a clear error, and no row without its file
        for stored in (attachment.original, attachment.file):
            if stored.name:
                with contextlib.suppress(OSError):
                    stored.storage.delete(stored.name)
        raise Unavailable()
    attachment.save()
    record(
        attachment,
        "attachments.attachment.uploaded",
        actor=actor,
        data={
            "name": attachment.name,
            "size": size,
            "content_type": content_type,
            "sha256": attachment.sha256,
            "served_sha256": attachment.served_sha256,
            "mac_algorithm": mac_algorithm,
        },
    )
    return attachment


def may_fetch_original(user, attachment: Attachment) -> bool:
    """The uploader, or a role of ORIGINAL_READER_ROLES (the caller has already checked the scope)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return attachment.uploaded_by_id == user.pk or bool(user.role_codes & ORIGINAL_READER_ROLES)


def fetch_original(*, actor, attachment: Attachment):
    """The uploaded bytes, checked against the evidence hash, as an open file; every fetch is audited.

    Call it with an attachment from `Attachment.objects.visible_to(actor)` (out of scope is 404 before
    this). A role that may not see originals gets NotAllowed (403). A file that no longer matches the
    SHA-256 recorded at upload is not served: the refusal is audited and logged, and the caller gets
    EvidenceTampered. The bytes returned are the very bytes that were checked (a private temporary copy),
    so a change after the check cannot reach the reader.
    """
    if not may_fetch_original(actor, attachment):
        raise NotAllowed(_("Only the uploader and enforcement roles may fetch the original file."))
    # Handed to the caller, who closes it (FileResponse does when the download ends).
    copy = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115
    try:
        actual = _copy_and_digest(attachment.evidence_file, copy)
        if actual != attachment.sha256:
            _refuse_original(actor, attachment, actual=actual)
        copy.seek(0)
        with transaction.atomic():
            record(
                attachment,
                "attachments.attachment.original_fetched",
                actor=actor,
                data={"sha256": attachment.sha256, "content_type": attachment.content_type},
            )
    except BaseException:
        copy.close()
        raise
    return copy


def _copy_and_digest(field_file, target) -> str | None:
    """Copy a stored file into `target` and return its SHA-256, or None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                target.write(chunk)
    except (FileNotFoundError, OSError, ValueError):
        return None
    return digest.hexdigest()


def _refuse_original(actor, attachment: Attachment, *, actual: str | None):
    problem = "missing" if actual is None else "changed"
    log.error(
        "evidence file of attachment %s is %s (recorded sha256 %s, found %s)",
        attachment.pk,
        problem,
        attachment.sha256,
        actual or "-",
    )
    with transaction.atomic():  # its own transaction: the refusal stays on record although the fetch fails
        record(
            attachment,
            "attachments.attachment.original_refused",
            actor=actor,
            outcome=AuditEvent.Outcome.FAILURE,
            data={"problem": problem, "sha256": attachment.sha256, "found": actual or ""},
        )
    if actual is None:
        raise Http404
    raise EvidenceTampered()


def link_attachments(*, actor, attachments: Iterable, owner, purpose: str) -> list[Attachment]:
    """Link the actor's own unlinked uploads (or files already on this owner for the same purpose).

    Anything else — someone else's upload, a file on another record, an unknown id — is invalid input.
    Call it inside the owner's service transaction.
    """
    ids = []
    for item in attachments:
        pk = item.pk if isinstance(item, Attachment) else item
        try:
            number = int(pk)
        except (TypeError, ValueError):
            raise InvalidInput.field("attachments", _("Unknown attachment."))
        if not 0 < number < 2**63:
            raise InvalidInput.field("attachments", _("Unknown attachment."))
        ids.append(number)
    if not ids:
        return []
    owner_type = owner._meta.label_lower
    found = {a.pk: a for a in Attachment.objects.select_for_update().filter(pk__in=ids)}
    for pk in ids:
        attachment = found.get(pk)
        usable = attachment is not None and (
            (attachment.owner_type == "" and attachment.uploaded_by_id == getattr(actor, "pk", None))
            or (
                attachment.owner_type == owner_type
                and attachment.owner_id == owner.pk
                and attachment.purpose == purpose
            )
        )
        if not usable:
            raise InvalidInput.field("attachments", _("Unknown attachment: %(id)s.") % {"id": pk})
    now = timezone.now()
    Attachment.objects.filter(pk__in=ids).update(
        owner_type=owner_type, owner_id=owner.pk, purpose=purpose, linked_at=now
    )
    return list(Attachment.objects.filter(pk__in=ids).order_by("id"))
