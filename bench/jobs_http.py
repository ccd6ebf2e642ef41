"""Import and export as a user runs them, over HTTP against the bench server, with the Celery worker
that production runs for background jobs (issue 18).

- import: `POST /api/v1/enterprises/import/` with the file, `dry_run=true` (the preview), poll the job
  to its end, then the same upload with `dry_run=false` (the confirmation), poll again; the rate is the
  file's rows over the whole time, from the first byte sent to the confirmation's job done;
- export: `GET /hazards/?export=xlsx` as the district administrator (every hazard in scope), follow the
  job it starts, poll it, download the file; the rate is the rows over the whole time.

Polling asks `GET /api/v1/jobs/{id}/` every 0.2 s, as the page's own poll would (every 2 s) but finer, so
the wait adds little to the measured time. Only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.load import LOOPBACK, _check_loopback

POLL_SECONDS = 0.2
JOB_TIMEOUT = 3600


def _conn(base: str) -> http.client.HTTPConnection:
    _check_loopback(base)
    return http.client.HTTPConnection(LOOPBACK, urlsplit(base).port, timeout=120)


def multipart(fields: dict[str, str], file_field: str, path: Path) -> tuple[bytes, str]:
    boundary = "bench" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{path.name}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def request(base: str, method: str, path: str, *, headers: dict, body: bytes | None = None):
    conn = _conn(base)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def poll(base: str, job_id: int, headers: dict, *, timeout: float = JOB_TIMEOUT) -> dict:
    """The job's payload once it has finished (done, failed or cancelled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _h, body = request(base, "GET", f"/api/v1/jobs/{job_id}/", headers=headers)
        if status != 200:
            raise RuntimeError(f"job {job_id}: {status} {body[:200]!r}")
        job = json.loads(body)
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"job {job_id} did not finish in {timeout} s")


def _upload(base: str, token: dict, file: Path, *, dry_run: bool) -> dict:
    fields = {"mode": "all_or_nothing", "dry_run": str(dry_run).lower(), "background": "true"}
    body, content_type = multipart(fields, "file", file)
    status, _h, answer = request(
        base,
        "POST",
        "/api/v1/enterprises/import/",
        headers={**token, "Content-Type": content_type},
        body=body,
    )
    if status != 202:
        raise RuntimeError(f"import upload answered {status}: {answer[:300]!r}")
    job = poll(base, json.loads(answer)["id"], token)
    if job["state"] != "done":
        raise RuntimeError(f"import job {job['id']} ended {job['state']}: {job['error']}")
    return job


def import_over_http(base: str, token: dict, file: Path, rows: int) -> dict:
    started = time.perf_counter()
    preview = _upload(base, token, file, dry_run=True)
    previewed = time.perf_counter()
    confirmed = _upload(base, token, file, dry_run=False)
    seconds = time.perf_counter() - started
    summary = confirmed.get("summary") or {}
    return {
        "rows": rows,
        "created": summary.get("created"),
        "updated": summary.get("updated"),
        "errors": len(summary.get("errors") or []) + len((preview.get("summary") or {}).get("errors") or []),
        "preview_seconds": round(previewed - started, 2),
        "confirm_seconds": round(seconds - (previewed - started), 2),
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1) if seconds else None,
    }


JOB_LOCATION = re.compile(r"/jobs/(\d+)/")


def export_over_http(base: str, session: dict, token: dict, rows: int) -> dict:
    """The administrator's whole hazard ledger: a job beyond EXPORT_DIRECT_ROWS, a download below it."""
    started = time.perf_counter()
    status, headers, body = request(base, "GET", "/hazards/?export=xlsx", headers=session)
    if status == 200:
        size, job_id = len(body), None
    elif status in (301, 302, 303) and JOB_LOCATION.search(headers.get("Location", "")):
        job_id = int(JOB_LOCATION.search(headers["Location"]).group(1))
        job = poll(base, job_id, token)
        if job["state"] != "done" or not job["result_url"]:
            raise RuntimeError(f"export job {job_id} ended {job['state']}: {job['error']}")
        status, _h, body = request(base, "GET", job["result_url"], headers=token)
        if status != 200:
            raise RuntimeError(f"export download answered {status}")
        size = len(body)
    else:
        raise RuntimeError(f"export answered {status}: {body[:300]!r}")
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "job": job_id,
        "bytes": size,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1) if seconds else None,
    }


def peak_rss_mb(pid: int) -> float | None:
    """The process's high-water mark of resident memory (Linux VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
