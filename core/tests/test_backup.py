"""Backup and restore round-trip: every table and every uploaded file comes back identical."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from conftest import ensure_district
from core.backup import (
    RestoreError,
    _media_checksums,
    create_backup,
    restore_backup,
    table_digests,
    verify_backup,
)

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql" and shutil.which("pg_dump") is None, reason="pg_dump is not installed"
)


@pytest.fixture
def media_file():
    path = Path(settings.MEDIA_ROOT) / "evidence" / "2026" / "photo.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG fake evidence bytes " * 100)
    yield path
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "evidence", ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_reproduces_every_table_and_file(
    tmp_path, media_file, security_figures
):
    ensure_district()
    before_tables = table_digests()
    before_files = _media_checksums(Path(settings.MEDIA_ROOT))
    before_file = media_file.read_bytes()
    backup = create_backup(tmp_path / "backup")

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert table_digests() != before_tables

    restore_backup(backup)

    after_tables = table_digests()
    after_files = _media_checksums(Path(settings.MEDIA_ROOT))
    tables_matching = sum(after_tables.get(name) == digest for name, digest in before_tables.items())
    files_matching = sum(after_files.get(name) == digest for name, digest in before_files.items())
    security_figures["backup_restore"] = {
        "tables_compared": len(before_tables),
        "tables_matching": tables_matching,
        "files_compared": len(before_files),
        "files_matching": files_matching,
        "goal": "every table and file identical after restore",
        "met": after_tables == before_tables and after_files == before_files,
    }
    assert after_tables == before_tables
    assert after_files == before_files
    assert media_file.read_bytes() == before_file


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_data(tmp_path):
    ensure_district()
    backup = create_backup(tmp_path / "backup")
    with pytest.raises(RestoreError, match="not empty"):
        restore_backup(backup)


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused_before_anything_is_restored(tmp_path):
    ensure_district()
    backup = create_backup(tmp_path / "backup")
    database = next(p for p in backup.iterdir() if p.name.startswith("database"))
    with open(database, "r+b") as handle:
        handle.seek(200)
        handle.write(b"tampered")
    with pytest.raises(RestoreError, match="checksum"):
        verify_backup(backup)
