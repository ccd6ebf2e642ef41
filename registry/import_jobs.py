"""The import as background jobs: stage the file, preview it, confirm it once (issue 17).

The file is staged in the configured storage (object storage when set) and only the preview job's id is
kept in the user's session, so a preview made on one app server is confirmed on another. A file of at most
IMPORT_DIRECT_BYTES and IMPORT_DIRECT_CELLS cells (counted before anything parses it) runs inline, in the
request; any other waits for a runner and the page polls.
Confirming takes the preview by a conditional update: a second confirmation is a 409 and imports nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from core.background import run_inline, stage_upload, start_job
from core.errors import Conflict, InvalidInput, TooLarge
from core.models import BackgroundJob
from core.tabular import count_cells
from registry.import_results import ImportResult
from registry.importer import check_can_import
from registry.ledger_import import workbook_cells

KIND = "registry.import"


def is_small(upload) -> bool:
    """Whether the import may run in the request: few bytes and few cells. The cells decide too, because a
    highly compressible .xlsx under the byte limit can hold hundreds of thousands of them, and a request
    must not hold a worker for the minutes those take (issue 17)."""
    if (upload.size or 0) > settings.IMPORT_DIRECT_BYTES:
        return False
    return _few_cells(upload)


def _few_cells(upload) -> bool:
    # The first sheet (or the CSV), then every sheet: a workbook's ledger sheets are imported too (R-REG-4).
    limit = settings.IMPORT_DIRECT_CELLS
    return (
        count_cells(upload, stop_after=limit) <= limit and workbook_cells(upload, stop_after=limit) <= limit
    )


def _staged_is_small(name: str) -> bool:
    if default_storage.size(name) > settings.IMPORT_DIRECT_BYTES:
        return False  # not even opened: a large file may live in object storage
    with default_storage.open(name, "rb") as staged:
        return _few_cells(staged)


def start_import(*, actor, upload, mode: str = "all_or_nothing", dry_run: bool, inline: bool | None = None):
    """Stage the upload and run (small) or queue (large) its import; returns the job."""
    check_can_import(actor)
    if mode not in ("all_or_nothing", "valid_rows"):
        raise InvalidInput.field("mode", _("Choose all_or_nothing or valid_rows."))
    if (upload.size or 0) > settings.IMPORT_MAX_BYTES:  # refused before anything is staged
        raise TooLarge(_("The file is larger than the import limit."))
    inline = is_small(upload) if inline is None else inline
    job = start_job(
        actor=actor,
        kind=KIND,
        params={
            "mode": mode,
            "dry_run": dry_run,
            "source_name": (upload.name or "")[:200],
            "quiet": inline,
            "next_url": reverse("registry:enterprise_import" if dry_run else "registry:enterprise_list"),
        },
        staged_file=stage_upload(upload, prefix="imports"),
        dispatch=not inline,
    )
    if inline:
        run_inline(job)
    return job


def confirm_import(*, actor, preview_id: int, mode: str):
    """Apply a previewed file once. Another user's preview → 404; already confirmed or not ready → 409."""
    check_can_import(actor)
    if mode not in ("all_or_nothing", "valid_rows"):
        raise InvalidInput.field("mode", _("Choose all_or_nothing or valid_rows."))
    preview = get_object_or_404(BackgroundJob, pk=preview_id, owner=actor, kind=KIND)
    if not preview.params.get("dry_run") or preview.state != BackgroundJob.State.DONE:
        raise Conflict(_("The preview is not ready."))
    if preview.consumed_by is not None:  # its staged file may be gone already; the update below still decides
        raise Conflict(_("This file has already been imported."))
    inline = _staged_is_small(preview.staged_file)
    with transaction.atomic():
        job = start_job(
            actor=actor,
            kind=KIND,
            params={
                "mode": mode,
                "dry_run": False,
                "source_name": preview.params.get("source_name", ""),
                "preview": preview.pk,
                "quiet": inline,
                "next_url": reverse("registry:enterprise_list"),
            },
            staged_file=preview.staged_file,
            dispatch=not inline,
        )
        taken = BackgroundJob.objects.filter(pk=preview.pk, consumed_by__isnull=True).update(
            consumed_by=job.pk
        )
        if not taken:
            raise Conflict(_("This file has already been imported."))
    if inline:
        run_inline(job)
    return job


def result_of(job) -> ImportResult | None:
    """The import's result as the importer gave it (a finished job's summary), or None."""
    if job.state != BackgroundJob.State.DONE or "created" not in job.summary:
        return None
    return ImportResult.from_summary(job.summary)


def discard_preview(job) -> None:
    """Delete a preview's staged file unless its import was confirmed (the import job owns it then)."""
    if job is not None and job.consumed_by is None and job.staged_file:
        default_storage.delete(job.staged_file)
        BackgroundJob.objects.filter(pk=job.pk).update(staged_file="")


def discard_staged(job) -> None:
    """After a finished import its staged file has served its purpose."""
    if job.staged_file:
        default_storage.delete(job.staged_file)
        BackgroundJob.objects.filter(staged_file=job.staged_file).update(staged_file="")
