"""The embedded runner and a real Celery worker against Redis run the same background job, with the
same file (issue 17). The worker is a child process on a private redis-server; it shares the test
database as in security_tests/test_faults_jobs.py."""

import signal
import sys

import pytest
from django.core.files.storage import default_storage

from core import background
from core.models import BackgroundJob
from security_tests.test_faults_jobs import Child, redis_server, shared_database  # noqa: F401 - fixture

EXPORT = {
    "source": "registry.views.EnterpriseListPage",
    "query": {"town": [""]},
    "fmt": "csv",
    "name": "enterprises",
    "path": "/registry/enterprises/",
}


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_runs_the_job_the_embedded_runner_runs(redis_server, tmp_path):  # noqa: F811
    from celery import Celery

    from accounts.models import User
    from conftest import ensure_district

    ensure_district()
    admin = User.objects.get(username="admin")
    embedded = background.start_job(actor=admin, kind="core.export", params=EXPORT)
    assert background.run_queued() == ["done"]
    embedded.refresh_from_db()
    with default_storage.open(embedded.result_file, "rb") as handle:
        expected = handle.read()

    job = background.start_job(actor=admin, kind="core.export", params=EXPORT)
    with shared_database(tmp_path) as (env, _sqlite_path):
        env.update(CELERY_BROKER_URL=redis_server.url(0))
        worker = Child(
            [
                *(sys.executable, "-m", "celery", "-A", "redline", "worker", "--pool=solo"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"),
                *("-n", f"jobs{redis_server.port}@localhost"),
            ],
            env,
        )
        sender = Celery("jobs", broker=redis_server.url(0), set_as_current=False)
        try:
            sender.send_task("core.run_background_job", (job.pk,))
            sender.send_task("core.run_background_job", (job.pk,))  # a redelivery: claimed once
            worker.wait_for(lambda line: "succeeded" in line and "'done'" in line, timeout=120)
            worker.wait_for(lambda line: "succeeded" in line and ": ''" in line, timeout=60)
        finally:
            worker.stop(signal.SIGTERM)
            sender.close()
    job.refresh_from_db()
    assert job.state == BackgroundJob.State.DONE, job.error
    assert job.done == job.total == embedded.total
    # The worker wrote into its own media directory (the child's REDLINE_VAR_DIR).
    assert (tmp_path / "media" / job.result_file).read_bytes() == expected
