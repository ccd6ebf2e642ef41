"""Checking the hash chain (`manage.py audit_verify`) and archiving events past the retention period.

The chain: each event stores the hash of the one before it (`prev_hash`) and its own hash over its
content and that link. Re-computing the hash finds an **altered** record; a `prev_hash` that names a
record elsewhere in the chain finds a **reordered** one; a `prev_hash` that names no record at all finds
records **removed** in between (or the one before rewritten together with its hash). The chain head row
and the archive manifests anchor both ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditArchive, AuditChainHead, AuditEvent
from audit.services import MAC_PURPOSE, canonical_v2, payload_digest, record, row_digest_v2
from core.config import config_value

ROW_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_roles",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target_repr",
    "data",
    "ip",
    "request_id",
    "prev_hash",
    "hash",
    "chain_version",
    "mac",
    "mac_algorithm",
    "mac_key",
)


class AuditIntegrityError(Exception):
    pass


@dataclass
class Finding:
    kind: str  # altered | removed | reordered | head | archive
    event_id: int | None
    detail: str

    def __str__(self) -> str:
        where = f"event {self.event_id}" if self.event_id is not None else "chain"
        return f"{self.kind}: {where}: {self.detail}"


@dataclass
class VerifyReport:
    checked: int = 0
    archives_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def ids(self, kind: str) -> list[int]:
        return [f.event_id for f in self.findings if f.kind == kind and f.event_id is not None]


def _row_digest(row: dict) -> str:
    if row.get("chain_version", 1) >= 2:
        return row_digest_v2(row)
    at = row["at"]
    return payload_digest(
        row["prev_hash"],
        at=at if isinstance(at, str) else at.isoformat(),
        actor_id=row["actor_id"],
        action=row["action"],
        outcome=row["outcome"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        data=row["data"],
        ip=row["ip"],
        request_id=row["request_id"],
    )


def _row_findings(row: dict, *, v2_from: int | None) -> list[Finding]:
    """Version 1 events (before the recorded point) are checked as they were written; from the point on,
    an event must be of version 2, with every field in its hash and a MAC that its key confirms."""
    from django.core.exceptions import ImproperlyConfigured

    from core.crypto import mac_matches

    version = row.get("chain_version", 1)
    if v2_from is not None and row["id"] >= v2_from and version < 2:
        return [Finding("altered", row["id"], "it claims the old chain version after the recorded change")]
    if _row_digest(row) != row["hash"]:
        return [Finding("altered", row["id"], "its content no longer matches its hash")]
    if version >= 2:
        try:
            matches = mac_matches(
                canonical_v2(row),
                row.get("mac", ""),
                purpose=MAC_PURPOSE,
                algorithm=row.get("mac_algorithm", ""),
                key_id=row.get("mac_key", ""),
            )
        except (ImproperlyConfigured, KeyError):
            return [Finding("altered", row["id"], "its MAC key or algorithm is unknown")]
        if not matches:
            return [Finding("altered", row["id"], "its MAC does not match (rewritten without the key)")]
    return []


def v2_start() -> int | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    return head.v2_from_event_id if head else None


def _short(h: str) -> int:
    return int(h[:16], 16) if h else -1


def check_chain(
    rows: Iterable[dict], *, start_prev: str, known: dict[int, int], v2_from: int | None = None
) -> tuple[int, list[Finding], str]:
    """Walk rows in id order. `known` maps a hash prefix to its event id (for telling a reorder from a
    removal). Returns (rows checked, findings, last hash)."""
    findings: list[Finding] = []
    links: list[tuple[int, str, str]] = []  # (id, prev_hash, hash): small, for the second pass
    for row in rows:
        findings.extend(_row_findings(row, v2_from=v2_from))
        links.append((row["id"], row["prev_hash"], row["hash"]))
    findings.extend(_link_findings(links, start_prev=start_prev, known=known))
    return len(links), findings, links[-1][2] if links else start_prev


def _link_findings(
    links: list[tuple[int, str, str]], *, start_prev: str, known: dict[int, int]
) -> list[Finding]:
    """A record whose link to the one before it is broken was **moved** when the record its link names
    sits elsewhere and its own successor does not follow it either (a neighbour of a moved record keeps
    its successor and is not blamed); it follows **removed** records when its link names no record."""
    successor_of = {_short(prev): pk for pk, prev, _h in links}
    findings = []
    for index, (pk, prev, own) in enumerate(links):
        expected = links[index - 1][2] if index else start_prev
        if prev == expected:
            continue
        previous_id = links[index - 1][0] if index else None
        named = known.get(_short(prev))
        if named is None:
            after = f"after event {previous_id}" if previous_id is not None else "at the start"
            findings.append(
                Finding("removed", pk, f"records are missing (or the one before was rewritten) {after}")
            )
            continue
        next_id = links[index + 1][0] if index + 1 < len(links) else None
        if successor_of.get(_short(own)) != next_id:
            findings.append(
                Finding("reordered", pk, f"it follows event {named} in the chain, not {previous_id}")
            )
    return findings


def _table_rows() -> Iterator[dict]:
    return AuditEvent.objects.order_by("id").values(*ROW_FIELDS).iterator(chunk_size=5000)


def verify(*, archives: bool = False) -> VerifyReport:
    report = VerifyReport()
    last_archive = AuditArchive.objects.order_by("-last_event_id").first()
    start_prev = last_archive.last_hash if last_archive else ""
    known = {
        _short(h): pk for pk, h in AuditEvent.objects.values_list("id", "hash").iterator(chunk_size=5000)
    }
    count, findings, last_hash = check_chain(
        _table_rows(), start_prev=start_prev, known=known, v2_from=v2_start()
    )
    report.checked = count
    report.findings.extend(findings)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash and head.last_hash != last_hash:
        report.findings.append(
            Finding(
                "removed",
                head.last_event_id,
                "the newest records are missing: the chain head names another hash",
            )
        )
    if archives:
        report.archives_checked, archive_findings = verify_archives()
        report.findings.extend(archive_findings)
    return report


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_rows(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def verify_archives() -> tuple[int, list[Finding]]:
    findings: list[Finding] = []
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    expected_prev = ""
    checked = 0
    for archive in AuditArchive.objects.order_by("first_event_id"):
        checked += 1
        path = directory / archive.file_name
        if archive.first_prev_hash != expected_prev:
            findings.append(
                Finding(
                    "archive",
                    archive.first_event_id,
                    f"{archive.file_name} does not follow the archive before it",
                )
            )
        expected_prev = archive.last_hash
        if not path.exists():
            findings.append(Finding("archive", archive.first_event_id, f"{archive.file_name} is missing"))
            continue
        if _file_sha256(path) != archive.sha256:
            findings.append(
                Finding("archive", archive.first_event_id, f"{archive.file_name} does not match its checksum")
            )
        count, chain_findings, last_hash = check_chain(
            _read_rows(path), start_prev=archive.first_prev_hash, known={}, v2_from=v2_start()
        )
        findings.extend(chain_findings)
        if count != archive.count or last_hash != archive.last_hash:
            findings.append(
                Finding(
                    "archive",
                    archive.last_event_id,
                    f"{archive.file_name} does not end where its manifest says",
                )
            )
    return checked, findings


# --- Archive -----------------------------------------------------------------------------------------


def _jsonable_row(row: dict) -> dict:
    out = dict(row)
    out["at"] = row["at"].isoformat()
    return out


def _write_archive(directory: Path, rows: list[dict], first_prev: str) -> tuple[str, str]:
    """Write `<name>.jsonl` and `<name>.manifest.json` durably (temporary file, fsync, rename)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"audit-{rows[0]['id']:012d}-{rows[-1]['id']:012d}"
    data_path = directory / f"{name}.jsonl"
    tmp = data_path.with_suffix(".jsonl.tmp")
    digest = hashlib.sha256()
    with tmp.open("wb") as handle:
        for row in rows:
            line = (json.dumps(_jsonable_row(row), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
            digest.update(line)
            handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, data_path)
    manifest = {
        "file": data_path.name,
        "sha256": digest.hexdigest(),
        "count": len(rows),
        "first_event_id": rows[0]["id"],
        "last_event_id": rows[-1]["id"],
        "first_prev_hash": first_prev,
        "last_hash": rows[-1]["hash"],
        "from": rows[0]["at"].isoformat(),
        "to": rows[-1]["at"].isoformat(),
        "created_at": timezone.now().isoformat(),
    }
    manifest_path = directory / f"{name}.manifest.json"
    tmp = manifest_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, manifest_path)
    return data_path.name, digest.hexdigest()


def archive_expired(*, now: dt.datetime, batch: int = 50_000) -> dict:
    """Move events older than AUDIT_RETENTION_DAYS into checksummed files, oldest first, then remove them
    from the table. A broken chain stops the archive: evidence is never removed unverified."""
    cutoff = now - dt.timedelta(days=config_value("AUDIT_RETENTION_DAYS"))
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    archived = 0
    files = []
    while True:
        with transaction.atomic():
            last_archive = AuditArchive.objects.order_by("-last_event_id").first()
            start_prev = last_archive.last_hash if last_archive else ""
            rows = []
            for row in AuditEvent.objects.order_by("id").values(*ROW_FIELDS)[:batch]:
                if row["at"] >= cutoff:
                    break  # only a prefix of the chain leaves the table
                rows.append(row)
            if not rows:
                break
            _count, findings, _last = check_chain(rows, start_prev=start_prev, known={}, v2_from=v2_start())
            if findings:
                raise AuditIntegrityError(
                    "Refusing to archive a broken chain: " + "; ".join(str(f) for f in findings[:5])
                )
            file_name, sha256 = _write_archive(directory, rows, start_prev)
            first_id, last_id = rows[0]["id"], rows[-1]["id"]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # The append-only trigger lets this one transaction delete (audit/migrations/0002).
                    cursor.execute("SET LOCAL redline.audit_maintenance = 'on'")
            AuditEvent.objects.filter(id__gte=first_id, id__lte=last_id)._raw_delete(connection.alias)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL redline.audit_maintenance = 'off'")
            archive = AuditArchive.objects.update_or_create(
                file_name=file_name,
                defaults={
                    "first_event_id": first_id,
                    "last_event_id": last_id,
                    "count": len(rows),
                    "first_prev_hash": start_prev,
                    "last_hash": rows[-1]["hash"],
                    "sha256": sha256,
                },
            )[0]
            record(
                archive,
                "audit.archive.created",
                data={"events": len(rows), "first": first_id, "last": last_id, "sha256": sha256},
            )
        archived += len(rows)
        files.append(file_name)
        if len(rows) < batch:
            break
    return {"archived": archived, "files": files}
