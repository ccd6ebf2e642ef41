"""Periodic jobs: plain functions registered with an interval.

The embedded default (`manage.py run_jobs --loop`, started by `make run`) runs due jobs without any
broker; with REDIS_URL set, Celery beat sends a frequent tick and a worker runs the due jobs
(redline/celery.py). Either way the database (JobRun) says which jobs are due, so a tick lost while Redis
is down costs one tick, not a job's whole interval, and nothing but starting a job marks it as run.
A due job is claimed by a conditional update before it runs: two runners (the embedded loop beside beat,
two workers, a redelivered tick) never run it twice at once. Every job must still be idempotent: a
job forced with `run_job`, or one that died half-way, may run again (each job keeps its own dedup keys).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    func: Callable[..., object]  # func(now=datetime) -> summary
    # One transaction around the whole run, or none: a job that works in bounded batches commits each
    # batch itself (and records its cursor), so a long run neither holds locks nor loses all on a crash.
    atomic: bool = True

    @property
    def key(self) -> str:
        return self.name


class JobRegistry:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def register(self, name: str, every: dt.timedelta, *, atomic: bool = True):
        def decorator(func):
            self._jobs[name] = Job(name, every, func, atomic)
            return func

        return decorator

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: j.name)

    def get(self, name: str) -> Job:
        return self._jobs[name]


registry = JobRegistry()
periodic_job = registry.register


def run_job(name: str, *, now: dt.datetime | None = None) -> object:
    """Run one job now, whether due or not."""
    from core.models import JobRun

    job = registry.get(name)
    now = now or timezone.now()
    JobRun.objects.update_or_create(name=name, defaults={"last_started_at": now, "last_status": "running"})
    return _execute(job, now)


def _execute(job: Job, now: dt.datetime) -> object:
    from core.models import JobRun

    try:
        # The job's own writes are one transaction (unless it commits batch by batch); its failure is
        # still recorded below.
        if job.atomic:
            with transaction.atomic():
                result = job.func(now=now)
        else:
            result = job.func(now=now)
    except Exception as exc:
        log.exception("Job %s failed", job.name)
        JobRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_status="failed", last_message=str(exc)[:2000]
        )
        raise
    JobRun.objects.filter(name=job.name).update(
        last_finished_at=timezone.now(), last_status="ok", last_message=str(result)[:2000]
    )
    return result


def job_cursor(name: str) -> str:
    """Where a batched job's last run stopped ("" when it finished)."""
    from core.models import JobRun

    return JobRun.objects.filter(name=name).values_list("cursor", flat=True).first() or ""


def save_cursor(name: str, value: str) -> None:
    """Record a batched job's progress; call it inside the batch's transaction so both commit together."""
    from core.models import JobRun

    if not JobRun.objects.filter(name=name).update(cursor=value):
        JobRun.objects.get_or_create(name=name, defaults={"cursor": value})


def due_jobs(now: dt.datetime) -> list[Job]:
    from core.models import JobRun

    last = dict(JobRun.objects.values_list("name", "last_started_at"))
    return [job for job in registry.all() if last.get(job.name) is None or last[job.name] + job.every <= now]


def claim(job: Job, now: dt.datetime) -> bool:
    """Mark a due job started; False when it is not due (any more): another runner took it first."""
    from core.models import JobRun

    JobRun.objects.get_or_create(name=job.name)  # a concurrent create is handled by get_or_create
    still_due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every)
    claimed = JobRun.objects.filter(still_due, name=job.name).update(
        last_started_at=now, last_status="running"
    )
    return claimed == 1


def run_due_jobs(*, now: dt.datetime | None = None) -> dict[str, object]:
    now = now or timezone.now()
    results: dict[str, object] = {}
    for job in due_jobs(now):
        if not claim(job, now):
            continue
        try:
            results[job.name] = _execute(job, now)
        except Exception as exc:  # one failing job must not stop the others
            results[job.name] = f"failed: {exc}"
    return results
