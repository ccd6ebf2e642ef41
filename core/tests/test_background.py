"""Background jobs (issue 17): lifecycle, progress, cancel, download, expiry, notification, and that the
job path writes what the direct path writes. Runs on SQLite and PostgreSQL alike (DATABASE_URL)."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import background
from core.models import BackgroundJob
from notifications.models import Notification
from registry.models import Enterprise

LIST = "/registry/enterprises/"


def rows_of(content: bytes) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def body(response) -> bytes:
    try:
        return b"".join(response.streaming_content) if response.streaming else response.content
    finally:
        response.close()


def start_export(client, query="?export=xlsx&town="):
    with override_settings(EXPORT_DIRECT_ROWS=5):
        response = client.get(LIST + query)
    assert response.status_code == 302, response.status_code
    job = BackgroundJob.objects.latest("pk")
    assert response["Location"] == reverse("core:job", args=[job.pk])
    return job


def test_a_large_export_is_queued_then_run_done_and_identical_to_the_direct_file(as_user):
    client = as_user("admin")
    direct = client.get(LIST + "?export=xlsx&town=")
    assert direct.status_code == 200
    job = start_export(client)
    assert (job.state, job.kind, job.total) == ("queued", "core.export", Enterprise.objects.count())
    page = client.get(reverse("core:job", args=[job.pk]))
    assert 'hx-trigger="every 2s"' in page.content.decode()  # the page polls while the job waits

    assert background.run_queued() == ["done"]
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total and job.result_file.startswith("jobs/results/")
    assert default_storage.exists(job.result_file)
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert rows_of(body(download)) == rows_of(body(direct))
    fragment = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert "every 2s" not in fragment and reverse("core:job_download", args=[job.pk]) in fragment


def test_a_csv_export_streams_and_its_job_writes_the_same_text(as_user):
    client = as_user("duruan")
    direct = client.get(LIST + "?export=csv")
    assert direct.streaming and direct["Content-Type"] == "text/csv; charset=utf-8"
    job = start_export(client, "?export=csv")
    background.run_queued()
    job.refresh_from_db()
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert body(download) == body(direct)


def test_progress_only_moves_forward(as_user, monkeypatch):
    seen: list[tuple[int, int]] = []
    original = background.Progress.update

    def spy(self, done, **kwargs):
        original(self, done, **kwargs)
        seen.append((self.job.done, self.job.total))

    monkeypatch.setattr(background, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(background.Progress, "update", spy)
    job = start_export(as_user("admin"))
    background.run_queued()
    dones = [d for d, _t in seen]
    assert len(seen) > 5 and dones == sorted(dones)
    assert all(d <= t for d, t in seen)
    # A report behind the last one does not move it back.
    progress = background.Progress(job)
    progress.update(10)
    progress.update(3)
    assert job.done == 10


def test_another_users_job_is_404_everywhere(as_user, api_as):
    job = start_export(as_user("admin"))
    background.run_queued()
    other = as_user("duruan")
    for name in ("core:job", "core:job_progress", "core:job_download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert other.post(reverse("core:job_cancel", args=[job.pk])).status_code == 404
    api = api_as("duruan")
    assert api.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api.get(f"/api/v1/jobs/{job.pk}/result/").status_code == 404
    own = api_as("admin").get(f"/api/v1/jobs/{job.pk}/result/")
    assert own.status_code == 200
    body(own)


def test_cancelling_a_queued_job_stops_it_and_a_finished_one_is_409(as_user, api_as):
    client = as_user("admin")
    job = start_export(client)
    assert client.post(reverse("core:job_cancel", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert background.run_queued() == []  # the runner does not take a cancelled job
    assert client.post(reverse("core:job_cancel", args=[job.pk])).status_code == 409
    assert api_as("admin").post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 409


def test_a_job_cancelled_while_running_stops_at_its_next_progress_report(as_user, monkeypatch):
    job = start_export(as_user("admin"))
    monkeypatch.setattr(background, "PROGRESS_EVERY", 1)
    original = background.Progress.update

    def cancel_half_way(self, done, **kwargs):
        if done == 3:
            BackgroundJob.objects.filter(pk=self.job.pk).update(state="cancelled")
        original(self, done, **kwargs)

    monkeypatch.setattr(background.Progress, "update", cancel_half_way)
    assert background.run_queued() == ["cancelled"]
    job.refresh_from_db()
    assert job.state == "cancelled" and not job.result_file


def test_a_failed_job_keeps_its_error_and_its_owner_is_told(as_user, monkeypatch):
    job = start_export(as_user("admin"))

    def broken(job, progress):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(background._KINDS, "core.export", background.Kind("core.export", broken, str))
    monkeypatch.setattr(background, "_load_kinds", lambda: None)
    assert background.run_queued() == ["failed"]
    job.refresh_from_db()
    assert job.state == "failed" and str(job.pk) in job.error and "disk" not in job.error
    note = Notification.objects.get(recipient=job.owner, dedup_key=f"core.job:{job.pk}:failed")
    assert note.url == job.get_absolute_url()
    page = as_user("admin").get(reverse("core:job", args=[job.pk])).content.decode()
    assert job.error in page


def test_a_finished_job_notifies_its_owner_once(as_user):
    job = start_export(as_user("admin"))
    background.run_queued()
    background.run_queued()
    assert Notification.objects.filter(recipient=job.owner, kind="core.job.done").count() == 1


def test_two_runners_never_run_one_job_twice(as_user):
    job = start_export(as_user("admin"))
    assert background.claim(job.pk) is True
    assert background.claim(job.pk) is False
    assert background.run_background_job(job.pk) == ""


def test_results_and_staged_files_are_deleted_when_they_expire(as_user):
    job = start_export(as_user("admin"))
    background.run_queued()
    job.refresh_from_db()
    staged = default_storage.save("jobs/imports/test/staged.csv", ContentFile(b"x"))
    BackgroundJob.objects.filter(pk=job.pk).update(staged_file=staged)
    assert job.expires_at > timezone.now() + dt.timedelta(hours=71)
    assert background.expire_job_results(now=timezone.now())["files_deleted"] == 0
    later = job.expires_at + dt.timedelta(minutes=1)
    assert background.expire_job_results(now=later)["files_deleted"] == 2
    assert not default_storage.exists(job.result_file) and not default_storage.exists(staged)
    job.refresh_from_db()
    assert job.result_file == "" and job.state == "done"
    assert as_user("admin").get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_the_api_answers_202_with_the_job_for_a_large_export(api_as):
    api = api_as("admin")
    with override_settings(EXPORT_DIRECT_ROWS=5):
        response = api.get("/api/v1/enterprises/export/")
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "queued" and response["Location"] == f"/api/v1/jobs/{job['id']}/"
    background.run_queued()
    done = api.get(response["Location"]).json()
    assert done["state"] == "done" and done["result_url"] == f"/api/v1/jobs/{job['id']}/result/"
    result = api.get(done["result_url"])
    assert result.status_code == 200
    assert len(rows_of(body(result))) == Enterprise.objects.count() + 1


@pytest.mark.parametrize("broker", [False, True])
def test_with_a_broker_the_job_is_sent_after_commit(
    broker, as_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(background, "_send", sent.append)
    settings.REDIS_URL = "redis://127.0.0.1:6379/15" if broker else ""
    settings.CELERY_TASK_ALWAYS_EAGER = not broker
    with django_capture_on_commit_callbacks(execute=True):
        job = start_export(as_user("admin"))
    assert sent == ([job.pk] if broker else [])


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_progress_row_cannot_be_written_still_finishes(monkeypatch):
    """SQLite refuses a write from a connection still reading the export's rows once another connection
    has written ("database is locked" at once): the progress row waits, the export does not fail. Outside
    a test transaction, as a runner works, so the progress row is written at all."""
    from django.db import OperationalError, connection

    from accounts.models import User
    from conftest import ensure_district

    ensure_district()
    refused: list[str] = []

    def locked(execute, sql, params, many, context):
        if sql.startswith('UPDATE "core_backgroundjob" SET "done"'):
            refused.append(sql)
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    monkeypatch.setattr(background, "PROGRESS_EVERY", 1)
    params = {"source": "registry.views.EnterpriseListPage", "query": {}, "fmt": "csv", "name": "enterprises"}
    job = background.start_job(actor=User.objects.get(username="admin"), kind="core.export", params=params)
    with connection.execute_wrapper(locked):
        background.run_queued()
    job.refresh_from_db()
    assert refused, "the progress row was never written"
    assert (job.state, job.error) == ("done", "")
    with default_storage.open(job.result_file) as result:
        assert len(result.read().decode("utf-8-sig").splitlines()) == Enterprise.objects.count() + 1
