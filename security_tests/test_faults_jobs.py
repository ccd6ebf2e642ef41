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
import signal
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
        while not self._queue.empty():
            if (line := self._queue.get_nowait()) is not None:
                self.lines.append(line)
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
