"""Scenario 4: 16 concurrent clients streaming hazard transitions over the real API on loopback.

Half the clients share one hazard (they race: one wins each version, the others must get 409), the other
half work on a hazard each. A client reads the hazard, then submits it (town officer, with the "after"
photo already on record) or rejects it (the town's inspector — never the submitter, R-HAZ-5), sending
the version it read. Bounded by a number of rounds per client and by time.

    python -m bench.transitions '<json spec>'
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

from bench.load import LOOPBACK, percentile

CLIENTS = 16


def plan(hazards: list[dict], clients: int = CLIENTS) -> list[dict]:
    """Which hazard each client works on: the first half share hazard 0, the rest one each."""
    shared = clients // 2
    own = hazards[1:] or hazards
    return [hazards[0] if i < shared else own[(i - shared) % len(own)] for i in range(clients)]


def run(spec: dict) -> dict:
    parts = urlsplit(spec["base"])
    if parts.hostname != LOOPBACK:
        raise ValueError("loopback only")
    deadline = time.monotonic() + float(spec["seconds"])
    rounds = int(spec["rounds"])
    submitter = {"Authorization": f"Token {spec['submitter']}", "Content-Type": "application/json"}
    checker = {"Authorization": f"Token {spec['checker']}", "Content-Type": "application/json"}
    lock = threading.Lock()
    successes: dict[int, int] = {h["id"]: 0 for h in spec["hazards"]}
    counts = {"ok": 0, "conflict": 0, "errors": 0}
    error_samples: list[str] = []
    latencies: list[float] = []

    def client(hazard: dict):
        conn = http.client.HTTPConnection(LOOPBACK, parts.port, timeout=30)
        local = []
        for _ in range(rounds):
            if time.monotonic() > deadline:
                break
            try:
                conn.request("GET", f"/api/v1/hazards/{hazard['id']}/", headers=submitter)
                response = conn.getresponse()
                current = json.loads(response.read())
                if response.status != 200:
                    raise RuntimeError(f"read {response.status}")
                if current["state"] == "rectifying":
                    action, headers = "submit", submitter
                    body = {
                        "version": current["version"],
                        "rectification_note": "已整改，见照片",
                        "attachments": [hazard["attachment"]],
                    }
                else:
                    action, headers = "reject", checker
                    body = {"version": current["version"], "reason": "整改不到位，请重新整改"}
                started = time.perf_counter()
                conn.request(
                    "POST",
                    f"/api/v1/hazards/{hazard['id']}/{action}/",
                    body=json.dumps(body),
                    headers=headers,
                )
                response = conn.getresponse()
                text = response.read()
                local.append((time.perf_counter() - started) * 1000)
            except (OSError, RuntimeError, ValueError) as exc:
                conn.close()
                with lock:
                    counts["errors"] += 1
                    if len(error_samples) < 5:
                        error_samples.append(repr(exc))
                continue
            with lock:
                if response.status == 200:
                    counts["ok"] += 1
                    successes[hazard["id"]] += 1
                elif response.status == 409:
                    counts["conflict"] += 1
                else:
                    counts["errors"] += 1
                    if len(error_samples) < 5:
                        error_samples.append(f"{response.status} {text[:200]!r}")
        conn.close()
        with lock:
            latencies.extend(local)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(h,)) for h in plan(spec["hazards"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=float(spec["seconds"]) + 60)
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "clients": len(threads),
        "seconds": round(elapsed, 2),
        "transitions": counts["ok"],
        "conflicts_409": counts["conflict"],
        "errors": counts["errors"],
        "error_samples": error_samples,
        "throughput": round(counts["ok"] / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 50), 3),
        "p95_ms": round(percentile(latencies, 95), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "hazards": [{**h, "successes": successes[h["id"]]} for h in spec["hazards"]],
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
