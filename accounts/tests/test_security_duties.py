"""Separation of duties (三权分立, MLPS 8.1.4.2 d), audit records for the audit administrator only, and the
dormant-account job (MLPS 8.1.4.2 c)."""

import datetime as dt
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
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


# --- Who grants which role (MLPS 8.1.4.2 d) ------------------------------------------------------------
# The security administrator grants and revokes every role; the district administrator the business roles
# but its own; the system administrator makes accounts and edits them but grants nothing; nobody changes
# its own roles. Every refusal leaves the roles as they were and records no change.

STRONG = "Kx9#mPq2$Lw7vN"


def _fresh(persona, username="newcomer", **extra):
    """An account as the system administrator makes it: no role yet."""
    from accounts import services

    return services.create_user(
        actor=persona("sysadmin"),
        username=username,
        name="新同事",
        password=STRONG,
        must_change_password=False,
        **extra,
    )


def _updates(user) -> int:
    return AuditEvent.objects.filter(action="accounts.user.updated", target_id=user.pk).count()


def _refused(persona, actor: str, user, roles: set[str]) -> None:
    from accounts import services
    from core.errors import NotAllowed

    before, events = set(User.objects.get(pk=user.pk).role_codes), _updates(user)
    with pytest.raises(NotAllowed) as caught:
        services.update_user(actor=persona(actor), user=User.objects.get(pk=user.pk), roles=roles)
    assert caught.value.errors.get("roles") or caught.value.status_code == 403
    assert set(User.objects.get(pk=user.pk).role_codes) == before
    assert _updates(user) == events


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_only_the_security_administrator_grants_and_revokes_administrator_roles(persona, role):
    from accounts import services

    user = _fresh(persona)
    _refused(persona, "sysadmin", user, {role})
    _refused(persona, "admin", user, {role})
    _refused(persona, "auditadmin", user, {role})

    services.update_user(actor=persona("secadmin"), user=User.objects.get(pk=user.pk), roles={role})
    assert User.objects.get(pk=user.pk).role_codes == {role}
    event = AuditEvent.objects.filter(action="accounts.user.updated", target_id=user.pk).latest("id")
    assert event.data["changes"]["roles"] == [[], [role]] and event.actor_name == "secadmin"

    _refused(persona, "sysadmin", user, set())
    _refused(persona, "admin", user, set())
    services.update_user(actor=persona("secadmin"), user=User.objects.get(pk=user.pk), roles=set())
    assert User.objects.get(pk=user.pk).role_codes == frozenset()


def test_the_security_administrator_cannot_change_its_own_roles(persona):
    secadmin = persona("secadmin")
    _refused(persona, "secadmin", secadmin, {"security_admin", "system_admin"})
    _refused(persona, "secadmin", secadmin, {"system_admin"})
    _refused(persona, "secadmin", secadmin, set())


def test_nobody_changes_its_own_roles(persona):
    _refused(persona, "admin", persona("admin"), {"district_admin", "inspector"})
    _refused(persona, "sysadmin", persona("sysadmin"), {"security_admin"})


def test_no_grant_makes_an_account_hold_two_administrator_roles(persona):
    from accounts import services

    auditor = persona("auditadmin")
    with pytest.raises(InvalidInput):
        services.update_user(actor=persona("secadmin"), user=auditor, roles={"audit_admin", "system_admin"})
    assert persona("auditadmin").role_codes == {"audit_admin"}


def test_the_security_administrator_grants_every_business_role(persona, district):
    from accounts import services

    user = _fresh(persona, town=district["duruan"])
    services.update_user(
        actor=persona("secadmin"), user=user, roles={"district_admin", "town_officer", "inspector"}
    )
    assert User.objects.get(pk=user.pk).role_codes == {"district_admin", "town_officer", "inspector"}


def test_the_district_administrator_grants_business_roles_but_not_its_own(persona, district):
    from accounts import services

    user = _fresh(persona, town=district["duruan"])
    services.update_user(actor=persona("admin"), user=user, roles={"town_officer", "inspector"})
    assert User.objects.get(pk=user.pk).role_codes == {"town_officer", "inspector"}
    _refused(persona, "admin", user, {"town_officer", "inspector", "district_admin"})
    # Another district administrator (made by the security administrator) keeps that role against it.
    services.update_user(
        actor=persona("secadmin"), user=User.objects.get(pk=user.pk), roles={"district_admin"}
    )
    _refused(persona, "admin", user, set())
    services.update_user(
        actor=persona("admin"), user=User.objects.get(pk=user.pk), roles={"district_admin", "duty_officer"}
    )
    assert User.objects.get(pk=user.pk).role_codes == {"district_admin", "duty_officer"}


@pytest.mark.parametrize("actor", ["leader", "duruan", "ent_duruan", "duty", "auditadmin", "sysadmin"])
def test_other_roles_grant_nothing(persona, actor):
    _refused(persona, actor, persona("inspector_duruan"), {"inspector", "duty_officer"})


def test_the_system_administrator_makes_accounts_without_roles(persona):
    from accounts import services
    from core.errors import NotAllowed

    user = _fresh(persona)
    assert user.role_codes == frozenset()
    event = AuditEvent.objects.get(action="accounts.user.created", target_id=user.pk)
    assert event.data["roles"] == [] and event.actor_name == "sysadmin"
    with pytest.raises(NotAllowed) as caught:
        services.create_user(
            actor=persona("sysadmin"), username="with_role", name="x", password=STRONG, roles={"leader"}
        )
    assert caught.value.errors["roles"]
    with pytest.raises(NotAllowed):
        services.create_user(
            actor=persona("sysadmin"),
            username="with_role",
            name="x",
            password=STRONG,
            roles={"district_leader"},
        )
    assert not User.objects.filter(username="with_role").exists()


def test_the_system_administrator_edits_profiles_and_resets_passwords_of_any_account(persona):
    from accounts import services

    target = persona("secadmin")
    services.update_user(actor=persona("sysadmin"), user=target, name="安全管理员 王", phone="13800138001")
    services.reset_password(actor=persona("sysadmin"), user=target, new_password=STRONG)
    target = persona("secadmin")
    assert target.name == "安全管理员 王" and target.must_change_password
    assert target.role_codes == {"security_admin"}


def test_the_security_administrator_edits_no_profile(persona):
    from accounts import services
    from core.errors import NotAllowed

    target = persona("duty")
    with pytest.raises(NotAllowed):
        services.update_user(actor=persona("secadmin"), user=target, name="改名")
    with pytest.raises(NotAllowed):
        services.reset_password(actor=persona("secadmin"), user=target, new_password=STRONG)
    with pytest.raises(NotAllowed):
        services.create_user(actor=persona("secadmin"), username="x_y", name="x", password=STRONG)
    assert persona("duty").name == target.name and not persona("duty").must_change_password


@pytest.mark.parametrize("role", ["audit_admin", "system_admin", "security_admin", "district_admin"])
def test_the_district_administrator_cannot_create_an_administrator(persona, role):
    from accounts import services
    from core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.create_user(
            actor=persona("admin"), username="new_admin", name="x", password=STRONG, roles={role}
        )
    assert not User.objects.filter(username="new_admin").exists()


@pytest.mark.parametrize("username", ADMINS)
def test_the_district_administrator_does_not_manage_administrator_accounts(persona, username):
    from accounts import services
    from core.errors import NotAllowed

    target = persona(username)
    with pytest.raises(NotAllowed):
        services.update_user(actor=persona("admin"), user=target, name="改名")
    with pytest.raises(NotAllowed):
        services.reset_password(actor=persona("admin"), user=target, new_password=STRONG)
    with pytest.raises(NotAllowed):
        services.update_user(actor=persona("admin"), user=target, is_active=False)
    target.refresh_from_db()
    assert target.is_active and not target.must_change_password and target.name != "改名"


# --- The screens ---------------------------------------------------------------------------------------


@pytest.fixture
def mfa_done(settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True


def _roles_url(user) -> str:
    return reverse("accounts:admin_user_roles", args=[user.pk])


def test_the_security_administrator_grants_roles_through_the_roles_page(as_user, persona, mfa_done):
    user = _fresh(persona)
    session = as_user("newcomer")
    client = as_user("secadmin")
    listed = client.get(reverse("accounts:admin_user_list"), {"q": "newcomer"})
    assert listed.status_code == 200
    assert _roles_url(user) in listed.content.decode()
    page = client.get(_roles_url(user))
    assert page.status_code == 200 and 'value="audit_admin"' in page.content.decode()

    response = client.post(_roles_url(user), {"roles": ["audit_admin"]})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).role_codes == {"audit_admin"}
    event = AuditEvent.objects.filter(action="accounts.user.updated", target_id=user.pk).latest("id")
    assert event.data["changes"] == {"roles": [[], ["audit_admin"]]}
    assert session.get("/").status_code == 302  # logged out everywhere

    # Two administrator roles: an error next to the field, nothing written.
    response = client.post(_roles_url(user), {"roles": ["audit_admin", "system_admin"]})
    assert response.status_code == 200 and response.context["form"].errors["roles"]
    assert User.objects.get(pk=user.pk).role_codes == {"audit_admin"}


def test_the_roles_page_of_ones_own_account_changes_nothing(as_user, persona, mfa_done):
    secadmin = persona("secadmin")
    client = as_user("secadmin")
    page = client.get(_roles_url(secadmin))
    assert page.status_code == 200 and 'name="roles"' not in page.content.decode()
    response = client.post(_roles_url(secadmin), {"roles": ["system_admin"]})
    assert response.status_code == 403
    assert persona("secadmin").role_codes == {"security_admin"}


@pytest.mark.parametrize("username", ["sysadmin", "auditadmin", "leader", "duruan"])
def test_the_roles_page_is_forbidden_to_those_who_grant_nothing(as_user, persona, username, mfa_done):
    target = persona("inspector_duruan")
    client = as_user(username)
    assert client.get(_roles_url(target)).status_code == 403
    assert client.post(_roles_url(target), {"roles": ["duty_officer"]}).status_code == 403
    assert persona("inspector_duruan").role_codes == {"inspector"}


def test_the_system_administrator_pages_have_no_role_control_and_refuse_forged_roles(
    as_user, persona, mfa_done
):
    target = persona("inspector_duruan")
    client = as_user("sysadmin")
    for url in (reverse("accounts:admin_user_create"), reverse("accounts:admin_user_edit", args=[target.pk])):
        html = client.get(url).content.decode()
        assert 'name="roles"' not in html and 'data-testid="roles-read-only"' in html

    events = _updates(target)
    response = client.post(
        reverse("accounts:admin_user_edit", args=[target.pk]),
        {"name": "改过的名字", "roles": ["district_leader"], "town": target.town_id or ""},
    )
    assert response.status_code == 403
    target = persona("inspector_duruan")
    assert target.role_codes == {"inspector"} and target.name != "改过的名字"
    assert _updates(target) == events

    payload = {"username": "forged", "name": "x", "password1": STRONG, "password2": STRONG}
    response = client.post(reverse("accounts:admin_user_create"), payload | {"roles": ["audit_admin"]})
    assert response.status_code == 403
    assert not User.objects.filter(username="forged").exists()

    # Without roles, the account is made and waits for the security administrator.
    response = client.post(reverse("accounts:admin_user_create"), payload)
    assert response.status_code == 302
    assert User.objects.get(username="forged").role_codes == frozenset()


def test_the_district_administrator_cannot_create_an_audit_administrator_through_the_page(as_user, mfa_done):
    client = as_user("admin")
    form = client.get(reverse("accounts:admin_user_create")).content.decode()
    assert 'value="inspector"' in form
    assert 'value="audit_admin"' not in form and 'value="district_admin"' not in form
    response = client.post(
        reverse("accounts:admin_user_create"),
        {
            "username": "auditor2",
            "name": "x",
            "roles": ["audit_admin"],
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.context["form"].errors["roles"]
    assert not User.objects.filter(username="auditor2").exists()


def test_the_district_administrator_keeps_roles_it_may_not_grant(as_user, persona, mfa_done):
    from accounts import services

    other = _fresh(persona, username="admin2")
    services.update_user(actor=persona("secadmin"), user=other, roles={"district_admin"})
    client = as_user("admin")
    page = client.get(reverse("accounts:admin_user_edit", args=[other.pk])).content.decode()
    assert 'data-testid="roles-kept"' in page
    response = client.post(
        reverse("accounts:admin_user_edit", args=[other.pk]),
        {"name": "第二管理员", "roles": ["duty_officer"], "town": "", "department": "", "enterprise": ""},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=other.pk).role_codes == {"district_admin", "duty_officer"}


@pytest.mark.parametrize("username", ADMINS)
def test_administrator_accounts_are_out_of_the_district_administrators_screens(
    as_user, persona, username, mfa_done
):
    target = persona(username)
    client = as_user("admin")
    listed = client.get(reverse("accounts:admin_user_list"), {"q": username})
    assert username not in {u.username for u in listed.context["object_list"]}
    for name in ("admin_user_edit", "admin_user_reset_password", "admin_user_roles"):
        assert client.get(reverse(f"accounts:{name}", args=[target.pk])).status_code == 404
    assert (
        client.post(reverse("accounts:admin_user_set_active", args=[target.pk]), {"active": "0"}).status_code
        == 404
    )
    assert persona(username).is_active


def test_the_district_administrators_own_edit_page_has_no_role_control(as_user, persona, mfa_done):
    admin = persona("admin")
    html = as_user("admin").get(reverse("accounts:admin_user_edit", args=[admin.pk])).content.decode()
    assert 'name="roles"' not in html


# --- An account without a role -------------------------------------------------------------------------


def test_an_account_without_a_role_sees_only_a_page_saying_so(persona, client):
    user = _fresh(persona)
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-testid="no-role"' in home.content.decode()
    assert home.context["nav"] == []
    response = client.get("/registry/enterprises/")
    assert response.status_code == 302 and response["Location"] == "/"
    # force_login entered no password: the password page asks for it first (step-up), then opens.
    stepped = client.get(reverse("accounts:password_change"))
    assert stepped.status_code == 302 and stepped["Location"].startswith(reverse("accounts:step_up"))
    client.post(reverse("accounts:step_up"), {"proof": STRONG, "next": reverse("accounts:password_change")})
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get("/api/v1/enterprises/").status_code == 403
    assert client.get("/api/v1/me/").json()["roles"] == []


def test_an_account_without_a_role_gets_no_api_token(persona, district):
    from rest_framework.test import APIClient

    _fresh(persona)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "newcomer", "password": STRONG}, format="json"
    )
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user__username="newcomer").exists()
