"""Background jobs a user starts and watches: imports and large exports (issue 17).

A request creates a `BackgroundJob` row (`start_job`) and answers at once; a runner claims the row with a
conditional update (queued → running, so two runners never run one job) and calls the kind's function:

- the embedded default: `manage.py run_jobs --loop` polls for queued jobs every few seconds, no broker;
- with REDIS_URL: the row is sent to a Celery worker after commit (`core.run_background_job`), and beat's
  minute tick picks up any queued job whose message was lost.

A kind's function gets the job and a `Progress`; it reports rows done / total and its phase (only ever
forward), checks for cancellation at each report, and may save one result file into the configured
storage (object storage when set). The result is kept `JOB_RESULT_HOURS`, then deleted by the periodic
job `core.expire_job_results`. The owner is notified when the job finishes, well or not; a failure keeps
its error for the page.

Small work goes through the same function inline (`run_inline`), so the direct path and the job path
produce the same result by construction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.jobs import periodic_job

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between two progress writes


class Cancelled(Exception):
    """Raised inside a job's function when its owner cancelled it: its transaction rolls back."""


@dataclass(frozen=True)
class Kind:
    name: str
    func: Callable  # func(job, progress) -> dict summary
    title: Callable[[], str]


_KINDS: dict[str, Kind] = {}


def background_task(name: str, *, title: Callable[[], str]):
    def decorator(func):
        _KINDS[name] = Kind(name, func, title)
        return func

    return decorator


def kind_title(name: str) -> str:
    _load_kinds()
    kind = _KINDS.get(name)
    return str(kind.title()) if kind else name


def _load_kinds() -> None:
    # Kinds live in their apps and register when imported: core.exports here, the others from their
    # AppConfig.ready() (registry.importer), so the ground never imports the apps above it.
    import core.exports  # noqa: F401


def staged_name(prefix: str, filename: str) -> str:
    safe = get_valid_filename(filename.rsplit("/", 1)[-1])[-100:] or "file"
    return f"jobs/{prefix}/{timezone.now():%Y%m%d}/{uuid.uuid4().hex}/{safe}"


def stage_upload(upload, *, prefix: str) -> str:
    """Save an uploaded file into the configured storage; the name, never a local path, is kept."""
    return default_storage.save(staged_name(prefix, upload.name or "upload"), upload)


def start_job(
    *, actor, kind: str, params: dict | None = None, staged_file: str = "", total: int = 0, dispatch=True
):
    """Queue a job for the actor. With a broker it is sent after commit; otherwise run_jobs picks it up.
    `dispatch=False` for a job the request is about to run inline itself."""
    from core.models import BackgroundJob

    job = BackgroundJob.objects.create(
        kind=kind,
        owner=actor,
        params={"language": translation.get_language() or settings.LANGUAGE_CODE, **(params or {})},
        staged_file=staged_file,
        total=total,
        phase="queued",
    )
    if dispatch and settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    # The project's Celery app by name: a web process has not loaded it otherwise, and shared tasks
    # would fall back to Celery's default broker. One quick retry only: a request must not wait on Redis.
    from redline.celery import app

    try:
        app.send_task(
            "core.run_background_job",
            args=[job_id],
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5},
        )
    except Exception:  # broker down: the job stays queued and beat's tick (or run_jobs) takes it
        log.warning("Could not send background job %s to the broker; it stays queued", job_id)


class Progress:
    """Rows done / total and the phase, written forward only, with a cancellation check per write.

    Inside the job's own transaction (an import's apply) the row cannot be seen by others until commit,
    so progress also goes to the cache (Redis when set) where the page reads it first."""

    def __init__(self, job) -> None:
        self.job = job
        self._last_written = -PROGRESS_EVERY

    def update(self, done: int, *, total: int | None = None, phase: str | None = None, force=False) -> None:
        job = self.job
        job.done = max(job.done, done)
        if total is not None:
            job.total = max(total, job.done)
        if phase is not None:
            job.phase = phase
        if not force and job.done - self._last_written < PROGRESS_EVERY:
            return
        self._last_written = job.done
        self.check_cancelled()
        with contextlib.suppress(Exception):  # Redis down: the row (outside transactions) still moves
            cache.set(_cache_key(job.pk), (job.done, job.total, job.phase), 3600)
        if not connection.in_atomic_block:
            # SQLite: a connection still reading an export's rows cannot write once another connection has
            # written since its read began ("database is locked" at once, whatever the busy timeout). The
            # row then moves at the next write that can; the cache has the progress meanwhile, and the job
            # goes on instead of failing over a progress figure.
            with contextlib.suppress(OperationalError):
                type(job).objects.filter(pk=job.pk, state=job.State.RUNNING).update(
                    done=job.done, total=job.total, phase=job.phase
                )

    def check_cancelled(self) -> None:
        state = type(self.job).objects.filter(pk=self.job.pk).values_list("state", flat=True).first()
        if state == self.job.State.CANCELLED:
            raise Cancelled()

    def save_result(self, handle, filename: str) -> None:
        """Store the job's result file (an open binary file) and the name it downloads under."""
        handle.seek(0)
        name = default_storage.save(staged_name("results", filename), File(handle, name=filename))
        self.job.result_file, self.job.result_name = name, filename


def _cache_key(job_id: int) -> str:
    return f"core:bgjob:{job_id}:progress"


def live_progress(job) -> tuple[int, int, str]:
    """The freshest progress: the cache (written inside transactions too) or the row, whichever is ahead."""
    cached = None
    if not job.finished:
        with contextlib.suppress(Exception):
            cached = cache.get(_cache_key(job.pk))
    if cached and cached[0] >= job.done:
        return cached
    return job.done, job.total, job.phase


def claim(job_id: int) -> bool:
    from core.models import BackgroundJob

    return (
        BackgroundJob.objects.filter(pk=job_id, state=BackgroundJob.State.QUEUED).update(
            state=BackgroundJob.State.RUNNING, started_at=timezone.now(), phase="started"
        )
        == 1
    )


def run_background_job(job_id: int) -> str:
    """Claim and run one queued job; returns its final state ("" when another runner had it)."""
    from core.models import BackgroundJob

    if not claim(job_id):
        return ""
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    return _run(job)


def run_inline(job) -> str:
    """Run a just-created job in this request (small work): the same function as the runner's.

    A refusal of the input (DomainError: a bad file, a limit) is recorded on the job and raised again,
    so the page or API answers it as it would any invalid input (400, 413)."""
    if not claim(job.pk):
        return job.state
    job.refresh_from_db()
    return _run(job, reraise=True)


def _run(job, *, reraise: bool = False) -> str:
    from core.errors import DomainError

    _load_kinds()
    state, error, summary, refusal = job.State.DONE, "", {}, None
    progress = Progress(job)
    try:
        kind = _KINDS[job.kind]
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            summary = kind.func(job, progress) or {}
    except Cancelled:
        state = job.State.CANCELLED
    except DomainError as exc:
        state, error, refusal = job.State.FAILED, _error_text(exc, job), exc
    except Exception as exc:
        log.exception("Background job %s (%s) failed", job.pk, job.kind)
        state, error = job.State.FAILED, _error_text(exc, job)
    final = _finish(job, state, error=error, summary=summary)
    if reraise and refusal is not None:
        raise refusal
    return final


def _error_text(exc: Exception, job) -> str:
    from core.errors import DomainError

    if isinstance(exc, DomainError):
        messages = [str(m) for msgs in exc.errors.values() for m in msgs]
        return "; ".join(messages) or str(exc.message)
    return _("The job stopped with an internal error. Quote job number %(id)s when you report it.") % {
        "id": job.pk
    }


def _finish(job, state: str, *, error: str = "", summary: dict | None = None) -> str:
    from core.models import BackgroundJob

    now = timezone.now()
    fields = {
        "state": state,
        "finished_at": now,
        "expires_at": now + dt.timedelta(hours=settings.JOB_RESULT_HOURS),
        "error": error,
        "summary": summary or {},
        "done": job.done,
        "total": max(job.total, job.done),
        "phase": state,
        "result_file": job.result_file,
        "result_name": job.result_name,
    }
    if state == BackgroundJob.State.DONE and job.total and job.done < job.total:
        fields["done"] = fields["total"]
    # Only a running job finishes: a cancel that won the race keeps the job cancelled.
    updated = BackgroundJob.objects.filter(pk=job.pk, state=BackgroundJob.State.RUNNING).update(**fields)
    if not updated:
        if job.result_file:
            default_storage.delete(job.result_file)
        job.refresh_from_db()
        return job.state
    with contextlib.suppress(Exception):
        cache.delete(_cache_key(job.pk))
    for key, value in fields.items():
        setattr(job, key, value)
    _tell_owner(job)
    return state


def _tell_owner(job) -> None:
    from core.ports import NOTIFY, port

    notify = port(NOTIFY)

    title = {
        job.State.DONE: _("Finished: %(what)s"),
        job.State.FAILED: _("Failed: %(what)s"),
        job.State.CANCELLED: _("Cancelled: %(what)s"),
    }[job.state] % {"what": kind_title(job.kind)}
    if job.params.get("quiet"):  # a small job run inside the user's own request: they see it there
        return
    notify(
        recipients=[job.owner],
        kind=f"core.job.{job.state}",
        title=title,
        body=job.error,
        url=job.get_absolute_url(),
        target=job,
        dedup_key=f"core.job:{job.pk}:{job.state}",
    )


def cancel_job(*, actor, job_id: int):
    """Cancel the actor's own queued or running job. Finished → Conflict (409); another's → 404."""
    from django.shortcuts import get_object_or_404

    from core.models import BackgroundJob

    job = get_object_or_404(BackgroundJob, pk=job_id, owner=actor)
    with transaction.atomic():
        changed = BackgroundJob.objects.filter(
            pk=job.pk, state__in=[BackgroundJob.State.QUEUED, BackgroundJob.State.RUNNING]
        ).update(
            state=BackgroundJob.State.CANCELLED,
            phase=BackgroundJob.State.CANCELLED,
            finished_at=timezone.now(),
            expires_at=timezone.now() + dt.timedelta(hours=settings.JOB_RESULT_HOURS),
        )
        if not changed:
            raise Conflict(_("The job has already finished."))
    job.refresh_from_db()
    return job


def run_queued(*, limit: int = 5, older_than: dt.timedelta | None = None) -> list[str]:
    """The embedded runner (and beat's safety net): run up to `limit` queued jobs, oldest first."""
    from core.models import BackgroundJob

    queued = BackgroundJob.objects.filter(state=BackgroundJob.State.QUEUED)
    if older_than is not None:
        queued = queued.filter(created_at__lte=timezone.now() - older_than)
    states = []
    for job_id in queued.order_by("created_at", "id").values_list("pk", flat=True)[:limit]:
        state = run_background_job(job_id)
        if state:
            states.append(state)
    return states


def open_result(job):
    return default_storage.open(job.result_file, "rb")


@periodic_job("core.expire_job_results", every=dt.timedelta(hours=1))
def expire_job_results(*, now: dt.datetime) -> dict:
    """Delete result and staged files past their time; the job rows stay as the record of what ran."""
    from core.models import BackgroundJob

    expired = BackgroundJob.objects.filter(expires_at__lte=now).exclude(result_file="", staged_file="")
    files = 0
    for job in expired.order_by("pk")[:1000]:
        for name in {job.result_file, job.staged_file} - {""}:
            try:
                default_storage.delete(name)
                files += 1
            except Exception:  # a missing file is already what we want
                log.warning("Could not delete %s of job %s", name, job.pk)
        BackgroundJob.objects.filter(pk=job.pk).update(result_file="", staged_file="")
    # Jobs queued long ago whose owner gave up on them do not wait for ever.
    stale = BackgroundJob.objects.filter(
        state=BackgroundJob.State.QUEUED, created_at__lte=now - dt.timedelta(days=2)
    ).update(
        state=BackgroundJob.State.FAILED,
        error=_("The job was never started."),
        finished_at=now,
        expires_at=now + dt.timedelta(hours=settings.JOB_RESULT_HOURS),
    )
    # A worker killed mid-job leaves it running; a redelivery cannot claim it again. After a day it fails.
    dead = BackgroundJob.objects.filter(
        state=BackgroundJob.State.RUNNING, started_at__lte=now - dt.timedelta(days=1)
    ).update(
        state=BackgroundJob.State.FAILED,
        error=_("The job stopped without finishing. Start it again."),
        finished_at=now,
        expires_at=now + dt.timedelta(hours=settings.JOB_RESULT_HOURS),
    )
    return {"files_deleted": files, "stale_failed": stale + dead}
