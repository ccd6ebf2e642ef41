"""Celery for production (REDIS_URL set). Jobs are plain functions in core.jobs; this only schedules them."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redline.settings")

app = Celery("redline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["core"])


@app.on_after_finalize.connect
def _schedule_periodic_jobs(sender, **kwargs):
    from core.jobs import registry

    for job in registry.all():
        sender.add_periodic_task(
            job.every.total_seconds(), sender.signature("core.run_job", args=(job.name,))
        )
