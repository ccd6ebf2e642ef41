"""Periodic jobs (core.jobs): run when due, not again before the interval, status recorded, one failure
does not stop the others; `manage.py run_jobs`."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from core import jobs
from core.models import JobRun

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 8, 0))


@pytest.fixture
def job_registry(monkeypatch, db):
    """A registry holding only this test's jobs (the real ones are other modules' business)."""
    fresh = jobs.JobRegistry()
    monkeypatch.setattr(jobs, "registry", fresh)
    return fresh


@pytest.fixture
def counter(job_registry):
    calls: list[dt.datetime] = []

    @job_registry.register("test.counter", dt.timedelta(hours=1))
    def count(*, now):
        calls.append(now)
        return f"run {len(calls)}"

    return calls


def test_a_job_never_run_is_due_and_runs(counter):
    results = jobs.run_due_jobs(now=T0)
    assert results == {"test.counter": "run 1"}
    assert counter == [T0]
    run = JobRun.objects.get(name="test.counter")
    assert (run.last_status, run.last_message, run.last_started_at) == ("ok", "run 1", T0)
    assert run.last_finished_at is not None


def test_a_job_does_not_run_again_before_its_interval(counter):
    jobs.run_due_jobs(now=T0)
    assert jobs.run_due_jobs(now=T0 + dt.timedelta(minutes=59)) == {}
    assert len(counter) == 1
    assert jobs.run_due_jobs(now=T0 + dt.timedelta(hours=1)) == {"test.counter": "run 2"}
    assert counter == [T0, T0 + dt.timedelta(hours=1)]


def test_due_jobs_follow_each_interval(job_registry):
    ran = []
    job_registry.register("test.hourly", dt.timedelta(hours=1))(lambda *, now: ran.append(("h", now)))
    job_registry.register("test.daily", dt.timedelta(days=1))(lambda *, now: ran.append(("d", now)))
    jobs.run_due_jobs(now=T0)
    jobs.run_due_jobs(now=T0 + dt.timedelta(hours=2))
    assert [kind for kind, _ in ran] == ["d", "h", "h"]
    assert [j.name for j in jobs.due_jobs(T0 + dt.timedelta(days=1))] == ["test.daily", "test.hourly"]


def test_a_failing_job_records_its_failure_and_the_others_still_run(job_registry, counter):
    @job_registry.register("test.broken", dt.timedelta(hours=1))
    def broken(*, now):
        JobRun.objects.create(name="written-by-the-broken-job")
        raise RuntimeError("the mail server is down")

    results = jobs.run_due_jobs(now=T0)
    assert results["test.counter"] == "run 1"
    assert results["test.broken"].startswith("failed:")
    run = JobRun.objects.get(name="test.broken")
    assert run.last_status == "failed"
    assert "the mail server is down" in run.last_message
    assert not JobRun.objects.filter(name="written-by-the-broken-job").exists()  # its writes rolled back


def test_run_job_runs_a_job_whether_due_or_not(counter):
    jobs.run_due_jobs(now=T0)
    jobs.run_job("test.counter", now=T0 + dt.timedelta(minutes=5))
    assert len(counter) == 2


def test_the_command_runs_one_named_job(counter):
    out = io.StringIO()
    call_command("run_jobs", "--job", "test.counter", stdout=out)
    assert out.getvalue().strip() == "run 1"
    assert JobRun.objects.get(name="test.counter").last_status == "ok"


def test_the_command_runs_the_due_jobs_once(counter):
    out = io.StringIO()
    call_command("run_jobs", stdout=out)
    call_command("run_jobs", stdout=out)
    assert out.getvalue().splitlines() == ["test.counter: run 1"]


def test_the_command_lists_the_jobs(counter):
    out = io.StringIO()
    call_command("run_jobs", "--list", stdout=out)
    assert out.getvalue().strip() == "test.counter\tevery 1:00:00"


def test_an_unknown_job_name_is_a_clear_error(job_registry):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no.such.job"):
        call_command("run_jobs", "--job", "no.such.job", stdout=io.StringIO())


def test_every_registered_job_has_a_name_and_a_positive_interval():
    for job in jobs.registry.all():
        assert job.name and "." in job.name, job
        assert job.every > dt.timedelta(0), job


def test_a_due_job_claimed_by_another_runner_is_not_run_again(counter):
    due = jobs.due_jobs(T0)  # two runners (a redelivered tick, the embedded loop beside beat) both see it due
    assert jobs.claim(due[0], T0)
    assert not jobs.claim(due[0], T0)  # the second runner lost the claim
    assert jobs.run_due_jobs(now=T0) == {}
    assert counter == []  # claimed, so neither runner here ran it a second time


def test_a_tick_delivered_twice_runs_each_due_job_once(counter):
    from core.tasks import run_due_jobs_task

    assert run_due_jobs_task.apply().get() == {"test.counter": "run 1"}
    assert run_due_jobs_task.apply().get() == {}
    assert len(counter) == 1


def test_beat_sends_one_tick_and_leaves_the_schedule_to_the_database():
    from redline.celery import TICK_SECONDS, app

    app.finalize()
    entries = list(app.conf.beat_schedule.values())
    assert [(e["task"], e["schedule"], e["options"]["expires"]) for e in entries] == [
        ("core.run_due_jobs", TICK_SECONDS, TICK_SECONDS)
    ]
