"""A real gunicorn (2 workers) on a free loopback port, in production mode, for one benchmark database."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from bench.config import DATA_DIR, ROOT, Target

WORKERS = 2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn() -> list[str]:
    return [sys.executable, "-m", "gunicorn"]


@contextmanager
def serve(target: Target, *, secret_key: str, workers: int = WORKERS, startup_seconds: float = 60.0):
    """Yields the base URL; stops the server (and only it) on the way out."""
    port = free_port()
    env = target.env(secret_key=secret_key)
    cmd = [
        *_gunicorn(),
        "redline.wsgi",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
    ]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    log_path = DATA_DIR / "server.log"
    log = open(log_path, "ab")  # noqa: SIM115 - closed below; a pipe nobody reads would block the workers
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        _wait_ready(port, process, startup_seconds, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()


def _wait_ready(port: int, process, seconds: float, log_path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = log_path.read_text(errors="replace")
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{err[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz in time")
