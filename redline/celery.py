"""Celery for production (REDIS_URL set). Jobs are plain functions in core.jobs; this only schedules them.

Beat does not keep the jobs' schedule: it sends one tick a minute, and the worker runs whichever jobs
the database (core.models.JobRun) says are due. A tick that cannot be sent while Redis is down is simply
the next one's work, and a daily job is not pushed back a day because its one send failed. Ticks expire
after a minute, so a worker back from an outage does not work through a backlog of them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redline.settings")

TICK_SECONDS = 60.0

app = Celery("redline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["core"])


@app.on_after_finalize.connect
def _schedule_periodic_jobs(sender, **kwargs):
    sender.add_periodic_task(
        TICK_SECONDS, sender.signature("core.run_due_jobs"), name="core.run_due_jobs", expires=TICK_SECONDS
    )
