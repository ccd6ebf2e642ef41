"""The harness's own pieces (issue 18): every module's rows, the production-shaped servers, the captured
SQL time, interleaved rounds, and every user path answering for its persona — a broken scenario fails here
before it fails a long run."""

from __future__ import annotations

import http.server
import multiprocessing
import random
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from bench import load, modules, run, server, worker
from bench.config import Target
from bench.dataset import generate
from bench.middleware import QUERIES_HEADER, REQUEST_HEADER, SQL_HEADER
from registry.models import Enterprise

# --- datasets ------------------------------------------------------------------------------------------------


def test_every_module_gets_rows_in_the_demo_proportions(district):
    generate(hazards=200, seed=5)
    built = modules.build(seed=5, log=lambda _m: None)
    assert {"risk", "inspections", "accidents", "duty", "emergency", "accountability"} <= set(
        built["builders"]
    )
    enterprises = Enterprise.objects.count()
    assert not Enterprise.objects.filter(lat__isnull=True).exists()  # the map has every enterprise
    for family in modules.FAMILIES:
        model = modules._model(family.root)
        assert model.objects.count() >= round(family.per_enterprise * enterprises) * 0.9, family.root
    # A copied inspection brings its item results along, pointed at the copy.
    from inspections.models import Inspection, ItemResult

    assert ItemResult.objects.filter(inspection__in=Inspection.objects.order_by("-id")[:5]).exists()


def test_copies_keep_unique_columns_unique(district):
    from inspections.models import CampaignTarget

    generate(hazards=100, seed=7)
    modules.run_builders(seed=7, log=lambda _m: None)
    cloner = modules.Cloner(connection, random.Random(1), list(_enterprises()))
    plan = cloner.plan("inspections.CampaignTarget")
    template = plan["rows"][0]
    taken = template[plan["table"].index["enterprise_id"]]
    row = cloner.copy(plan, template, {"enterprise_id": taken})
    # The (campaign, enterprise) pair already exists: the copy is redrawn to an enterprise not yet targeted.
    assert row is None or row[plan["table"].index["enterprise_id"]] != taken
    assert CampaignTarget.objects.count() == len(plan["rows"])


def _enterprises():
    return Enterprise.objects.order_by("pk").values_list("pk", "town_id")


def test_tiny_scale_uses_databases_of_its_own(monkeypatch):
    import importlib

    from bench import config

    monkeypatch.setenv("BENCH_SCALE", "0.1")
    tiny = importlib.reload(config)
    try:
        target = tiny.Target("S", "postgresql")
        assert target.hazards == 1_000
        assert target.pg_name == "redline_bench_s_tiny"
        assert target.var_dir.name == "sqlite_s_tiny"
    finally:
        monkeypatch.delenv("BENCH_SCALE")
        importlib.reload(config)


# --- servers -------------------------------------------------------------------------------------------------


def test_the_bench_server_is_the_production_start():
    env = server.server_env(
        Target("S", "sqlite"), secret_key="x" * 50, redis_url="redis://127.0.0.1:1/0", port=1234, workers=None
    )
    assert env["DEBUG"] == "false"
    assert env["REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert env["WEB_BIND"] == "127.0.0.1:1234"
    assert "WEB_WORKERS" not in env and "WEB_TIMEOUT" not in env  # the documented defaults
    conf: dict = {}
    exec(Path(server.GUNICORN_CONF).read_text(), conf)  # noqa: S102 - the project's own settings file
    assert conf["timeout"] == 30
    assert conf["workers"] == multiprocessing.cpu_count() * 2 + 1


def test_the_balancer_sends_to_every_app_server():
    text = server.nginx_conf("/tmp/x", 9000, ["http://127.0.0.1:8001", "http://127.0.0.1:8002"])
    assert "server 127.0.0.1:8001;" in text and "server 127.0.0.1:8002;" in text
    assert "listen 127.0.0.1:9000;" in text


def test_rounds_alternate_between_the_sizes(monkeypatch):
    calls = []

    def fake_run(base, path, **_kw):
        calls.append(base)
        return {
            "requests": 1,
            "p50_ms": 1.0,
            "p95_ms": 1.0,
            "p99_ms": 1.0,
            "throughput": 1.0,
            "error_count": 0,
        }

    monkeypatch.setattr(load, "run", fake_run)
    settings = run.Settings(quick=True)
    case = {"path": "/", "headers": {}, "connections": 1, "seconds": 1, "runs": 3}
    out = run.interleaved({"S": {**case, "base": "s"}, "L": {**case, "base": "l"}}, settings)
    assert calls[settings.warmup * 2 :] == ["s", "l", "l", "s", "s", "l"]
    assert set(out) == {"S", "L"}


# --- captured SQL --------------------------------------------------------------------------------------------


def test_the_bench_middleware_reports_the_requests_own_sql(persona, settings):
    from rest_framework.test import APIClient

    from accounts.models import ApiToken

    key = ApiToken.issue(persona("duruan"))
    with override_settings(MIDDLEWARE=["bench.middleware.SqlTiming", *settings.MIDDLEWARE]):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = client.get("/api/v1/hazards/?page=1")
    assert response.status_code == 200
    assert int(response[QUERIES_HEADER]) >= 2
    assert 0 < float(response[SQL_HEADER]) <= float(response[REQUEST_HEADER])


def test_the_middleware_is_off_in_production_settings(settings):
    assert "bench.middleware.SqlTiming" not in settings.MIDDLEWARE


def test_timed_requests_divide_client_time_by_the_reported_sql_time():
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.send_header(REQUEST_HEADER, "2.0")
            self.send_header(SQL_HEADER, "0.001")
            self.send_header(QUERIES_HEADER, "3")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        out = load.timed_requests(f"http://127.0.0.1:{httpd.server_port}", "/", headers={}, count=5)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert out["requests"] == 5 and out["errors"] == 0 and out["queries"] == 3
    assert out["ratio"] == pytest.approx(out["request_ms"] / 0.001, rel=0.01)


# --- every user path -----------------------------------------------------------------------------------------


def _prep(sessions: dict, tokens: dict) -> dict:
    return {"tokens": tokens, "sessions": sessions, "open_in_town": 40, "hazard_page": 0, "map_town": ""}


@pytest.mark.django_db(transaction=False)
def test_every_scenario_answers_its_persona(district, client):
    """Each path of `scenario_specs`, requested as the run requests it, answers 200 (a persona that lost
    its page, a renamed URL or a failing map fails here)."""
    from accounts.models import ApiToken, User
    from hazards.choices import OPEN_STATES
    from hazards.models import Hazard

    generate(hazards=60, seed=9)
    worker._scoped_personas()
    duruan = User.objects.get(username=worker.TOWN_OFFICER)
    hazard = Hazard.objects.filter(town_id=duruan.town_id).order_by("-id").first()
    tokens = {u: ApiToken.issue(User.objects.get(username=u)) for u in worker.HOME_PERSONAS}
    prep = _prep({u: u for u in worker.HOME_PERSONAS}, tokens)
    open_in_town = Hazard.objects.filter(town_id=duruan.town_id, state__in=OPEN_STATES).count()
    prep.update(hazard_page=hazard.pk, map_town=worker._town_box(duruan.town), open_in_town=open_in_town)
    specs = run.scenario_specs(prep, run.Settings(quick=True))
    names = {s[0] for s in specs}
    assert {"map_district", "map_town", "cockpit", "list_mixed_scope", "stats", "list_html"} <= names
    assert {f"home:{u}" for u in worker.HOME_PERSONAS} <= names
    for name, path, headers, *_rest in specs:
        if name == "list_page_50":
            continue  # 60 hazards have no page 50; the deep page is the last page here
        if "Cookie" in headers:
            username = headers["Cookie"].split("=", 1)[1]
            client.force_login(User.objects.get(username=username))
            _force_second_factor(client)
            response = client.get(path, HTTP_HOST="127.0.0.1")
        else:
            response = client.get(path, HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=headers["Authorization"])
        assert response.status_code == 200, (name, path, response.status_code)


def _force_second_factor(client) -> None:
    from accounts.security import SESSION_MFA_KEY

    session = client.session
    session[SESSION_MFA_KEY] = True
    session.save()


# --- import and export over HTTP -----------------------------------------------------------------------------


def test_the_upload_is_a_multipart_body_django_reads(tmp_path, rf):
    from bench import jobs_http

    file = tmp_path / "e.xlsx"
    file.write_bytes(b"PK\x03\x04 not really a workbook")
    body, content_type = jobs_http.multipart({"dry_run": "true"}, "file", file)
    request = rf.post("/", data=body, content_type=content_type)
    assert request.POST["dry_run"] == "true"
    assert request.FILES["file"].read() == file.read_bytes()


def test_the_workers_peak_memory_is_read_from_proc():
    import os

    from bench import jobs_http

    assert jobs_http.peak_rss_mb(os.getpid()) > 10
    assert jobs_http.peak_rss_mb(2**22 + 12345) is None


# --- named scenarios -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("only", "jobs", "rest"),
    [({"cockpit"}, False, False), ({"cockpit", "jobs"}, True, False), (None, True, True)],
)
def test_named_scenarios_measure_the_periodic_jobs_only_when_named(monkeypatch, only, jobs, rest):
    """`--scenarios cockpit,jobs` times the jobs at each size without the hour-long rest of a whole run."""
    called = []
    monkeypatch.setattr(run, "build", lambda target, secret: {})
    monkeypatch.setattr(
        run,
        "worker",
        lambda target, secret, what: {
            "python": "3",
            "django": "6",
            "database": "x",
            "queries_by_page_size": {},
        },
    )
    monkeypatch.setattr(run, "redis", lambda: _null("redis://"))
    monkeypatch.setattr(run, "serve", lambda target, **kw: _null("http://x"))
    monkeypatch.setattr(run, "http_scenarios", lambda *a: called.append("http") or [])
    monkeypatch.setattr(run, "_the_rest_over_http", lambda *a: called.append("rest") or [])
    monkeypatch.setattr(run, "job_scenarios", lambda t, s: called.append(f"jobs {t.size}") or {})
    monkeypatch.setattr(run, "xlsx_scenarios", lambda *a: called.append("xlsx") or [])
    run.run_engine("sqlite", ["S", "L"], "secret", run.Settings(quick=True), {"databases": []}, only)
    assert ("jobs S" in called and "jobs L" in called) is jobs
    assert ("rest" in called and "xlsx" in called) is rest
    assert "http" in called


def _null(value):
    import contextlib

    return contextlib.nullcontext(value)
