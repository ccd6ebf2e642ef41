"""`make bench` / `make bench-quick`: build the datasets, serve them with gunicorn, load them, report.

    python -m bench.run --sizes S,M,L [--engines sqlite,postgresql] [--quick]
    python -m bench.run --publish
    python -m bench.run --sizes S,L --scenarios cockpit,list_overdue --merge

`--scenarios` measures only the named HTTP scenarios again (interleaved, on the same servers as a whole
run) and, with `--merge`, replaces just their rows in the last results: to check a change to one path
without repeating the hour-long rest.

A run writes bench/results.json and bench/results.md, never the README, and exits 1 when a target it
judged is missed (an S-only run judges the targets that S alone decides). `--publish` measures nothing: it
pastes the last run's bench/results.md into the README's Performance section (between the bench markers).
Installs nothing: without wrk it says how to get it and uses the Python load generator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench import jobs_http, load, report
from bench.config import DATA_DIR, PG_SERVER, ROOT, SCALE, SIZES, Target
from bench.server import balancer, job_worker, redis, serve
from bench.worker import (
    HOME_PERSONAS,
    LIST_VARIANTS,
    MAP_DISTRICT,
    MAP_TOWN_ZOOM,
    STATS_PATH,
    TOWN_OFFICER,
    deep_page,
    list_path,
)

RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "bench" / "results.md"


class Settings:
    def __init__(self, quick: bool):
        self.quick = quick
        self.warmup = 1 if quick else 3
        self.runs = 2 if quick else 3  # rounds alternate between the sizes: an even count is balanced
        self.seconds = 2 if quick else 8
        self.home_runs = 1 if quick else 2  # twelve roles: the home page gets shorter runs
        self.home_seconds = 2 if quick else 5  # one connection: a slow page still completes
        self.transition_rounds = 6 if quick else 40
        self.import_rows = 5_000 if quick else 100_000
        # Peak RSS of the export at the larger size against the smaller; both above the query's chunk of
        # 2,000 rows, so a streaming export shows a flat line (issue 7: 100k against 10k).
        self.export_sizes = (2_500, 5_000) if quick else (10_000, 100_000)
        self.sql_repeat = 15 if quick else 50


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def postgres_reachable() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_SERVER.rstrip("/") + "/postgres", connect_timeout=5):
            return True
    except psycopg.Error:
        return False


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb, "os": platform.platform()}


def worker(target: Target, secret: str, command: str, *, rows=None, file=None, timeout=1800) -> dict:
    cmd = [sys.executable, "-m", "bench.worker", command, "--size", target.size, "--engine", target.engine]
    if rows is not None:
        cmd += ["--rows", str(rows)]
    if file is not None:
        cmd += ["--file", str(file)]
    out = subprocess.run(
        cmd, cwd=ROOT, env=target.env(secret_key=secret), capture_output=True, text=True, timeout=timeout
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.worker {command} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def build(target: Target, secret: str) -> dict:
    log(f"{target.label}: dataset")
    out = subprocess.run(
        [sys.executable, "-m", "bench.dataset", "--size", target.size, "--engine", target.engine],
        cwd=ROOT,
        env=target.env(secret_key=secret),
        capture_output=True,
        text=True,
        timeout=3 * 3600,
    )
    if out.returncode != 0:
        raise RuntimeError(f"building {target.label} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(path: str, connections: int, runs: list[dict]) -> dict:
    done = [r for r in runs if r["requests"]]

    def median(key):
        return round(statistics.median(r[key] for r in done), 3) if done else None

    return {
        "path": path,
        "connections": connections,
        "p50_ms": median("p50_ms"),
        "p95_ms": median("p95_ms"),
        "p99_ms": median("p99_ms"),
        "throughput": round(statistics.median(r["throughput"] for r in runs), 1) if runs else 0.0,
        "errors": sum(r["error_count"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "runs": runs,
    }


def measure(
    base: str, path: str, headers: dict, settings: Settings, *, connections=4, seconds=None, runs=None
):
    """Warm-up, then several runs against one server; the figures are the medians of the runs."""
    seconds = seconds or settings.seconds
    for _ in range(settings.warmup):
        load.run(base, path, headers=headers, connections=connections, seconds=1)
    done = [
        load.run(base, path, headers=headers, connections=connections, seconds=seconds)
        for _ in range(runs or settings.runs)
    ]
    return _summary(path, connections, done)


def interleaved(cases: dict[str, dict], settings: Settings) -> dict[str, dict]:
    """One scenario on every size's server, in alternating rounds (S, L, L, S, …) within one run, so that
    a ratio compares two servers under the same machine load (issue 18). `cases`: size → case."""
    sizes = list(cases)
    for size in sizes:
        c = cases[size]
        for _ in range(settings.warmup):
            load.run(c["base"], c["path"], headers=c["headers"], connections=c["connections"], seconds=1)
    runs: dict[str, list] = {size: [] for size in sizes}
    for round_ in range(cases[sizes[0]]["runs"]):
        for size in sizes if round_ % 2 == 0 else reversed(sizes):
            c = cases[size]
            runs[size].append(
                load.run(
                    c["base"],
                    c["path"],
                    headers=c["headers"],
                    connections=c["connections"],
                    seconds=c["seconds"],
                )
            )
    return {size: _summary(cases[size]["path"], cases[size]["connections"], runs[size]) for size in sizes}


def _headers(prep: dict, username: str, auth: str) -> dict:
    if auth == "token":
        return {"Authorization": f"Token {prep['tokens'][username]}"}
    return {"Cookie": f"sessionid={prep['sessions'][username]}"}


def scenario_specs(prep: dict, settings: Settings) -> list[tuple[str, str, dict, int, float, int, dict]]:
    """Every user path measured over HTTP: (name, path, headers, connections, seconds, runs, extra)."""
    token = _headers(prep, TOWN_OFFICER, "token")
    admin = _headers(prep, "admin", "token")
    s, r = settings.seconds, settings.runs
    deep = deep_page(prep["open_in_town"])
    specs = [
        ("ping", "/api/v1/ping/", token, 4, s, r, {}),
        ("list_page_1", list_path(1), token, 4, s, r, {}),
        # Page 50 exists from S up (a tiny run has fewer pages: its last page instead).
        ("list_page_50", list_path(min(50, deep)), token, 4, s, r, {}),
        ("list_page_deep", list_path(deep), token, 4, s, r, {"page": deep}),
    ]
    for name, (username, auth, path) in LIST_VARIANTS.items():
        specs.append((name, path, _headers(prep, username, auth), 4, s, r, {}))
    specs += [
        ("stats", STATS_PATH, admin, 4, s, r, {}),
        # The leaders' cockpit (issue 16): every figure, district-wide, as the API answers it.
        ("cockpit", "/api/v1/cockpit/", admin, 4, s, r, {}),
        (
            "hazard_page",
            f"/hazards/{prep['hazard_page']}/",
            _headers(prep, TOWN_OFFICER, "session"),
            4,
            s,
            r,
            {},
        ),
        ("map_district", MAP_DISTRICT, _headers(prep, "admin", "session"), 4, s, r, {}),
        (
            "map_town",
            f"{MAP_DISTRICT.split('?')[0]}?zoom={MAP_TOWN_ZOOM}&bbox={prep['map_town']}",
            _headers(prep, "admin", "session"),
            4,
            s,
            r,
            {},
        ),
    ]
    for username in HOME_PERSONAS:
        # One connection: a slow page still completes inside the run.
        specs.append(
            (
                f"home:{username}",
                "/",
                _headers(prep, username, "session"),
                1,
                settings.home_seconds,
                settings.home_runs,
                {},
            )
        )
    return specs


def http_scenarios(
    targets: list[Target], bases: dict, preps: dict, settings: Settings, only: set[str] | None = None
) -> list[dict]:
    """Every scenario (or those named) on every size's server, interleaved; one row per scenario and size."""
    rows = []
    by_size = {t.size: scenario_specs(preps[t.size], settings) for t in targets}
    engine = targets[0].engine
    for index, spec in enumerate(by_size[targets[0].size]):
        name = spec[0]
        if only is not None and name not in only:
            continue
        cases = {}
        for t in targets:
            _n, path, headers, connections, seconds, runs, _extra = by_size[t.size][index]
            cases[t.size] = {
                "base": bases[t.size],
                "path": path,
                "headers": headers,
                "connections": connections,
                "seconds": seconds,
                "runs": runs,
            }
        measured = interleaved(cases, settings)
        for t in targets:
            extra = by_size[t.size][index][6]
            row = {"scenario": name, "size": t.size, "engine": engine, **measured[t.size], **extra}
            rows.append(row)
            log(
                f"{t.label} {name}: p50 {row['p50_ms']} ms, {row['throughput']} req/s, {row['errors']} errors"
            )
    return rows


def captured_sql(target: Target, base: str, prep: dict, settings: Settings) -> list[dict]:
    """Request time over HTTP against the SQL time of the queries that same request sent, as the bench
    server's middleware reports them (bench.middleware): one connection, requests one after another."""
    rows = []
    for name, path, headers in [
        ("list_page_1", list_path(1), _headers(prep, TOWN_OFFICER, "token")),
        ("stats", STATS_PATH, _headers(prep, "admin", "token")),
    ]:
        result = load.timed_requests(base, path, headers=headers, count=settings.sql_repeat)
        rows.append(
            {"scenario": f"captured_sql:{name}", "size": target.size, "engine": target.engine, **result}
        )
        log(
            f"{target.label} captured SQL {name}: request {result['request_ms']} ms, "
            f"SQL {result['sql_ms']} ms in {result['queries']} queries"
        )
    return rows


def balanced(
    target: Target, secret: str, redis_url: str, first_base: str, prep: dict, settings: Settings
) -> dict:
    """Two app servers on the same database behind nginx, the list at 64 connections (issue 18)."""
    with (
        serve(target, secret_key=secret, redis_url=redis_url) as second,
        balancer([first_base, second]) as base,
    ):
        # 64 connections queue behind the workers: runs long enough for the queue to drain and refill.
        result = measure(
            base,
            list_path(1),
            _headers(prep, TOWN_OFFICER, "token"),
            settings,
            connections=64,
            seconds=max(settings.seconds, 5),
        )
    log(
        f"{target.label} balanced list: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, {result['errors']} errors"
    )
    return {"scenario": "balanced_list", "size": target.size, "engine": target.engine, "servers": 2, **result}


def job_scenarios(target: Target, secret: str) -> dict:
    result = worker(target, secret, "jobs")
    log(f"{target.label} jobs: {result['due_hazards']} due, escalation {result['seconds']} s")
    return {"scenario": "jobs", "size": target.size, "engine": target.engine, **result}


def transitions(target: Target, secret: str, base: str, prep: dict, settings: Settings) -> dict:
    from bench.transitions import CLIENTS

    spec = {
        "base": base,
        "seconds": 120,
        "rounds": settings.transition_rounds,
        "submitter": prep["tokens"][TOWN_OFFICER],
        "checker": prep["tokens"]["inspector_duruan"],
        "hazards": prep["transition_hazards"],
    }
    out = subprocess.run(
        [sys.executable, "-m", "bench.transitions", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, dir=DATA_DIR) as handle:
        json.dump({"hazards": result["hazards"], "audit_max_id": prep["audit_max_id"]}, handle)
    try:
        checked = worker(target, secret, "verify", file=handle.name)
    finally:
        Path(handle.name).unlink(missing_ok=True)
    log(
        f"{target.label} transitions: {result['transitions']} done, {result['conflicts_409']} × 409, "
        f"{result['errors']} errors, {checked['lost_updates']} lost updates"
    )
    return {
        "scenario": "transitions",
        "size": target.size,
        "engine": target.engine,
        "clients": CLIENTS,
        **{k: v for k, v in result.items() if k != "hazards"},
        "lost_updates": checked["lost_updates"],
        "problems": checked["problems"],
    }


def xlsx_scenarios(target: Target, secret: str, settings: Settings) -> list[dict]:
    """The export's memory at two row counts in a worker process: flat when it streams."""
    rows = []
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for rows_wanted in sorted({min(n, target.hazards) for n in settings.export_sizes}):
        out = DATA_DIR / f"export-{rows_wanted}.xlsx"
        result = worker(target, secret, "export_run", rows=rows_wanted, file=out)
        baseline = worker(target, secret, "openpyxl_write", rows=rows_wanted, file=out)
        out.unlink(missing_ok=True)
        rows.append(
            {
                "scenario": "export",
                "size": target.size,
                "engine": target.engine,
                **result,
                "throughput": round(result["rows"] / result["seconds"], 1) if result["seconds"] else None,
                "baseline": {
                    "openpyxl_seconds": baseline["seconds"],
                    "openpyxl_peak_rss_mb": baseline["peak_rss_mb"],
                },
            }
        )
        log(f"{target.label} export of {rows_wanted}: {result['seconds']} s, {result['peak_rss_mb']} MB")
    return rows


def collect_static(secret: str) -> None:
    """`make serve` collects the static files before gunicorn starts: pages with DEBUG=false need the
    manifest of hashed names, or they answer 500."""
    env = Target("S", "sqlite").env(secret_key=secret)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )


def run_engine(
    engine: str,
    sizes: list[str],
    secret: str,
    settings: Settings,
    versions: dict,
    only: set[str] | None = None,
):
    """Build each size's database, then serve them all side by side and measure them interleaved."""
    targets = [Target(size, engine) for size in sizes]
    results, datasets, preps = [], {}, {}
    for target in targets:
        datasets[target.label] = build(target, secret)
        v = worker(target, secret, "versions")
        versions.update(python=v["python"], django=v["django"])
        if v["database"] not in versions["databases"]:
            versions["databases"].append(v["database"])
        preps[target.size] = worker(target, secret, "prepare")
        sql = worker(target, secret, "sql")
        results.append(
            {
                "scenario": "list_queries",
                "size": target.size,
                "engine": engine,
                "queries_by_page_size": sql["queries_by_page_size"],
            }
        )
    with ExitStack() as stack:
        redis_server = stack.enter_context(redis())
        # One Redis database number per benchmark database: caches and job queues never mix.
        urls = {t.size: f"{redis_server}/{i}" for i, t in enumerate(targets)}
        bases = {
            t.size: stack.enter_context(serve(t, secret_key=secret, redis_url=urls[t.size])) for t in targets
        }
        results.extend(http_scenarios(targets, bases, preps, settings, only))
        if only is None:
            results.extend(_the_rest_over_http(targets, secret, bases, preps, urls, settings))
    for target in targets:
        # `--scenarios jobs` measures the periodic jobs alone (they run in a worker process, not over HTTP).
        if only is None or "jobs" in only:
            results.append(job_scenarios(target, secret))
        if only is None:
            results.extend(xlsx_scenarios(target, secret, settings))
    return results, datasets


def _the_rest_over_http(targets, secret, bases, preps, urls, settings) -> list[dict]:
    """A whole run's captured SQL, balancer, transitions, import and export, on the servers already up."""
    results = []
    for target in targets:
        results.extend(captured_sql(target, bases[target.size], preps[target.size], settings))
    big = targets[-1]
    results.append(balanced(big, secret, urls[big.size], bases[big.size], preps[big.size], settings))
    for target in targets:
        results.append(transitions(target, secret, bases[target.size], preps[target.size], settings))
    for index, target in enumerate(targets):
        base, prep, url = bases[target.size], preps[target.size], urls[target.size]
        if index == 0:
            with job_worker(target, secret_key=secret, redis_url=url):
                results.append(http_import(target, secret, base, prep, settings))
        # A fresh worker: its peak RSS is the export's alone.
        with job_worker(target, secret_key=secret, redis_url=url) as process:
            results.append(http_export(target, secret, base, prep, process.pid))
    return results


def http_import(target: Target, secret: str, base: str, prep: dict, settings: Settings) -> dict:
    """Upload, preview, confirm and poll over HTTP; the rows are removed afterwards (the dataset stays)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"import-{settings.import_rows}.xlsx"
    if not path.exists():
        worker(target, secret, "make_import_file", rows=settings.import_rows, file=path)
    log(f"{target.label} import of {settings.import_rows} rows over HTTP")
    try:
        result = jobs_http.import_over_http(
            base, _headers(prep, "admin", "token"), path, settings.import_rows
        )
    finally:
        worker(target, secret, "forget_import")
    baseline = worker(target, secret, "openpyxl_read", file=path)
    log(f"{target.label} import: {result['rows_per_second']} rows/s (openpyxl {baseline['rows_per_second']})")
    return {
        "scenario": "import",
        "size": target.size,
        "engine": target.engine,
        **result,
        "throughput": result["rows_per_second"],
        "baseline": {
            "openpyxl_rows_per_second": baseline["rows_per_second"],
            "rows_per_second": baseline["rows_per_second"],
        },
    }


def http_export(target: Target, secret: str, base: str, prep: dict, worker_pid: int) -> dict:
    """The administrator's whole ledger as a job over HTTP; the worker's peak RSS afterwards."""
    rows = prep["admin_hazards"]
    log(f"{target.label} export of {rows} rows over HTTP")
    result = jobs_http.export_over_http(
        base, _headers(prep, "admin", "session"), _headers(prep, "admin", "token"), rows
    )
    out = DATA_DIR / f"export-baseline-{rows}.xlsx"
    baseline = worker(target, secret, "openpyxl_write", rows=rows, file=out)
    out.unlink(missing_ok=True)
    openpyxl_rate = round(rows / baseline["seconds"], 1) if baseline["seconds"] else None
    peak = jobs_http.peak_rss_mb(worker_pid)
    log(
        f"{target.label} export: {result['rows_per_second']} rows/s (openpyxl {openpyxl_rate}), worker {peak} MB"
    )
    return {
        "scenario": "export_http",
        "size": target.size,
        "engine": target.engine,
        **result,
        "throughput": result["rows_per_second"],
        "peak_rss_mb": peak,
        "baseline": {"openpyxl_rows_per_second": openpyxl_rate, "openpyxl_seconds": baseline["seconds"]},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="S")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="shorter runs and a 5k-row import")
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="every size a tenth as large (databases of their own): checks that every scenario runs",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="measure nothing; paste the last run's bench/results.md into the README",
    )
    parser.add_argument(
        "--scenarios",
        help="measure only these scenarios (comma-separated names, e.g. cockpit,list_overdue,jobs)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the sizes of the previous bench/results.json that this run does not measure",
    )
    args = parser.parse_args(argv)
    if args.tiny and not os.environ.get("BENCH_SCALE"):
        # The sizes are read when bench.config is imported: start again with the scale in the environment.
        os.environ["BENCH_SCALE"] = "0.1"
        return subprocess.run(
            [sys.executable, "-m", "bench.run", *(argv if argv is not None else sys.argv[1:])]
        ).returncode
    if args.publish:
        return publish()
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if any(s not in SIZES for s in sizes) or any(e not in ("sqlite", "postgresql") for e in engines):
        parser.error("sizes are S, M, L; engines are sqlite and postgresql")
    if "S" not in sizes:
        sizes.insert(0, "S")  # every ratio target is against S
    if "postgresql" in engines and not postgres_reachable():
        log(
            f"PostgreSQL is not reachable at {PG_SERVER} (set BENCH_PG_URL to a server where the user may "
            "create databases), or run with --engines sqlite."
        )
        return 2
    if not load.wrk_path():
        log(load.WRK_HELP)
    settings = Settings(args.quick)
    secret = secrets.token_urlsafe(50)
    started = dt.datetime.now(dt.UTC)
    results: list[dict] = []
    versions: dict = {"databases": []}
    datasets = {}
    collect_static(secret)
    only = {n.strip() for n in args.scenarios.split(",") if n.strip()} if args.scenarios else None
    for engine in engines:
        rows, built = run_engine(engine, sizes, secret, settings, versions, only)
        results.extend(rows)
        datasets.update(built)
    finished = dt.datetime.now(dt.UTC)
    merged_from = None
    if args.merge and RESULTS_JSON.exists():
        # Ratio targets still come from this run alone: they compare its largest size with its own S.
        previous = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        fresh = {_merge_key(r, only) for r in results}
        results = [r for r in previous.get("results", []) if _merge_key(r, only) not in fresh] + results
        merged_from = previous.get("started")
        engines = [e for e in ("sqlite", "postgresql") if any(r["engine"] == e for r in results)]
        sizes = [s for s in SIZES if any(r["size"] == s for r in results)]
    out = {
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "quick": args.quick,
        "scale": SCALE,
        "sizes": sizes,
        "engines": engines,
        "machine": machine(),
        "versions": versions,
        "load_tool": load.tool_name(),
        "datasets": datasets,
        "results": results,
        "merged_from": merged_from,
        # Rows of these scenarios come from this run, the rest from `merged_from` (a `--scenarios` run).
        "scenarios_only": sorted(only) if only else None,
    }
    out["targets"] = report.compute_targets(results, engines)
    if SCALE != 1:
        # A tiny run checks the harness; its figures never replace the measured ones.
        paths = {"json_path": DATA_DIR / "results-tiny.json", "md_path": DATA_DIR / "results-tiny.md"}
    else:
        paths = {"json_path": RESULTS_JSON, "md_path": RESULTS_MD}
    code = write_results(out, **paths)
    log(f"done in {(finished - started).total_seconds():.0f} s: {paths['json_path']}, {paths['md_path']}")
    return code


def _merge_key(row: dict, only: set[str] | None) -> tuple:
    # A whole run replaces its sizes and engines; a run of named scenarios replaces just those rows.
    if only is None:
        return (row["size"], row["engine"])
    return (row["size"], row["engine"], row["scenario"])


def write_results(out: dict, *, json_path: Path | None = None, md_path: Path | None = None) -> int:
    """Write the run's files (never the README); 1 when a judged target is missed, so make fails."""
    json_path, md_path = json_path or RESULTS_JSON, md_path or RESULTS_MD
    json_path.write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    md_path.write_text(report.markdown(out), encoding="utf-8")
    unmet = report.missed(out["targets"])
    for name in unmet:
        log(f"target not met: {name}")
    return 1 if unmet else 0


def publish(*, md_path: Path | None = None, readme: Path | None = None) -> int:
    """The deliberate step that changes the README's published table: the last run's results.md as is."""
    md_path = md_path or RESULTS_MD
    if not md_path.exists():
        log("no bench/results.md yet: run `make bench` first")
        return 2
    if not report.update_readme(md_path.read_text(encoding="utf-8"), readme):
        log("README has no bench markers; nothing published")
        return 2
    log("README's Performance table replaced by bench/results.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
