"""The hash chain: `audit_verify` names exactly the altered, removed and reordered records; the archive
keeps the chain verifiable; append-only in the application (MLPS 8.1.4.3)."""

import datetime as dt
import json
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit.integrity import archive_expired, verify
from audit.models import AppendOnlyError, AuditArchive, AuditEvent
from audit.services import record, record_many


@contextmanager
def tampering():
    """Raw SQL as an attacker with database access would use; on PostgreSQL the append-only trigger has
    to be disabled first (which needs the table owner, not the application's role)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def _tamper(figures, kind: str, detected: bool):
    """Accumulate the tamper-detection figure across the tests below: `met` only while all are named."""
    entry = figures.setdefault(
        "audit_tamper_detection", {"goal": "every altered, removed or reordered record named", "met": True}
    )
    entry[kind] = "detected" if detected and entry.get(kind, "detected") == "detected" else "missed"
    entry["met"] = entry["met"] and detected


@pytest.fixture
def chain(persona):
    actor = persona("admin")
    target = persona("duruan")
    events = [record(target, "accounts.user.updated", actor=actor, data={"n": n}) for n in range(6)]
    return [e.pk for e in events]


def test_an_intact_chain_verifies(chain):
    report = verify()
    assert report.ok, report.findings
    assert report.checked == AuditEvent.objects.count()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_an_altered_record_is_named(chain, security_figures):
    with tampering() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s WHERE id = %s", [json.dumps({"n": 99}), chain[2]]
        )
    report = verify()
    _tamper(
        security_figures,
        "altered",
        report.ids("altered") == [chain[2]] and report.ids("removed") == [] and report.ids("reordered") == [],
    )
    assert report.ids("altered") == [chain[2]]
    assert report.ids("removed") == [] and report.ids("reordered") == []
    with pytest.raises(CommandError, match="altered 1"):
        call_command("audit_verify", stdout=StringIO())


def test_an_altered_actor_is_named(chain, security_figures):
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET ip = '10.0.0.66' WHERE id = %s", [chain[4]])
    altered = verify().ids("altered")
    _tamper(security_figures, "altered", altered == [chain[4]])
    assert altered == [chain[4]]


def test_a_removed_record_is_named_by_its_successor(chain, security_figures):
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[3]])
    report = verify()
    _tamper(
        security_figures,
        "removed",
        report.ids("removed") == [chain[4]] and report.ids("altered") == [] and report.ids("reordered") == [],
    )
    assert report.ids("removed") == [chain[4]]
    assert report.ids("altered") == [] and report.ids("reordered") == []
    assert f"after event {chain[2]}" in str(report.findings[0])


def test_removing_the_newest_records_is_caught_by_the_chain_head(chain, security_figures):
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [chain[4]])
    report = verify()
    _tamper(security_figures, "truncated", not report.ok and [f.kind for f in report.findings] == ["removed"])
    assert not report.ok
    assert [f.kind for f in report.findings] == ["removed"]


@pytest.mark.parametrize(("first", "second"), [(1, 2), (0, 4)])
def test_reordered_records_are_named(chain, first, second, security_figures):
    a, b = chain[first], chain[second]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET id = -1 WHERE id = %s", [a])
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b])
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = -1", [b])
    report = verify()
    _tamper(
        security_figures,
        "reordered",
        sorted(report.ids("reordered")) == [a, b] and report.ids("altered") == [],
    )
    assert sorted(report.ids("reordered")) == [a, b]
    assert report.ids("altered") == []


def test_bulk_records_chain_like_single_ones(persona):
    users = list(persona("admin").__class__.objects.order_by("id")[:5])
    assert record_many(users, "accounts.user.imported", actor=persona("admin")) == 5
    record(users[0], "accounts.user.updated", actor=persona("admin"))
    assert verify().ok


def test_the_application_cannot_change_or_delete_records(chain):
    event = AuditEvent.objects.get(pk=chain[0])
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=chain[0]).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=chain[0]).delete()


@pytest.fixture
def archive_dir(settings, tmp_path):
    """An empty trail (inside the test's transaction) so that old events form the start of the chain."""
    from audit.models import AuditChainHead

    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    AuditChainHead.objects.filter(pk=1).update(last_hash="", last_event_id=None)
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    return settings.AUDIT_ARCHIVE_DIR


def test_old_records_are_archived_to_a_checksummed_file_and_the_chain_still_verifies(
    persona, archive_dir, settings
):
    import time_machine

    long_ago = timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS + 10)
    with time_machine.travel(long_ago, tick=False):
        old = [
            record(persona("duruan"), "accounts.user.updated", actor=persona("admin"), data={"n": n})
            for n in range(5)
        ]
    recent = record(persona("duruan"), "accounts.user.updated", actor=persona("admin"), data={"n": "recent"})
    # Everything before `recent` that is older than the retention period leaves the table.
    expected_ids = [e.pk for e in old]

    result = archive_expired(now=timezone.now())

    assert result["archived"] == len(expected_ids)
    assert not AuditEvent.objects.filter(pk__in=expected_ids).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    archive = AuditArchive.objects.get()
    data = Path(archive_dir) / archive.file_name
    manifest = json.loads(
        (Path(archive_dir) / archive.file_name.replace(".jsonl", ".manifest.json")).read_text()
    )
    import hashlib

    assert hashlib.sha256(data.read_bytes()).hexdigest() == manifest["sha256"] == archive.sha256
    assert manifest["count"] == len(expected_ids) and manifest["last_hash"] == old[-1].hash
    lines = [json.loads(line) for line in data.read_text().splitlines()]
    assert [row["id"] for row in lines] == expected_ids
    report = verify(archives=True)
    assert report.ok, report.findings
    assert report.archives_checked == 1
    assert AuditEvent.objects.filter(action="audit.archive.created").count() == 1
    assert archive_expired(now=timezone.now())["archived"] == 0  # idempotent


def test_a_changed_archive_file_is_caught(persona, archive_dir, settings):
    import time_machine

    with time_machine.travel(
        timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS + 1), tick=False
    ):
        record(persona("duruan"), "accounts.user.updated", actor=persona("admin"))
    archive_expired(now=timezone.now())
    archive = AuditArchive.objects.get()
    path = Path(archive_dir) / archive.file_name
    path.write_text(path.read_text().replace("accounts.user.updated", "accounts.user.viewed"))
    kinds = {f.kind for f in verify(archives=True).findings}
    assert "archive" in kinds and "altered" in kinds


def test_a_broken_chain_is_not_archived(persona, archive_dir, settings):
    import time_machine

    with time_machine.travel(
        timezone.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS + 1), tick=False
    ):
        event = record(persona("duruan"), "accounts.user.updated", actor=persona("admin"))
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x.y.z' WHERE id = %s", [event.pk])
    from audit.integrity import AuditIntegrityError

    with pytest.raises(AuditIntegrityError):
        archive_expired(now=timezone.now())
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert not AuditArchive.objects.exists()


def test_retention_is_at_least_180_days(settings):
    assert settings.AUDIT_RETENTION_DAYS >= 180


def test_the_audit_administrator_checks_the_chain_from_the_browser(as_user, chain):
    assert 'data-testid="chain-ok"' in as_user("auditadmin").get("/audit/verify/").content.decode()
    with tampering() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [chain[3]])
    page = as_user("auditadmin").get("/audit/verify/").content.decode()
    assert 'data-testid="chain-broken"' in page and f"#{chain[4]}" in page
    assert as_user("sysadmin").get("/audit/verify/").status_code == 403
