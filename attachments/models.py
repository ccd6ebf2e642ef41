"""Uploaded files (photos and documents) linked to any record: evidence, plans, reports."""

from __future__ import annotations

import secrets

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _generated_name(prefix: str, content_type: str) -> str:
    extension = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(content_type, "bin")
    now = timezone.now()
    return f"{prefix}/{now:%Y/%m}/{secrets.token_hex(16)}.{extension}"


def storage_name(instance, filename: str) -> str:
    """A server-generated name: the uploader's file name never reaches the storage path."""
    return _generated_name("attachments", instance.content_type)


def original_storage_name(instance, filename: str) -> str:
    """The protected original of a photo, apart from the served copies (also server-generated)."""
    return _generated_name("originals", instance.content_type)


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An unlinked file is its uploader's alone; a linked one follows its owner's scope."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = Q(owner_type="", uploaded_by=user)
        owner_types = self.exclude(owner_type="").values_list("owner_type", flat=True).distinct()
        for owner_type in owner_types:
            model = owner_model(owner_type)
            if model is None or not hasattr(model.objects, "visible_to"):
                continue
            visible = model.objects.visible_to(user).values("pk")
            q |= Q(owner_type=owner_type, owner_id__in=visible)
        return self.filter(q)

    def for_owner(self, owner, purpose: str | None = None):
        qs = self.filter(owner_type=owner._meta.label_lower, owner_id=owner.pk)
        return qs if purpose is None else qs.filter(purpose=purpose)


def owner_model(owner_type: str):
    try:
        return apps.get_model(owner_type)
    except (LookupError, ValueError):
        return None


class Attachment(models.Model):
    """One uploaded file.

    `file` is the copy that is served. For a photo it is re-encoded from the pixels (no EXIF, GPS, XMP,
    ICC or text chunks) and `original` keeps the uploaded bytes unchanged, fetched only by the roles of
    `attachments.services.ORIGINAL_READER_ROLES`. A PDF is served as uploaded and has no separate original.
    `sha256` and `size` are those of the upload (the evidence hash, recorded in the audit trail);
    `served_sha256` is the hash of `file`.
    """

    file = models.FileField(_("file"), upload_to=storage_name, max_length=200)
    original = models.FileField(
        _("original file"), upload_to=original_storage_name, max_length=200, blank=True
    )
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=40)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    served_sha256 = models.CharField(_("SHA-256 of the served copy"), max_length=64, blank=True)
    # Beside the SHA-256: a keyed MAC of the uploaded bytes (HMAC-SM3 under the SM suite), which someone
    # who rewrites both the file and its SHA-256 cannot forge without the key. Empty before issue 19.
    evidence_mac = models.CharField(max_length=64, blank=True)
    mac_algorithm = models.CharField(max_length=16, blank=True)
    mac_key = models.CharField(max_length=32, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # When the photo was taken, as the phone read it from the photo's EXIF before making it smaller (the
    # redrawn photo has none): part of the evidence record beside the server's upload time.
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    # The record it belongs to ("app_label.model", id) and what it shows there.
    owner_type = models.CharField(_("owner type"), max_length=60, blank=True)
    owner_id = models.PositiveBigIntegerField(_("owner id"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, blank=True)
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id", "purpose"], name="attachment_owner")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("attachments:download", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def evidence_file(self):
        """The uploaded bytes: the separate original of a photo, else the file itself."""
        return self.original if self.original.name else self.file

    @property
    def served_digest(self) -> str:
        return self.served_sha256 or self.sha256
