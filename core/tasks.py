import datetime as dt

from celery import shared_task


@shared_task(name="core.run_job", acks_late=True)
def run_job_task(name: str) -> str:
    """Run one job now, whether due or not (an operator's request)."""
    from core.jobs import run_job

    return str(run_job(name))


@shared_task(name="core.run_due_jobs", acks_late=True)
def run_due_jobs_task() -> dict[str, str]:
    """Beat's tick: run the jobs the database says are due. A tick delivered twice runs nothing twice.

    It also re-sends background jobs still queued after a minute (their message lost while Redis was
    down): claiming is a conditional update, so a job sent twice still runs once."""
    from core.jobs import run_due_jobs
    from core.models import BackgroundJob

    stale = BackgroundJob.objects.filter(
        state=BackgroundJob.State.QUEUED, created_at__lte=_now() - dt.timedelta(minutes=1)
    ).values_list("pk", flat=True)[:100]
    for job_id in stale:
        run_background_job_task.delay(job_id)
    return {name: str(result) for name, result in run_due_jobs().items()}


@shared_task(name="core.run_background_job", acks_late=True)
def run_background_job_task(job_id: int) -> str:
    """Run one user's background job (an import, a large export); a job already taken is skipped."""
    from core.background import run_background_job

    return run_background_job(job_id)


def _now():
    from django.utils import timezone

    return timezone.now()
