"""Storing uploads safely and linking them to records; every module reuses these two functions."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import warnings
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.models import Attachment
from audit.services import record
from core.errors import InvalidInput, TooLarge, Unavailable

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
ACCEPTED_TYPES = (JPEG, PNG, PDF)


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
        return PDF if _pdf_has_trailer(upload) else None
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


def _decodes_as_image(upload, expected_format: str) -> bool:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # A decompression bomb is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    return False
                image.load()
    except Exception:  # any decoder error means "not an image we accept"
        return False
    finally:
        upload.seek(0)
    return True


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


@transaction.atomic
def store_attachment(*, actor, upload, lat=None, lng=None) -> Attachment:
    """Store one uploaded file under a server-generated name (JPEG, PNG or PDF, at most UPLOAD_MAX_BYTES)."""
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
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise InvalidInput.field("file", _("Only JPEG or PNG photos and PDF documents are accepted."))
    lat_value = _coordinate(lat, 90, "lat")
    lng_value = _coordinate(lng, 180, "lng")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        name=clean_name(getattr(upload, "name", "")),
        size=size,
        content_type=content_type,
        sha256=digest.hexdigest(),
        uploaded_at=timezone.now(),
        uploaded_by=actor,
        lat=lat_value,
        lng=lng_value,
    )
    try:
        attachment.file.save("upload", File(upload), save=False)
    except OSError:  # a full disk or a broken store: a clear error, and no row without its file
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
        },
    )
    return attachment


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
