"""The benchmark's servers as production runs them (README "Operations"), each on a free loopback port.

- `redis()`: a private redis-server (no persistence) for the cache and the job broker, as `REDIS_URL`;
- `serve()`: gunicorn with `redline/gunicorn.conf.py` (its documented workers, 2 × cores + 1, and its
  30-second timeout), `DEBUG=false`, `REDIS_URL` set, for one benchmark database;
- `balancer()`: nginx in front of several app servers (the reference deployment's two);
- `job_worker()`: the Celery worker that runs background jobs when `REDIS_URL` is set.

Each yields where it listens and stops the process it started (its own process group) on the way out.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.config import DATA_DIR, ROOT, Target

GUNICORN_CONF = ROOT / "redline" / "gunicorn.conf.py"
SQL_TIMING_ENV = "BENCH_SQL_TIMING"  # turns on bench.middleware.SqlTiming in the served settings


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextmanager
def _process(cmd: list[str], *, env: dict, log_name: str):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log_path = DATA_DIR / log_name
    log = open(log_path, "ab")  # noqa: SIM115 - closed below; a pipe nobody reads would block the process
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        yield process, log_path
    finally:
        _stop(process)
        log.close()


@contextmanager
def redis():
    """A private redis-server on a free port: no disk, no other client."""
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with _process(cmd, env=dict(os.environ), log_name="redis.log") as (process, log_path):
        _wait(lambda: _redis_ping(port), process, 20, log_path, "redis-server")
        yield f"redis://127.0.0.1:{port}"  # the caller appends a database number per benchmark database


def _redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def server_env(target: Target, *, secret_key: str, redis_url: str, port: int, workers: int | None) -> dict:
    env = target.env(secret_key=secret_key)
    env.update(
        {
            "REDIS_URL": redis_url,
            "WEB_BIND": f"127.0.0.1:{port}",
            "WEB_ACCESS_LOG": str(DATA_DIR / f"access-{target.size}-{target.engine}.log"),
            SQL_TIMING_ENV: "1",
        }
    )
    if workers:
        env["WEB_WORKERS"] = str(workers)
    else:
        env.pop("WEB_WORKERS", None)  # the documented default
    env.pop("WEB_TIMEOUT", None)
    return env


@contextmanager
def serve(target: Target, *, secret_key: str, redis_url: str, workers: int | None = None, startup=240.0):
    """Yields the base URL of gunicorn serving `target` exactly as `make serve` starts it."""
    port = free_port()
    env = server_env(target, secret_key=secret_key, redis_url=redis_url, port=port, workers=workers)
    cmd = [sys.executable, "-m", "gunicorn", "redline.wsgi", "-c", str(GUNICORN_CONF)]
    with _process(cmd, env=env, log_name=f"server-{target.size}-{target.engine}.log") as (process, log_path):
        _wait(lambda: _healthy(port), process, startup, log_path, "gunicorn")
        yield f"http://127.0.0.1:{port}"


@contextmanager
def job_worker(target: Target, *, secret_key: str, redis_url: str):
    """The Celery worker that runs `core.BackgroundJob` jobs for `target` (beat is not needed here). One
    process (`--pool solo`), so its own peak RSS is the job's. Give each database its own Redis database
    number (`redis_url`), so that a worker never takes another database's job or cache key."""
    env = target.env(secret_key=secret_key)
    env["REDIS_URL"] = redis_url
    cmd = [sys.executable, "-m", "celery", "-A", "redline", "worker", "--pool", "solo", "-l", "info"]
    log_name = f"worker-{target.size}-{target.engine}.log"
    start = (DATA_DIR / log_name).stat().st_size if (DATA_DIR / log_name).exists() else 0
    with _process(cmd, env=env, log_name=log_name) as (process, log_path):
        # Ready before the clock starts: a job's time is not the worker's start-up.
        _wait(
            lambda: b" ready." in Path(log_path).read_bytes()[start:], process, 120, log_path, "celery worker"
        )
        yield process


NGINX_CONF = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  upstream app {{
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 30s;
      # Answers are buffered in memory only: nginx's workers need not write into the run's directory.
      proxy_max_temp_file_size 0;
    }}
  }}
}}
"""


def nginx_conf(prefix: str, port: int, bases: list[str]) -> str:
    servers = "\n".join(f"    server {b.split('://', 1)[1]};" for b in bases)
    return NGINX_CONF.format(prefix=prefix, port=port, servers=servers)


@contextmanager
def balancer(bases: list[str]):
    """nginx balancing the given app servers (round robin, kept-alive upstream connections)."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not binary:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-nginx-", dir=DATA_DIR) as prefix:
        conf = Path(prefix) / "nginx.conf"
        conf.write_text(nginx_conf(prefix, port, bases))
        cmd = [binary, "-p", prefix, "-e", f"{prefix}/error.log", "-c", str(conf), "-g", "daemon off;"]
        with _process(cmd, env=dict(os.environ), log_name="nginx.log") as (process, log_path):
            _wait(lambda: _healthy(port), process, 20, log_path, "nginx")
            yield f"http://127.0.0.1:{port}"


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    finally:
        conn.close()


def _wait(check, process, seconds: float, log_path, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = Path(log_path).read_text(errors="replace")
            raise RuntimeError(f"{what} exited ({process.returncode}):\n{err[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer in time")
