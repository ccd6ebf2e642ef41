from celery import shared_task


@shared_task(name="core.run_job", acks_late=True)
def run_job_task(name: str) -> str:
    from core.jobs import run_job

    return str(run_job(name))
