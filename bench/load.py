"""HTTP load against the benchmark server on loopback: wrk with a Lua script, or a bounded Python fallback.

Both report the same JSON: requests, seconds, throughput (requests per second), p50/p95/p99 and mean in
milliseconds, and errors (connection errors, timeouts and non-2xx answers). Every loop here is bounded
by time and by count, and only 127.0.0.1 is ever targeted.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
MAX_REQUESTS = 200_000  # per run, whatever the duration: a runaway loop stops here

WRK_SCRIPT = r"""
-- Set by the runner: the path to request and the headers of the persona.
local path = os.getenv("BENCH_PATH")
local header_json = os.getenv("BENCH_HEADERS") or ""
for name, value in string.gmatch(header_json, '([%w%-]+)=([^\n]*)\n') do
  wrk.headers[name] = value
end

request = function()
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  local non2xx = e.status
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f, ' ..
    '"max_ms": %.3f, "errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, non2xx))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def tool_name() -> str:
    if not wrk_path():
        return "Python http.client threads"
    out = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True, timeout=10)
    words = (out.stdout + out.stderr).split()
    return " ".join(words[:2]) if words else "wrk"


WRK_HELP = (
    "wrk is not installed; the Python load generator is used instead (fewer requests per second on a small "
    "machine, so throughput figures are lower bounds). Install wrk with `apt-get install wrk` (Debian/Ubuntu) "
    "or `brew install wrk` (macOS) for the reference figures."
)


def _check_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname
    if host != LOOPBACK:
        raise ValueError(f"The benchmark only targets {LOOPBACK}, not {host!r}.")


def run(base_url: str, path: str, *, headers: dict, connections: int, seconds: float) -> dict:
    """One measured run of GET `path` with `connections` concurrent connections for `seconds`."""
    _check_loopback(base_url)
    if wrk_path():
        result = _run_wrk(base_url, path, headers=headers, connections=connections, seconds=seconds)
        result["tool"] = "wrk"
    else:
        result = _run_python(base_url, path, headers=headers, connections=connections, seconds=seconds)
        result["tool"] = "python"
    result["throughput"] = round(result["requests"] / result["seconds"], 1) if result["seconds"] else 0.0
    if result["requests"] == 0:
        # Nothing finished inside the run: an answer slower than the run itself, reported as such.
        result["errors"]["incomplete"] = connections
        for key in ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms"):
            result[key] = None
    result["error_count"] = sum(result["errors"].values())
    return result


def _run_wrk(base_url, path, *, headers, connections, seconds) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        env = {
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "BENCH_PATH": path,
            "BENCH_HEADERS": "".join(f"{k}={v}\n" for k, v in headers.items()),
        }
        threads = max(1, min(connections, 2))
        out = subprocess.run(
            [
                wrk_path(),
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=seconds + 60,
            check=True,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def _run_python(base_url, path, *, headers, connections, seconds) -> dict:
    """The fallback generator, in its own process so that it does not share a GIL with anything."""
    spec = json.dumps(
        {"base": base_url, "path": path, "headers": headers, "connections": connections, "seconds": seconds}
    )
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", spec],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed_requests(base_url: str, path: str, *, headers: dict, count: int) -> dict:
    """`count` GETs one after another on one kept-alive connection, each timed by the client and read
    for the bench server's own figures (bench.middleware): request ms inside Django, SQL ms, queries.
    The ratio is the median client time over the median SQL time of those same requests."""
    import http.client

    _check_loopback(base_url)
    port = urlsplit(base_url).port
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    client, server, sql, queries, errors = [], [], [], [], 0
    try:
        for _ in range(max(1, min(count, 10_000)) + 1):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200 or response.getheader("X-Bench-SQL-ms") is None:
                errors += 1
                continue
            client.append(elapsed)
            server.append(float(response.getheader("X-Bench-Request-ms")))
            sql.append(float(response.getheader("X-Bench-SQL-ms")))
            queries.append(int(response.getheader("X-Bench-Queries")))
    finally:
        conn.close()
    client, server, sql = client[1:], server[1:], sql[1:]  # the first warms the connection
    if not client:
        return {
            "requests": 0,
            "errors": errors,
            "request_ms": None,
            "server_ms": None,
            "sql_ms": None,
            "queries": None,
            "ratio": None,
        }
    median = _median
    ratio = round(median(client) / median(sql), 2) if median(sql) else None
    return {
        "requests": len(client),
        "errors": errors,
        "request_ms": round(median(client), 3),
        "server_ms": round(median(server), 3),
        "sql_ms": round(median(sql), 3),
        "queries": max(queries),
        "ratio": ratio,
        "p50_ms": round(median(client), 3),
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def python_load(spec: dict) -> dict:
    import http.client

    parts = urlsplit(spec["base"])
    if parts.hostname != LOOPBACK:
        raise ValueError("loopback only")
    deadline = time.monotonic() + float(spec["seconds"])
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0}
    lock = threading.Lock()
    budget = [MAX_REQUESTS]

    def client():
        conn = http.client.HTTPConnection(LOOPBACK, parts.port, timeout=10)
        local: list[float] = []
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", spec["path"], headers=spec["headers"])
                response = conn.getresponse()
                response.read()
            except TimeoutError:
                errors["timeout"] += 1
                conn.close()
                continue
            except OSError:
                errors["read"] += 1
                conn.close()
                continue
            local.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 300:
                errors["status"] += 1
        conn.close()
        with lock:
            latencies.extend(local)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(int(spec["connections"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=float(spec["seconds"]) + 30)
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 6),
        "p50_ms": round(percentile(latencies, 50), 3),
        "p95_ms": round(percentile(latencies, 95), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "mean_ms": round(sum(latencies) / len(latencies), 3) if latencies else 0.0,
        "max_ms": round(latencies[-1], 3) if latencies else 0.0,
        "errors": errors,
    }


if __name__ == "__main__":
    print(json.dumps(python_load(json.loads(sys.argv[1]))))
