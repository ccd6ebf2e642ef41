"""`make prod-smoke`: the reference deployment on one machine, checked through its load balancer.

Brings up on loopback: an S3-compatible object store (moto's standalone server), two gunicorn app
servers (each with its own empty var/ directory: nothing local is shared) behind nginx, a Celery worker
and two Celery beats, against a PostgreSQL database of its own and Redis, all with DEBUG=false. Then
checks, through nginx:

1. static files answer 200 with a year's cache under their hashed names;
2. a login on server A gives a session that server B honours;
3. a file uploaded through A downloads through B (object storage);
4. an import previewed on A is confirmed on B, once (a second confirmation changes nothing);
5. an export of the hazard ledger (100k rows by default) runs as a job and its file downloads;
6. the periodic jobs run once across the two beats.

It stops everything it started by process id and drops its database; exits 1 when any check fails.

    .venv/bin/python scripts/prod_smoke.py [--hazards 100000] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
VENV_BIN = BASE / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
PG_ADMIN_URL = os.environ.get("SMOKE_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379")
PASSWORD = "Redline@2026"  # the demo accounts' password (registry/demo.py): a throwaway database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args[0]} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port} within {timeout}s")


class Topology:
    """Every process started here, stopped in reverse order by its own pid."""

    def __init__(self, root: Path, hazards: int) -> None:
        self.root = root
        self.hazards = hazards
        self.procs: list[subprocess.Popen] = []
        self.ports = {name: free_port() for name in ("lb", "a", "b", "s3")}
        self.db_name = f"redline_smoke_{os.getpid()}"
        pg = PG_ADMIN_URL.rsplit("/", 1)[0]
        self.redis_url = f"{REDIS_BASE}/{11 + os.getpid() % 4}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "DEBUG"))},
            "DJANGO_SETTINGS_MODULE": "redline.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"{pg}/{self.db_name}",
            "REDIS_URL": self.redis_url,
            "S3_BUCKET": "redline-smoke",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['s3']}",
            "S3_ACCESS_KEY": "smoke",
            "S3_SECRET_KEY": "smoke-secret",
            "S3_REGION": "us-east-1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{self.ports['lb']}",
            "SECURE_SSL_REDIRECT": "false",  # TLS ends at the proxy in a real deployment; loopback here
            "SECURE_COOKIES": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "STATIC_ROOT": str(root / "static"),
            "WEB_WORKERS": "2",
            # The default (5000) unless a quick run's ledger is smaller: the export must be a job.
            "EXPORT_DIRECT_ROWS": str(min(5000, max(1, hazards // 2))),
            "WEB_TIMEOUT": "30",
            "LOG_LEVEL": "INFO",
        }
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, args: list[str], *, env: dict | None = None) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            args, cwd=BASE, env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc.log = out
        proc.name = name
        self.procs.append(proc)
        print(f"  started {name} (pid {proc.pid})", flush=True)
        return proc

    def manage(self, *args: str, env: dict | None = None, timeout: int = 1800) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=BASE,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()  # this pid only
                proc.wait()
            proc.log.close()
            print(f"  stopped {proc.name} (pid {proc.pid})", flush=True)

    # --- the pieces -------------------------------------------------------------------------------------
    def database(self, *, drop: bool = False) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            if not drop:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def object_store(self) -> None:
        proc = self.start(
            "s3", [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["s3"])]
        )
        wait_for_port(self.ports["s3"], proc=proc)
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            aws_access_key_id="smoke",
            aws_secret_access_key="smoke-secret",
            region_name="us-east-1",
        ).create_bucket(Bucket="redline-smoke")

    def prepare(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v", "0")
        # Plain HTTP on loopback: the TLS warnings (redirect, secure cookies) do not apply here.
        self.manage("check", "--deploy", "--fail-level", "ERROR")
        # The demo district's registry and accounts, and `hazards` hazards with their enterprises.
        self.manage(
            "shell",
            "-c",
            "from bench.dataset import compact_counters, generate; "
            f"print(generate(hazards={self.hazards})); compact_counters()",
        )

    def app_servers(self) -> None:
        for name in ("a", "b"):
            env = {
                **self.env,
                "REDLINE_VAR_DIR": str(self.root / f"var-{name}"),  # nothing local is shared
                "WEB_BIND": f"127.0.0.1:{self.ports[name]}",
                "WEB_PIDFILE": str(self.root / f"gunicorn-{name}.pid"),
            }
            proc = self.start(
                f"web-{name}",
                [str(VENV_BIN / "gunicorn"), "redline.wsgi", "-c", "redline/gunicorn.conf.py"],
                env=env,
            )
            wait_for_port(self.ports[name], proc=proc)

    def balancer(self) -> None:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = self.root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=self.root, **self.ports))
        proc = self.start(
            "nginx", [nginx, "-c", str(conf), "-p", str(self.root), "-e", str(self.logs / "nginx-error.log")]
        )
        wait_for_port(self.ports["lb"], proc=proc)

    def workers(self) -> None:
        celery = str(VENV_BIN / "celery")
        self.start("worker", [celery, "-A", "redline", "worker", "--concurrency", "3", "--loglevel", "INFO"])
        for name in ("beat-1", "beat-2"):
            self.start(
                name,
                [celery, "-A", "redline", "beat", "--loglevel", "INFO", "-s", str(self.root / f"{name}.db")],
            )


# Requests carrying `X-Backend: a|b` go to that server; the rest are balanced round-robin. The answering
# server is named in `X-Upstream`, so a check can prove where it was served.
NGINX_CONF = """
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log {root}/logs/nginx-access.log;
  client_body_temp_path {root}/nginx-body;
  proxy_temp_path {root}/nginx-proxy;
  fastcgi_temp_path {root}/nginx-fastcgi;
  uwsgi_temp_path {root}/nginx-uwsgi;
  scgi_temp_path {root}/nginx-scgi;
  client_max_body_size 60m;
  upstream redline_all {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
  upstream redline_a {{ server 127.0.0.1:{a}; }}
  upstream redline_b {{ server 127.0.0.1:{b}; }}
  map $http_x_backend $redline_pool {{ a redline_a; b redline_b; default redline_all; }}
  server {{
    listen 127.0.0.1:{lb};
    location / {{
      proxy_pass http://$redline_pool;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 60s;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"""


class Checks:
    def __init__(self, topology: Topology) -> None:
        import requests

        self.t = topology
        self.lb = f"http://127.0.0.1:{topology.ports['lb']}"
        self.session = requests.Session()
        self.results: list[tuple[str, bool, str]] = []

    def check(self, name: str, func) -> None:
        started = time.monotonic()
        try:
            detail = func() or ""
            ok = True
        except Exception as exc:  # a failed check is reported, the others still run
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        took = time.monotonic() - started
        self.results.append((name, ok, detail))
        print(f"  [{'ok' if ok else 'FAILED'}] {name} ({took:.1f}s) {detail}", flush=True)

    def get(self, path: str, *, backend: str | None = None, **kwargs):
        headers = {**kwargs.pop("headers", {}), **({"X-Backend": backend} if backend else {})}
        return self.session.get(self.lb + path, headers=headers, allow_redirects=False, timeout=60, **kwargs)

    def post(self, path: str, *, backend: str | None = None, **kwargs):
        headers = {
            **kwargs.pop("headers", {}),
            "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
            "Referer": self.lb + path,
            **({"X-Backend": backend} if backend else {}),
        }
        return self.session.post(self.lb + path, headers=headers, allow_redirects=False, timeout=60, **kwargs)

    def served_by(self, response, backend: str) -> None:
        port = str(self.t.ports[backend])
        assert response.headers.get("X-Upstream", "").endswith(port), response.headers.get("X-Upstream")

    # --- the checks -------------------------------------------------------------------------------------
    def static_files(self) -> str:
        page = self.get("/accounts/login/")
        assert page.status_code == 200, page.status_code
        css = re.search(r'href="(/static/redline/redline\.[0-9a-f]{12}\.css)"', page.text)
        assert css, "no hashed stylesheet on the login page"
        urls = [
            css.group(1),
            *re.findall(r'src="(/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js)"', page.text),
        ]
        for url in urls:
            response = self.get(url)
            assert response.status_code == 200, (url, response.status_code)
            cache = response.headers.get("Cache-Control", "")
            assert "max-age=315360000" in cache and "immutable" in cache, cache
        return f"{len(urls)} files, Cache-Control: {cache}"

    def login_on_a_used_on_b(self) -> str:
        self.login("duruan", backend="a")
        on_b = self.get("/registry/enterprises/", backend="b")
        assert on_b.status_code == 200, on_b.status_code
        self.served_by(on_b, "b")
        return "logged in through A, list served by B"

    def login(self, username: str, *, backend: str | None = None) -> None:
        self.session.cookies.clear()
        form = self.get("/accounts/login/", backend=backend)
        login = self.post(
            "/accounts/login/",
            backend=backend,
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", ""),
            },
        )
        assert form.status_code == 200 and login.status_code == 302, (form.status_code, login.status_code)
        if backend:
            self.served_by(login, backend)

    def upload_a_download_b(self) -> str:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, format="PNG")
        upload = self.post(
            "/api/v1/attachments/", backend="a", files={"file": ("smoke.png", buffer.getvalue(), "image/png")}
        )
        assert upload.status_code == 201, (upload.status_code, upload.text[:300])
        self.served_by(upload, "a")
        attachment = upload.json()["id"]
        download = self.get(f"/attachments/{attachment}/", backend="b")
        assert download.status_code == 200, download.status_code
        self.served_by(download, "b")
        assert download.content.startswith(b"\x89PNG"), download.content[:8]
        return f"attachment {attachment}: {len(download.content)} bytes served by B from object storage"

    def import_a_confirm_b(self) -> str:
        from openpyxl import Workbook

        from registry.validators import credit_check_char

        code = "91440703" + "".join(secrets.choice("0123456789") for _ in range(9))
        code += credit_check_char(code)
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["企业名称", "统一社会信用代码", "所属镇街", "行业领域", "地址"])
        sheet.append(["江门市冒烟测试五金有限公司", code, "杜阮镇", "工贸", "江门市蓬江区杜阮镇冒烟路1号"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        preview = self.post(
            "/registry/enterprises/import/",
            backend="a",
            data={"action": "preview", "csrfmiddlewaretoken": self.session.cookies.get("csrftoken")},
            files={"file": ("smoke.xlsx", buffer.getvalue(), xlsx)},
        )
        assert preview.status_code == 200 and 'data-testid="import-preview"' in preview.text, (
            preview.status_code
        )
        self.served_by(preview, "a")
        form = {"action": "all_or_nothing", "csrfmiddlewaretoken": self.session.cookies.get("csrftoken")}
        confirm = self.post("/registry/enterprises/import/", backend="b", data=form)
        assert confirm.status_code == 302 and confirm.headers["Location"].endswith(
            "/registry/enterprises/"
        ), (
            confirm.status_code,
            confirm.text[:300],
        )
        self.served_by(confirm, "b")
        again = self.post("/registry/enterprises/import/", backend="a", data=form)
        assert again.status_code == 409, again.status_code  # a spent preview is refused, and says so
        found = self.get(f"/api/v1/enterprises/?q={code}").json()
        assert found["count"] == 1, found
        return f"{code} previewed on A, imported on B, once"

    def export_job(self) -> str:
        self.login("leader")
        started = self.get("/hazards/?export=xlsx")
        assert started.status_code == 302 and "/jobs/" in started.headers["Location"], started.status_code
        job_id = int(re.search(r"/jobs/(\d+)/", started.headers["Location"]).group(1))
        deadline = time.monotonic() + 900
        last = []
        while time.monotonic() < deadline:
            job = self.get(f"/api/v1/jobs/{job_id}/").json()
            assert not last or job["done"] >= last[-1], "progress went backwards"
            last.append(job["done"])
            if job["state"] in ("done", "failed", "cancelled"):
                break
            page = self.get(f"/jobs/{job_id}/progress/", headers={"HX-Request": "true"})
            assert page.status_code == 200
            time.sleep(2)
        assert job["state"] == "done", job
        assert job["summary"]["rows"] >= self.t.hazards, job["summary"]
        result = self.get(job["result_url"])
        assert result.status_code == 200 and result.content[:2] == b"PK", result.status_code
        return f"job {job_id}: {job['summary']['rows']} rows, {len(result.content) // 1024} KiB, {len(last)} polls"

    def periodic_once(self) -> str:
        """Both beats send a tick a minute; each due job runs once (JobRun claims it)."""
        deadline = time.monotonic() + 600
        log = self.t.logs / "worker.log"
        names = self.job_names()
        runs: dict[str, int] = {}
        ticks = 0
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            ticks = len(re.findall(r"Task core\.run_due_jobs\[[^\]]+\] succeeded", text))
            runs = {name: len(re.findall(re.escape(f"'{name}':"), text)) for name in names}
            if ticks >= 2 and all(runs.values()):
                break
            time.sleep(5)
        assert ticks >= 2, f"only {ticks} ticks handled"
        missing = [n for n, c in runs.items() if not c]
        assert not missing, f"never ran: {missing}"
        twice = {n: c for n, c in runs.items() if c > 1 and self.every[n] > 600}
        assert not twice, f"ran more than once: {twice}"
        return f"{ticks} ticks from two beats, {len(names)} jobs each run once"

    def job_names(self) -> list[str]:
        out = self.t.manage("run_jobs", "--list")
        self.every = {}
        for line in out.splitlines():
            name, every = line.split("\tevery ")
            hours, minutes, seconds = (every.split(", ")[-1]).split(":")
            days = int(every.split(" day")[0]) if "day" in every else 0
            self.every[name] = days * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(float(seconds))
        return list(self.every)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=100_000, help="hazards in the ledger export")
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redline.settings_test")
    root = Path(tempfile.mkdtemp(prefix="redline-smoke-"))
    root.chmod(0o755)  # nginx's workers (an unprivileged user) keep their temporary files under it
    topology = Topology(root, args.hazards)
    started = time.monotonic()
    checks = None
    print(f"prod-smoke in {root} (balancer on 127.0.0.1:{topology.ports['lb']})", flush=True)
    try:
        print("database, object store, migrations, data:", flush=True)
        topology.database()
        topology.object_store()
        topology.prepare()
        print(f"  ready after {time.monotonic() - started:.0f}s", flush=True)
        topology.workers()
        topology.app_servers()
        topology.balancer()
        import django

        django.setup()  # for the checks' helpers (credit codes); no database is used from here
        checks = Checks(topology)
        print("checks through the balancer:", flush=True)
        checks.check("static files with a long cache", checks.static_files)
        checks.check("login on A, session on B", checks.login_on_a_used_on_b)
        checks.check("upload through A, download through B", checks.upload_a_download_b)
        checks.check("import previewed on A, confirmed on B, once", checks.import_a_confirm_b)
        checks.check(f"export of {args.hazards} hazards as a job", checks.export_job)
        checks.check("periodic jobs once across two beats", checks.periodic_once)
    except Exception as exc:
        print(f"  setup failed: {type(exc).__name__}: {exc}", flush=True)
        if checks is None:
            checks = Checks(topology)
        checks.results.append(("setup", False, str(exc)))
    finally:
        print("stopping:", flush=True)
        topology.stop()
        try:
            topology.database(drop=True)
        except Exception as exc:
            print(f"  could not drop {topology.db_name}: {exc}", flush=True)
    failed = [name for name, ok, _detail in checks.results if not ok]
    took = time.monotonic() - started
    summary = {"passed": len(checks.results) - len(failed), "failed": failed, "seconds": round(took)}
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    if failed or args.keep:
        print(f"logs kept in {topology.logs}", flush=True)
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
