"""Files a page receives with a form: each stored through `store_attachment` (type sniffed, re-encoded,
its evidence digest kept) before the form's service links them to their record."""

from __future__ import annotations

from django import forms

from attachments.models import Attachment
from attachments.services import store_attachment
from core.errors import DomainError, InvalidInput
from core.views import domain_error_text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several PDF documents (or scans) chosen at once; the page stores them, the service gets their ids."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def store_uploads(actor, files, field: str, *, lat=None, lng=None) -> list[Attachment]:
    """Store every file or none of the form's: the first refused file is refused on `field`, named."""
    stored = []
    for upload in files:
        try:
            stored.append(store_attachment(actor=actor, upload=upload, lat=lat, lng=lng))
        except DomainError as exc:
            raise InvalidInput.field(field, f"{upload.name}: {domain_error_text(exc, ' ')}") from None
    return stored
