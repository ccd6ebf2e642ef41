"""Faults of background work: a worker killed in the middle of an import; Redis down while jobs fall due.

Both run real processes beside the test. The import runs in a child Python process (the
`import_enterprises` command an operator runs) that is SIGKILLed inside its transaction; the jobs run
in a real Celery worker against a private redis-server that is stopped and started again.

The children share the test database. On PostgreSQL they connect to the test database itself. SQLite's
test database lives in memory, so it is copied to a file with SQLite's online backup API, the children
work on the file, and the file, after SQLite's own crash recovery on opening, is copied back before the
assertions: what the test sees is what a restarted app would see.
"""

from __future__ import annotations

import contextlib
import csv
import os
import queue
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from security_tests.test_faults import _fault

ROOT = Path(__file__).resolve().parent.parent
# What matters is that the worker dies with thousands of rows written inside the import's open
# transaction; a bigger file only makes the test slower (the retry imports every row).
IMPORT_ROWS = 5_000
KILL_AFTER_ROWS = 2_000


@contextlib.contextmanager
def shared_database(tmp_path: Path):
    """The environment of a child process that works on this test's database (see the module doc)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "redline.settings_test",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
        "REDLINE_VAR_DIR": str(tmp_path),
    }
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        login = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{login}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
        yield env, None
        return
    env.pop("DATABASE_URL", None)
    path = tmp_path / "redline.sqlite3"  # the settings' database under REDLINE_VAR_DIR
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    try:
        yield env, path
    finally:
        with contextlib.closing(sqlite3.connect(path)) as recovered:
            recovered.backup(connection.connection)


class Child:
    """A child process whose output lines are read by a thread, so the test can wait with a timeout."""

    def __init__(self, args: list[str], env: dict, cwd: Path = ROOT):
        self.process = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def drain(self) -> list[str]:
        """The lines written so far, without waiting."""
        while not self._queue.empty():
            if (line := self._queue.get_nowait()) is not None:
                self.lines.append(line)
        return self.lines

    def wait_for(self, predicate, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.lines.append(line)
            if predicate(line):
                return line
        raise AssertionError("the child never got there:\n" + "\n".join(self.lines[-40:]))

    def stop(self, sig=signal.SIGTERM, timeout: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(timeout=5)
        self._reader.join(timeout=5)
        self.drain()
        self.process.stdout.close()
        return code


@contextlib.contextmanager
def reported(figures: dict, name: str):
    """Report the fault into the security figures: survived only if the whole block passed."""
    survived = False
    try:
        yield
        survived = True
    finally:
        _fault(figures, name, survived)


# --- A worker killed in the middle of an import ----------------------------------------------------

# The child runs the operator's command; the wrapper only reports, after each batch written inside the
# import's transaction, how many rows are in it, so the test can kill it at a known point.
IMPORT_CHILD = """
import sys
import django

django.setup()
from django.core.management import call_command
from registry import importer

apply_creates, written = importer._apply_creates, [0]

def reporting(creates, lookups, actor):
    apply_creates(creates, lookups, actor)
    written[0] += len(creates)
    print("written", written[0], flush=True)

importer._apply_creates = reporting
call_command("import_enterprises", sys.argv[1], "--actor", "admin")
print("committed", flush=True)
"""


def _import_file(path: Path, rows: int) -> list[str]:
    """A .csv of `rows` new, valid enterprises in the import template's columns; their credit codes."""
    from bench.dataset import credit_code
    from registry.importer import TEMPLATE_HEADERS
    from registry.models import Jurisdiction

    towns = [town.name for town in Jurisdiction.objects.towns().order_by("code")]
    codes = [credit_code(20_000_000 + i, 11) for i in range(rows)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TEMPLATE_HEADERS)
        for i, code in enumerate(codes):
            writer.writerow(
                [
                    f"江门市断电测试{i}号五金制品有限公司",
                    code,
                    towns[i % len(towns)],
                    "工贸、有限空间" if i % 3 == 0 else "工贸",
                    f"江门市蓬江区示例路{i}号",
                    "张三",
                    "13800138000",
                    "李四",
                    "王五",
                    "13900139000",
                    str(10 + i % 500),
                    "小型",
                    "机械",
                    "五金制品的生产与销售",
                    "",
                    "",
                ]
            )
    return codes


def _import_state(codes: list[str]) -> dict:
    from audit.models import AuditEvent
    from registry.models import Enterprise, EnterpriseStatusChange

    return {
        "enterprises": Enterprise.objects.count(),
        "of_the_file": Enterprise.objects.filter(credit_code__in=codes).count(),
        "sector_links": Enterprise.sectors.through.objects.count(),
        "status_changes": EnterpriseStatusChange.objects.count(),
        "created_events": AuditEvent.objects.filter(action="registry.enterprise.created").count(),
        "import_events": AuditEvent.objects.filter(action="registry.enterprise.imported").count(),
    }


def _import_transaction_is_open(sqlite_path: Path | None) -> bool:
    """The killed worker's transaction was really open and writing (not finished, not yet begun)."""
    if sqlite_path is not None:
        with contextlib.closing(sqlite3.connect(sqlite_path, timeout=0)) as probe:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                return "locked" in str(exc)
            probe.rollback()
            return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'registry_enterprise' AND l.mode = 'RowExclusiveLock' "
            "AND l.pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def _wait_for_postgresql_to_roll_back(timeout: float = 10) -> None:
    """PostgreSQL notices the dead client and rolls its transaction back on its own; wait for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _import_transaction_is_open(None):
            return
        time.sleep(0.1)
    raise AssertionError("the killed import's transaction is still open")


def _sqlite_integrity(path: Path) -> tuple[str, list]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0], db.execute(
            "PRAGMA foreign_key_check"
        ).fetchall()


@pytest.mark.security
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_half_imported(tmp_path, security_figures):
    from django.core.files import File

    from accounts.models import User
    from audit.integrity import verify
    from conftest import ensure_district
    from registry.importer import run_import
    from registry.models import Enterprise

    with reported(security_figures, "worker_killed_mid_import"):
        ensure_district()
        path = tmp_path / "enterprises.csv"
        codes = _import_file(path, IMPORT_ROWS)
        before = _import_state(codes)
        assert before["of_the_file"] == 0

        with shared_database(tmp_path) as (env, sqlite_path):
            child = Child([sys.executable, "-c", IMPORT_CHILD, str(path)], env)
            try:
                child.wait_for(
                    lambda line: line.startswith("written ") and int(line.split()[1]) >= KILL_AFTER_ROWS,
                    timeout=60,
                )
                was_open = _import_transaction_is_open(sqlite_path)
                returncode = child.stop(signal.SIGKILL)
            finally:
                child.stop(signal.SIGKILL)
            assert "committed" not in child.lines
            if sqlite_path is None:
                _wait_for_postgresql_to_roll_back()
            else:
                integrity = _sqlite_integrity(sqlite_path)  # opening the file replays SQLite's recovery
        assert was_open, "the worker was killed outside the import's transaction"
        assert returncode == -signal.SIGKILL

        after_kill = _import_state(codes)
        if sqlite_path is not None:
            assert integrity == ("ok", [])
        assert verify().ok  # the audit chain has no half-written link
        assert after_kill == before

        # The app recovers by itself: the same file imports in full, once.
        with path.open("rb") as handle:
            result = run_import(
                actor=User.objects.get(username="admin"),
                uploaded=File(handle, name=path.name),
                source_name=path.name,
            )
        assert (result.created, result.updated, result.errors) == (IMPORT_ROWS, 0, [])
        after_retry = _import_state(codes)
        assert after_retry["of_the_file"] == IMPORT_ROWS
        assert after_retry["enterprises"] == before["enterprises"] + IMPORT_ROWS
        assert after_retry["status_changes"] == before["status_changes"] + IMPORT_ROWS
        assert after_retry["created_events"] == before["created_events"] + IMPORT_ROWS
        assert after_retry["import_events"] == before["import_events"] + 1
        assert after_retry["sector_links"] > before["sector_links"]
        assert Enterprise.objects.filter(credit_code__in=codes, sectors=None).count() == 0
        assert verify().ok


# --- Redis down while jobs fall due, then back ------------------------------------------------------

ESCALATE = "hazards.escalate"


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server on a free loopback port, without persistence: a restart loses every key,
    as a crashed Redis without AOF would."""

    def __init__(self, binary: str, directory: Path):
        self.binary, self.directory, self.port = binary, directory, _free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception), contextlib.closing(self.client()) as client:
                if client.ping():
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def _overdue_hazard():
    """A hazard 20 days past its deadline: every rung of the ladder (R-HAZ-6) is due for it."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from accounts.models import User
    from hazards.tests.helpers import rectifying

    officer, enterprise = (
        User.objects.get(username="duruan"),
        User.objects.get(username="ent_duruan").enterprise,
    )
    start = timezone.now() - dt.timedelta(days=25)
    with time_machine.travel(start, tick=False):
        return rectifying(officer, enterprise, deadline=(start + dt.timedelta(days=5)).date())


def _one_escalation_run() -> set[tuple[int, str]]:
    """What one run of the escalation sends right now, found out in a transaction that is rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from hazards.tasks import escalate_hazards
    from notifications.models import Notification

    with transaction.atomic():
        before = set(Notification.objects.values_list("id", flat=True))
        escalate_hazards(now=timezone.now())
        sent = set(Notification.objects.exclude(id__in=before).values_list("recipient_id", "dedup_key"))
        transaction.set_rollback(True)
    return sent


def _web_works_with(redis_url: str) -> list[int]:
    from django.test import Client, override_settings
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.testing import mark_second_factor_verified

    dead_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    admin = User.objects.get(username="admin")
    with override_settings(CACHES=dead_cache):
        browser, api = Client(), APIClient()
        browser.force_login(admin)
        mark_second_factor_verified(browser)
        api.force_authenticate(admin)
        return [browser.get(url).status_code for url in ("/", "/hazards/")] + [
            api.get("/api/v1/hazards/").status_code
        ]


def _wait_until_worked_off(worker: Child, redis_server: RedisServer, tick_ids: list[str], rerun: str):
    """Wait until the worker has stored both ticks' results, run the redelivered task twice and acknowledged
    everything; return the ticks' results, the runs of the redelivered task and what is left on the broker
    (queued, unacknowledged)."""
    import json

    store, broker = redis_server.client(db=1), redis_server.client(db=0)
    deadline = time.monotonic() + 60
    try:
        while True:
            raw = [store.get(f"celery-task-meta-{task_id}") for task_id in tick_ids]
            results = [json.loads(r) for r in raw if r]
            reruns = sum(rerun in line for line in worker.drain())
            left = broker.llen("celery"), broker.hlen("unacked")
            if (
                len(results) == len(tick_ids) and reruns >= 2 and left == (0, 0)
            ) or time.monotonic() > deadline:
                return results, reruns, left
            if worker.process.poll() is not None:
                raise AssertionError("the worker died:\n" + "\n".join(worker.lines[-40:]))
            time.sleep(0.1)
    finally:
        store.close()
        broker.close()


@pytest.mark.security
@pytest.mark.django_db(transaction=True)
def test_redis_down_then_back_jobs_run_later_and_once(redis_server, tmp_path, security_figures):
    import uuid

    from celery import Celery
    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from conftest import ensure_district
    from core import jobs
    from core.models import JobRun
    from notifications.models import Notification
    from redline.celery import app as redline_app

    with reported(security_figures, "redis_down_jobs_resume_once"):
        ensure_district()
        hazard = _overdue_hazard()
        # Only the escalation is due; the other jobs have just run (they are other tests' business).
        for job in jobs.registry.all():
            if job.name != ESCALATE:
                JobRun.objects.update_or_create(
                    name=job.name, defaults={"last_started_at": timezone.now(), "last_status": "ok"}
                )
        JobRun.objects.filter(name=ESCALATE).delete()
        expected = _one_escalation_run()
        assert any(key.startswith(f"hazard:{hazard.pk}:") for _user, key in expected)
        notes_before = Notification.objects.count()

        # Beat's tick, sent the way beat sends it, through a real broker connection to the private Redis.
        redline_app.finalize()
        tick = redline_app.conf.beat_schedule["core.run_due_jobs"]
        retry = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}

        def sender() -> Celery:
            # No result backend, as in production; the worker stores results for this test to read.
            app = Celery("faults", broker=redis_server.url(0), set_as_current=False)
            app.conf.task_publish_retry_policy = retry
            return app

        def send_tick(app):
            return app.send_task(tick["task"], tick["args"], tick["kwargs"], **tick["options"])

        # (a) Redis is down: the tick (and an operator's job) cannot be sent; the web works; still due.
        redis_server.stop()
        beat = sender()
        with pytest.raises(OperationalError):
            send_tick(beat)
        with pytest.raises(OperationalError):
            beat.send_task("core.run_job", (ESCALATE,))
        beat.close()
        assert _web_works_with(redis_server.url(0)) == [200, 200, 200]
        assert ESCALATE in [job.name for job in jobs.due_jobs(timezone.now())]
        assert not JobRun.objects.filter(name=ESCALATE).exists()
        assert Notification.objects.count() == notes_before

        # (b) Redis is back (empty: it kept nothing). The next ticks go through; the same tick arrives
        # twice, as does an operator's run of the escalation (a redelivery keeps the task id).
        redis_server.start()
        beat = sender()
        ticks = [send_tick(beat), send_tick(beat)]
        redelivered = str(uuid.uuid4())
        for _ in range(2):
            beat.send_task("core.run_job", (ESCALATE,), task_id=redelivered)

        with shared_database(tmp_path) as (env, _sqlite_path):
            env.update(CELERY_BROKER_URL=redis_server.url(0), CELERY_RESULT_BACKEND=redis_server.url(1))
            worker = Child(
                [
                    *(sys.executable, "-m", "celery", "-A", "redline", "worker", "--pool=solo"),
                    *("--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"),
                    *("-n", f"faults{redis_server.port}@localhost"),
                ],
                env,
            )
            try:
                results, reruns, left = _wait_until_worked_off(
                    worker, redis_server, [t.id for t in ticks], f"core.run_job[{redelivered}] succeeded"
                )
            finally:
                worker.stop(signal.SIGTERM)
                beat.close()

        assert left == (0, 0), "messages left on the broker or never acknowledged"
        assert [r["status"] for r in results] == ["SUCCESS", "SUCCESS"], results
        # The first tick ran the escalation that fell due while Redis was down; the second ran nothing.
        assert sorted(sorted(r["result"]) for r in results) == [[], [ESCALATE]], results
        assert reruns == 2  # the redelivered operator's run did run twice...
        run = JobRun.objects.get(name=ESCALATE)
        assert run.last_status == "ok"
        # ...so four deliveries ran the escalation three times, and each notification exists once.
        sent = list(Notification.objects.exclude(dedup_key=None).values_list("recipient_id", "dedup_key"))
        assert Notification.objects.count() == notes_before + len(expected)
        assert expected <= set(sent) and len(sent) == len(set(sent))
