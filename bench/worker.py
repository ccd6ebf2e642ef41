"""Work done inside Django against one benchmark database, each command in its own process.

    python -m bench.worker <command> --size S --engine sqlite [--rows N] [--file PATH]

The runner starts these with the environment of the target (see `bench.config.Target.env`); each prints
one JSON object. Commands that measure memory report the process's own peak RSS (`ru_maxrss`), which is
why import and export each run in a fresh process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

from bench.config import Target

PERSONAS = [
    "admin",
    "leader",
    "yjj",
    "jtj",
    "duruan",
    "baisha",
    "inspector_duruan",
    "ent_duruan",
    "duty",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
TOWN_OFFICER = "duruan"
# Made by `prepare` (issue 18): a department officer whose department supervises three sectors, and a
# user scoped by both a town and a department's sectors.
THREE_SECTORS = "bench_dept3"
MIXED_SCOPE = "bench_mixed"
HOME_PERSONAS = [*PERSONAS, THREE_SECTORS, MIXED_SCOPE]
OPEN_FILTER = "state=reported&state=rectifying&state=submitted&state=accepted"
SHARED_CLIENTS = 8  # of the 16 transition clients, these share one hazard; the others have one each


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def list_path(page: int) -> str:
    return f"/api/v1/hazards/?{OPEN_FILTER}&page={page}"


STATS_PATH = "/api/v1/stats/hazards/?group_by=town"
DEEP_PAGE = 500  # issue 18: page 500 / page 1 ≤ 2 at L (the last page when the list is shorter)
ENTERPRISE_USER = "ent_duruan"
# The list as users reach it besides the counters' path (issue 18): each falls back to an exact count.
LIST_VARIANTS = {
    "list_search": (TOWN_OFFICER, "token", "/api/v1/hazards/?q=%E9%85%8D%E7%94%B5%E7%AE%B1"),  # q=配电箱
    "list_overdue": (TOWN_OFFICER, "token", "/api/v1/hazards/?overdue=true"),
    "list_enterprise": (ENTERPRISE_USER, "token", f"/api/v1/hazards/?{OPEN_FILTER}"),
    "list_html": (TOWN_OFFICER, "session", f"/hazards/?{OPEN_FILTER}"),
    "list_mixed_scope": (MIXED_SCOPE, "token", f"/api/v1/hazards/?{OPEN_FILTER}"),
}
# The risk map's data as the page asks for it: the whole district zoomed out, one town zoomed in.
MAP_DISTRICT = "/risk/map/data.json?zoom=11"
MAP_TOWN_ZOOM = 15


def deep_page(open_rows: int, page_size: int = 20) -> int:
    return max(1, min(DEEP_PAGE, -(-open_rows // page_size)))


# --- prepare: credentials and the hazards the scenarios use --------------------------------------------------


def prepare(args) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import ApiToken, User, UserSession
    from accounts.security import SESSION_MFA_KEY
    from hazards.choices import State
    from hazards.models import Hazard

    _scoped_personas()
    users = {u.username: u for u in User.objects.filter(username__in=HOME_PERSONAS)}
    tokens, sessions = {}, {}
    for username in HOME_PERSONAS:
        user = users[username]
        tokens[username] = ApiToken.issue(user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        # A benchmark session stands for a finished login, second factor included (accounts.security).
        session[SESSION_MFA_KEY] = True
        session.create()
        UserSession.objects.create(user=user, session_key=session.session_key)
        sessions[username] = session.session_key
    officer = users[TOWN_OFFICER]
    page_hazard = Hazard.objects.filter(town_id=officer.town_id).order_by("-reported_at", "-id").first()
    transitions = _transition_hazards(officer, users, int(args.rows or 9))
    audit_max = _audit_max()
    return {
        "tokens": tokens,
        "sessions": sessions,
        "hazard_page": page_hazard.pk,
        "map_town": _town_box(officer.town),
        "transition_hazards": transitions,
        "audit_max_id": audit_max,
        "admin_hazards": Hazard.objects.count(),  # the administrator's export: every hazard
        "open_in_town": Hazard.objects.filter(
            town_id=officer.town_id,
            state__in=[State.REPORTED, State.RECTIFYING, State.SUBMITTED, State.ACCEPTED],
        ).count(),
    }


def _scoped_personas() -> None:
    """The department with the most sectors (three or more) and a town-and-sectors user, once."""
    from django.db.models import Count

    from accounts.models import User, UserRole
    from core.choices import Role
    from registry.models import Department

    department = (
        Department.objects.annotate(n=Count("sectors")).filter(n__gte=3).order_by("-n", "code").first()
    )
    duruan = User.objects.get(username=TOWN_OFFICER).town
    other = Department.objects.exclude(pk=getattr(department, "pk", None)).order_by("code").first()
    specs = [
        (THREE_SECTORS, "三个行业领域的部门科长", None, department, [Role.DEPARTMENT_OFFICER]),
        (MIXED_SCOPE, "镇街与行业双重范围", duruan, other, [Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER]),
    ]
    for username, name, town, dept, roles in specs:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create(
            username=username, name=name, town=town, department=dept, password_changed_at=_now()
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        for role in roles:
            UserRole.objects.create(user=user, role=role)


def _now():
    from django.utils import timezone

    return timezone.now()


def _town_box(town) -> str:
    """The map's bbox around a town's centre, as the page sends it when zoomed in on the town."""
    lat, lng = float(town.lat), float(town.lng)
    return f"{lat - 0.02:.6f},{lng - 0.02:.6f},{lat + 0.02:.6f},{lng + 0.02:.6f}"


def _audit_max() -> int:
    from audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def _transition_hazards(officer, users, count: int) -> list[dict]:
    """Rectifying hazards of the officer's town, each with an "after" photo on record (for `submit`)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from PIL import Image

    from attachments.services import link_attachments, store_attachment
    from hazards.choices import EvidencePurpose, State
    from hazards.models import Hazard

    candidates = list(
        Hazard.objects.filter(
            town_id=officer.town_id, state=State.RECTIFYING, level="general", listed=False
        ).order_by("-id")[:count]
    )
    out = []
    for hazard in candidates:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
        upload = SimpleUploadedFile("after.png", buffer.getvalue(), content_type="image/png")
        with transaction.atomic():
            attachment = store_attachment(actor=officer, upload=upload)
            link_attachments(
                actor=officer, attachments=[attachment.pk], owner=hazard, purpose=EvidencePurpose.AFTER
            )
        out.append({"id": hazard.pk, "attachment": attachment.pk, "version": hazard.version})
    return out


# --- verify: what the transition stream left behind ---------------------------------------------------------


def verify(args) -> dict:
    """Each hazard's final version and state against the successes the clients saw, and the audit trail."""
    from audit.models import AuditEvent
    from audit.services import event_digest
    from hazards.models import Hazard

    spec = json.loads(Path(args.file).read_text())
    problems = []
    for item in spec["hazards"]:
        hazard = Hazard.objects.get(pk=item["id"])
        successes = item["successes"]
        expected_version = item["version"] + successes
        events = list(
            AuditEvent.objects.filter(
                id__gt=spec["audit_max_id"], target_type="hazards.hazard", target_id=hazard.pk
            ).order_by("id")
        )
        moves = [e for e in events if e.action in ("hazards.hazard.submitted", "hazards.hazard.rejected")]
        if hazard.version != expected_version:
            problems.append(f"hazard {hazard.pk}: version {hazard.version}, expected {expected_version}")
        if len(moves) != successes:
            problems.append(f"hazard {hazard.pk}: {len(moves)} audit events for {successes} successes")
        if moves and moves[-1].data.get("to_state") != hazard.state:
            problems.append(f"hazard {hazard.pk}: state {hazard.state}, last event says {moves[-1].data}")
        for before, after in zip(moves, moves[1:], strict=False):
            if before.data.get("to_state") != after.data.get("from_state"):
                problems.append(f"hazard {hazard.pk}: events {before.pk}→{after.pk} do not chain")
    # The new part of the hash chain still verifies.
    new = list(AuditEvent.objects.filter(id__gt=spec["audit_max_id"]).order_by("id"))
    previous = AuditEvent.objects.filter(id__lte=spec["audit_max_id"]).order_by("-id").first()
    prev_hash = previous.hash if previous else ""
    broken = 0
    for event in new:
        if event.prev_hash != prev_hash or event_digest(event, prev_hash) != event.hash:
            broken += 1
        prev_hash = event.hash
    if broken:
        problems.append(f"{broken} audit events break the hash chain")
    return {"lost_updates": len(problems), "problems": problems[:20], "new_events": len(new)}


# --- sql: queries per list request by page size ---------------------------------------------------------------


def sql(args) -> dict:
    """SQL queries per list request must not grow with the page size (counted in-process). The time
    the SQL takes is captured per request by the served middleware instead (bench.middleware)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ApiToken, User

    key = ApiToken.issue(User.objects.get(username=TOWN_OFFICER))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    client.get(list_path(1))  # the token's first use touches its last-used time once
    by_size = {}
    for page_size in (10, 50, 200):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{list_path(1)}&page_size={page_size}")
        if response.status_code != 200:
            raise RuntimeError(f"the list answered {response.status_code}: {response.content[:300]!r}")
        by_size[str(page_size)] = len(captured.captured_queries)
    return {"queries_by_page_size": by_size}


# --- import and export ---------------------------------------------------------------------------------------


def make_import_file(args) -> dict:
    """An .xlsx of `rows` new enterprises in the registry's template (valid, distinct credit codes)."""
    from openpyxl import Workbook

    from bench.dataset import credit_code
    from registry.demo import PROFILES
    from registry.importer import TEMPLATE_HEADERS
    from registry.models import Jurisdiction, Sector

    rows = int(args.rows)
    towns = [t.name for t in Jurisdiction.objects.towns().order_by("code")]
    sector_names = {s.pk: s.name for s in Sector.objects.all()}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(TEMPLATE_HEADERS)
    for i in range(rows):
        sectors = PROFILES[i % len(PROFILES)][0]
        ws.append(
            [
                f"{IMPORT_NAME}{i}号五金制品有限公司",
                credit_code(10_000_000 + i, 7),
                towns[i % len(towns)],
                "、".join(sector_names[s] for s in sectors),
                f"江门市蓬江区示例路{i}号",
                "张三",
                "13800138000",
                "李四",
                "王五",
                "13900139000",
                str(10 + i % 500),
                "小型",
                "",
                "五金制品的生产与销售",
                "",
                "",
            ]
        )
    wb.save(args.file)
    return {"rows": rows, "bytes": Path(args.file).stat().st_size}


class _Rollback(Exception):
    pass


def import_run(args) -> dict:
    """The real import service on the file, in a transaction that is rolled back at the end."""
    from django.core.files import File
    from django.db import transaction

    from accounts.models import User
    from registry.importer import run_import

    actor = User.objects.get(username="admin")
    started = time.perf_counter()
    result = None
    try:
        with open(args.file, "rb") as handle, transaction.atomic():
            uploaded = File(handle, name=Path(args.file).name)
            uploaded.size = Path(args.file).stat().st_size
            result = run_import(actor=actor, uploaded=uploaded, source_name="bench.xlsx")
            raise _Rollback
    except _Rollback:
        pass
    seconds = time.perf_counter() - started
    rows = result.created + result.updated
    return {
        "rows": rows,
        "errors": len(result.errors),
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


IMPORT_NAME = "江门市导入测试"  # every enterprise of the import file starts so (make_import_file)


def forget_import(args) -> dict:
    """Remove what the import scenario created, so the dataset is as built for the next run."""
    from django.db import transaction

    from registry.models import Enterprise

    with transaction.atomic():
        imported = Enterprise.objects.filter(name__startswith=IMPORT_NAME)
        Enterprise.sectors.through.objects.filter(enterprise__in=imported).delete()
        deleted, _by_model = imported.delete()
    return {"deleted": deleted}


def openpyxl_read(args) -> dict:
    """Baseline: openpyxl's own read-only parse of the same file (no Django work at all)."""
    from openpyxl import load_workbook

    started = time.perf_counter()
    wb = load_workbook(args.file, read_only=True, data_only=True)
    rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
    wb.close()
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def export_run(args) -> dict:
    """The hazard ledger export as the district admin, `rows` rows, through the list page's own export
    path (scoped queryset → `core.exports.xlsx_response` streaming through openpyxl write-only)."""
    from django.test import RequestFactory

    from accounts.models import User
    from core.exports import xlsx_response
    from hazards.views import HazardListPage

    rows = int(args.rows)
    request = RequestFactory().get("/hazards/", {"export": "xlsx"}, HTTP_HOST="127.0.0.1")
    request.user = User.objects.get(username="admin")
    page = HazardListPage(request)
    queryset = page.export_queryset(page.queryset()).order_by("-reported_at", "-id")[:rows]
    started = time.perf_counter()
    response = xlsx_response(page.export_name, page.export_columns(), queryset.iterator(chunk_size=2000))
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    seconds = time.perf_counter() - started
    return {"rows": rows, "bytes": size, "seconds": round(seconds, 2), "peak_rss_mb": peak_rss_mb()}


def openpyxl_write(args) -> dict:
    """Baseline: openpyxl's write-only mode writing as many rows of the ledger's shape — its 24 cells of
    the same kinds (numbers, dates, date-times, Chinese text, blanks) — with nothing read or formatted."""
    import datetime as dt

    from openpyxl import Workbook

    rows = int(args.rows)
    registered, deadline = dt.datetime(2026, 11, 1, 10, 0), dt.date(2026, 12, 1)
    row = [
        *(0, 1, registered, "杜阮镇", "江门市示例五金制品有限公司", "工贸", "配电箱未上锁、无警示标识"),
        *("二号车间", "用电安全", "一般隐患", "", "企业自查", "加装门锁，张贴警示标识", "张三", 1200.0),
        *(deadline, "", "整改中", "否", deadline, registered, registered, "", ""),
    ]
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("隐患")
    for i in range(rows):
        row[0] = row[1] = i
        ws.append(row)
    wb.save(args.file)
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "cells_per_row": len(row),
        "seconds": round(seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def jobs(args) -> dict:
    """The escalation ladder and the modules' reminder jobs as the scheduler runs them, each in a
    transaction rolled back afterwards (the dataset stays as built); time per hazard due (issue 18)."""
    from django.db import transaction
    from django.utils import timezone

    from core.jobs import registry
    from hazards.choices import State
    from hazards.models import Hazard, local_today
    from hazards.tasks import REMINDER_DAYS

    now = timezone.now()
    horizon = local_today(now) + dt.timedelta(days=REMINDER_DAYS[0])
    due = Hazard.objects.filter(state__in=[State.RECTIFYING, State.SUBMITTED], deadline__lte=horizon).count()
    out = {"due_hazards": due, "jobs": {}}
    for job in registry.all():
        name = job.name
        if not (name == "hazards.escalate" or "remind" in name):
            continue
        started = time.perf_counter()
        try:
            with transaction.atomic():
                job.func(now=now)
                raise _Rollback
        except _Rollback:
            pass
        out["jobs"][name] = round(time.perf_counter() - started, 3)
    seconds = out["jobs"].get("hazards.escalate")
    out["seconds"] = seconds
    out["ms_per_due_hazard"] = round(seconds * 1000 / due, 4) if seconds and due else None
    return out


def versions(args) -> dict:
    import platform

    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        db_version = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {db_version}",
    }


COMMANDS = {
    "prepare": prepare,
    "verify": verify,
    "sql": sql,
    "make_import_file": make_import_file,
    "import_run": import_run,
    "openpyxl_read": openpyxl_read,
    "export_run": export_run,
    "openpyxl_write": openpyxl_write,
    "versions": versions,
    "jobs": jobs,
    "forget_import": forget_import,
}
NEEDS_DJANGO = set(COMMANDS) - {"openpyxl_read", "openpyxl_write"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--size", required=True)
    parser.add_argument("--engine", required=True)
    parser.add_argument("--rows")
    parser.add_argument("--file")
    args = parser.parse_args(argv)
    if args.command in NEEDS_DJANGO:
        if "REDLINE_VAR_DIR" not in os.environ:  # started by hand, not by the runner
            os.environ.update(Target(args.size, args.engine).env())
        import django

        django.setup()
    print(json.dumps(COMMANDS[args.command](args), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
