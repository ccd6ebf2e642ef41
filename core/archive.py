"""Documents written once per period and kept in the archive (the periodic reports, the hazard statistics
tables).

A periodic job asks `make_once` for each subject and period: the row is created under the model's unique
constraint, so a second run, or a second worker, adds nothing and renders nothing; the documents are then
rendered and kept with `store_documents`, and served to whoever may read the row with `document_response`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def make_once(model, *, lookup: dict, values: Callable[[], dict]):
    """The row of one subject and period, created once; None when it exists already (the figures in
    `values()` are only read when the row is missing). The unique constraint decides a race."""
    if model._default_manager.filter(**lookup).exists():
        return None
    fields = values()
    try:
        with transaction.atomic():
            return model._default_manager.create(**lookup, **fields)
    except IntegrityError:
        return None  # another worker made it first


def store_documents(obj, stem: str, documents: dict[str, bytes]) -> None:
    """Keep each rendered document in the file field named like its format (`pdf`, `docx`, `xlsx`)."""
    for fmt, content in documents.items():
        getattr(obj, fmt).save(f"{stem}.{fmt}", ContentFile(content), save=False)
    obj.save(update_fields=list(documents))


def document_response(obj, fmt: str) -> FileResponse:
    """Download one kept document of a row the caller has already read through its scope gate."""
    stored = getattr(obj, fmt, None) if fmt in CONTENT_TYPES else None
    if not stored:
        raise Http404
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=stored.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[fmt],
    )
