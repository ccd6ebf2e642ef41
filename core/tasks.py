from celery import shared_task


@shared_task(name="core.run_job", acks_late=True)
def run_job_task(name: str) -> str:
    """Run one job now, whether due or not (an operator's request)."""
    from core.jobs import run_job

    return str(run_job(name))


@shared_task(name="core.run_due_jobs", acks_late=True)
def run_due_jobs_task() -> dict[str, str]:
    """Beat's tick: run the jobs the database says are due. A tick delivered twice runs nothing twice."""
    from core.jobs import run_due_jobs

    return {name: str(result) for name, result in run_due_jobs().items()}
