"""Separation of duties (三权分立, MLPS 8.1.4.2 d), audit records for the audit administrator only, and the
dormant-account job (MLPS 8.1.4.2 c)."""

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import validate_roles
from audit.models import AuditEvent
from core.errors import InvalidInput
from core.jobs import run_job

ADMINS = ["sysadmin", "secadmin", "auditadmin"]
# Reference data and the user's own things, not business records.
NOT_BUSINESS = re.compile(
    r"^/api/v1/(auth|me|ping|towns|sectors|departments|checklists|notifications|audit-events)/"
)
DOWNLOADS = re.compile(r"(export|template|download|pdf)")


def api_list_paths() -> list[str]:
    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    paths = set()
    for route in walk(get_resolver().url_patterns):
        route = route.replace("^", "").replace("$", "")
        if not route.startswith("api/v1/") or "<" in route or "(?P" in route or "\\" in route:
            continue
        path = "/" + route
        if path.endswith("/") and not NOT_BUSINESS.match(path) and not DOWNLOADS.search(path):
            paths.add(path)
    return sorted(paths)


@pytest.mark.parametrize(
    "roles",
    [
        {"system_admin", "security_admin"},
        {"system_admin", "audit_admin"},
        {"security_admin", "audit_admin"},
        {"system_admin", "security_admin", "audit_admin"},
        {"audit_admin", "district_admin"},
        {"security_admin", "town_officer"},
    ],
)
def test_no_account_holds_two_administrator_roles_or_mixes_them_with_business_roles(roles):
    with pytest.raises(InvalidInput):
        validate_roles(roles, town_id=1, department_id=1, enterprise_id=1)


@pytest.mark.parametrize("username", ADMINS)
def test_administrator_roles_see_no_business_data_in_the_api(api_as, username):
    client = api_as(username)
    paths = api_list_paths()
    assert "/api/v1/enterprises/" in paths
    leaks = {}
    for path in paths:
        response = client.get(path)
        if response.status_code == 405:
            continue
        body = response.json() if response.status_code == 200 else {}
        rows = body if isinstance(body, list) else body.get("results") or []
        if response.status_code == 200 and rows:
            leaks[path] = len(rows)
        elif response.status_code >= 500:
            leaks[path] = response.status_code
    assert leaks == {}


@pytest.mark.parametrize("username", ADMINS)
def test_administrator_roles_cannot_write_business_data(api_as, username):
    """API.md's order of checks puts the role (403) before the input (400), so an empty body is enough to
    show that the role may not write; a 400 here would mean the role reached validation."""
    client = api_as(username)
    accepted = {}
    for path in api_list_paths():
        response = client.post(path, {}, format="multipart")
        if response.status_code not in (403, 404, 405):
            accepted[path] = response.status_code
    assert accepted == {}


@pytest.mark.parametrize("username", ADMINS)
def test_administrator_roles_see_an_empty_enterprise_list_page(as_user, username, enterprise_in):
    client = as_user(username)
    response = client.get("/registry/enterprises/")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert client.get(f"/registry/enterprises/{enterprise_in('duruan').pk}/").status_code == 404


@pytest.mark.parametrize("username", ["admin", "sysadmin", "secadmin", "leader", "duruan", "ent_duruan"])
def test_only_the_audit_administrator_reads_audit_records(as_user, api_as, username):
    assert as_user(username).get("/audit/").status_code == 403
    assert api_as(username).get("/api/v1/audit-events/").status_code == 403


def test_the_audit_administrator_reads_and_filters_audit_records(as_user, api_as, persona):
    from audit.services import record

    target = persona("duruan")
    record(target, "accounts.user.updated", actor=persona("admin"), data={"changes": {"name": ["a", "b"]}})
    record(None, "accounts.login_failed", data={"username": "x"}, outcome=AuditEvent.Outcome.FAILURE)
    page = as_user("auditadmin").get("/audit/", {"user": "admin", "action": "accounts.user"})
    assert page.status_code == 200
    assert {e.action for e in page.context["object_list"]} == {"accounts.user.updated"}
    api = api_as("auditadmin")
    body = api.get(
        "/api/v1/audit-events/",
        {"outcome": "failure", "start": (timezone.now() - dt.timedelta(hours=1)).isoformat()},
    ).json()
    assert body["count"] >= 1 and all(e["outcome"] == "failure" for e in body["results"])
    one = api.get("/api/v1/audit-events/", {"object_type": "accounts.user", "object_id": target.pk}).json()
    assert one["results"][0]["target_id"] == target.pk
    assert {"at", "actor_name", "actor_roles", "ip", "request_id", "outcome", "hash"} <= set(
        one["results"][0]
    )
    detail = as_user("auditadmin").get(f"/audit/{one['results'][0]['id']}/")
    assert detail.status_code == 200
    assert api.post("/api/v1/audit-events/", {}, format="json").status_code in (403, 405)


def test_the_audit_record_list_costs_the_same_for_any_page_size(
    api_as, persona, django_assert_max_num_queries
):
    from audit.services import record

    for n in range(60):
        record(persona("duruan"), "accounts.user.updated", actor=persona("admin"), data={"n": n})
    client = api_as("auditadmin")
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/audit-events/", {"page_size": 5}).json()["results"]) == 5
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/audit-events/", {"page_size": 60}).json()["results"]) == 60


def test_an_audit_export_is_itself_audited(as_user):
    response = as_user("auditadmin").get("/audit/", {"export": "xlsx"})
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    assert AuditEvent.objects.filter(action="audit.auditevent.exported", actor_name="auditadmin").count() == 1


def test_accounts_unused_for_90_days_are_disabled_by_the_daily_job(persona):
    now = timezone.now()
    old = now - dt.timedelta(days=120)
    User.objects.filter(username="jtj").update(last_login=old, date_joined=old)
    User.objects.filter(username="baisha").update(last_login=now - dt.timedelta(days=10), date_joined=old)
    User.objects.filter(username="duty").update(last_login=old, date_joined=old)
    ApiToken.objects.create(user=persona("duty"), key_hash="0" * 64, last_used_at=now - dt.timedelta(days=3))

    result = run_job("accounts.disable_dormant", now=now)

    assert not User.objects.get(username="jtj").is_active
    assert User.objects.get(username="baisha").is_active
    assert User.objects.get(username="duty").is_active  # its API token is in use
    assert result == {"disabled": 1}
    event = AuditEvent.objects.get(action="accounts.user.disabled_dormant")
    assert event.target_id == persona("jtj").pk
    assert run_job("accounts.disable_dormant", now=now) == {"disabled": 0}  # idempotent
