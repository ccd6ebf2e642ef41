"""Backup and restore: the database (SQLite online backup API or pg_dump) plus uploaded files.

A backup is a folder with the database copy, a tar of the media folder and a manifest of SHA-256
checksums; restore verifies the checksums first, then loads into an empty database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict, name: str | None = None) -> list[str]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return [*args, "-d", name or str(db["NAME"])]


def table_digests(alias: str = "default") -> dict[str, str]:
    """A checksum of every table's rows in primary-key order: equal digests mean equal contents."""
    conn = connections[alias]
    result = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            if table.startswith("sqlite_"):
                continue
            quoted = conn.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names come from introspection
            rows = sorted(repr(tuple(str(v) for v in row)) for row in cursor.fetchall())
            result[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return result


def create_backup(destination: Path | None = None) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(destination or Path(settings.VAR_DIR) / "backups" / f"redline-{stamp}")
    target.mkdir(parents=True, exist_ok=False)
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dest = sqlite3.connect(target / "database.sqlite3")
        with dest:
            connection.connection.backup(dest)  # consistent online copy while the app runs
        dest.close()
        db_file = "database.sqlite3"
    else:
        db_file = "database.dump"
        subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", "-f", str(target / db_file), *_pg_args(db)],
            check=True,
            env=_pg_env(db),
        )
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / "media.tar", "w") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": connection.vendor,
        "database": db_file,
        "files": {name: sha256_file(target / name) for name in (db_file, "media.tar")},
        "media_files": _media_checksums(media),
        "tables": table_digests(),
    }
    (target / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return target


def _media_checksums(media: Path) -> dict[str, str]:
    if not media.exists():
        return {}
    return {str(p.relative_to(media)): sha256_file(p) for p in sorted(media.rglob("*")) if p.is_file()}


class RestoreError(Exception):
    pass


def verify_backup(source: Path) -> dict:
    manifest_path = source / "manifest.json"
    if not manifest_path.exists():
        raise RestoreError(f"{source} has no manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, checksum in manifest["files"].items():
        if not (source / name).exists() or sha256_file(source / name) != checksum:
            raise RestoreError(f"{name} is missing or does not match its checksum")
    return manifest


def _database_is_empty(alias: str = "default") -> bool:
    conn = connections[alias]
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
    if "registry_enterprise" not in tables:
        return True
    with conn.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM registry_enterprise")
        return cursor.fetchone()[0] == 0


def restore_backup(source: Path, *, force: bool = False, media_root: Path | None = None) -> dict:
    """Restore into the configured database, which must be empty unless `force`."""
    manifest = verify_backup(source)
    if manifest["engine"] != connection.vendor:
        raise RestoreError(f"the backup is of {manifest['engine']}, the database is {connection.vendor}")
    if not force and not _database_is_empty():
        raise RestoreError("the database is not empty; restore into an empty database (or use --force)")
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        src = sqlite3.connect(source / manifest["database"])
        with src:
            src.backup(connection.connection)
        src.close()
    else:
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(db),
                str(source / manifest["database"]),
            ],
            check=True,
            env=_pg_env(db),
        )
    media = Path(media_root or settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar") as archive:
        staging = media.parent / f".restore-{os.getpid()}"
        archive.extractall(staging, filter="data")
        if (staging / "media").exists():
            shutil.copytree(staging / "media", media, dirs_exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    restored = _media_checksums(media)
    mismatched = [name for name, digest in manifest["media_files"].items() if restored.get(name) != digest]
    if mismatched:
        raise RestoreError(f"restored files do not match their checksums: {mismatched[:5]}")
    return manifest
