"""Audit coverage (MLPS 8.1.4.3): one of each listed security event, triggered through the real pages and
API, writes exactly one record of its action with time (with its offset in the API), user and roles,
source IP, event type, object, outcome and request id — and no password, secret or full ID number.

(The hash chain over these records is audit/tests/test_integrity.py; the single events in more detail
are audit/tests/test_integrity_events.py.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import TotpDevice, User
from audit.models import AuditEvent

PASSWORD = "Redline@2026"
NEW_PASSWORD = "Brand-New-Pass-5"
CREATED_PASSWORD = "Kx9#mPq2$Lw7vN"
ID_NUMBER = "11010519491231002X"  # the GB 11643 example number, valid check digit
PHONE = re.compile(r"1[3-9]\d{9}")
REQUEST_ID = re.compile(r"[0-9a-f]{32}")
OFFSET = re.compile(r"[+-]\d\d:\d\d$")


@dataclass
class Event:
    kind: str
    action: str
    outcome: str = "success"
    actor: str | None = None  # None: an anonymous event (a failed login, the lock it causes)
    target_type: str = ""
    target_id: Callable[[], int | None] | None = None
    secrets: list[str] = field(default_factory=list)
    check: Callable[[AuditEvent], bool] | None = None


def _drain(response):
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    response.close()
    return response


def _problems(event: AuditEvent, expected: Event) -> list[str]:
    found = []
    if event.at is None or event.at.tzinfo is None:
        found.append("time without zone")
    if event.outcome != expected.outcome:
        found.append(f"outcome {event.outcome}")
    if expected.actor is not None and not (
        event.actor_name == expected.actor and event.actor_id is not None and event.actor_roles
    ):
        found.append(f"actor {event.actor_name!r} roles {event.actor_roles!r}")
    if event.ip != "127.0.0.1":
        found.append(f"ip {event.ip!r}")
    if not REQUEST_ID.fullmatch(event.request_id):
        found.append(f"request_id {event.request_id!r}")
    if not (event.target_type or event.target_repr):
        found.append("no target")
    if expected.target_type and event.target_type != expected.target_type:
        found.append(f"target_type {event.target_type!r}")
    if expected.target_id is not None and event.target_id != expected.target_id():
        found.append(f"target_id {event.target_id!r}")
    text = repr(event.data) + event.target_repr
    for secret in [PASSWORD, NEW_PASSWORD, CREATED_PASSWORD, ID_NUMBER, *expected.secrets]:
        if secret and secret in text:
            found.append("a secret in the record")
    if PHONE.search(text):
        found.append("an unmasked phone number in the record")
    if expected.check is not None and not expected.check(event):
        found.append("data")
    return found


@pytest.mark.security
def test_every_listed_security_event_is_recorded_once_with_its_fields(
    api_as, as_user, persona, enterprise_in, district, security_figures
):
    from registry.tests.conftest import fresh_credit_code

    state: dict = {}
    browser = Client()

    def login_success():
        response = browser.post("/accounts/login/", {"username": "baisha", "password": PASSWORD})
        assert response.status_code == 302

    def login_failure():
        Client().post("/accounts/login/", {"username": "duruan", "password": "Wrong-Pass-1"})

    def account_lock():
        from core.config import config_value

        other = Client()
        for _ in range(config_value("LOGIN_FAILURE_LIMIT") - 1):  # the failure above was the first
            other.post("/accounts/login/", {"username": "duruan", "password": "Wrong-Pass-1"})

    def logout():
        assert browser.post("/accounts/logout/").status_code == 302

    def password_change():
        response = as_user("baisha").post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert response.status_code == 302

    def second_factor_enabled():
        client = as_user("yjj")
        assert client.post("/accounts/2fa/setup/", {"action": "start"}).status_code == 200
        device = TotpDevice.objects.get(user__username="yjj")
        state["totp_secret"] = device.secret
        state["totp_code"] = pyotp.TOTP(device.secret).now()
        response = client.post("/accounts/2fa/setup/", {"action": "confirm", "code": state["totp_code"]})
        assert response.status_code == 302

    def user_created():
        response = as_user("admin").post(
            reverse("accounts:admin_user_create"),
            {
                "username": "audit_coverage_officer",
                "name": "潮连街道 安监办 审计覆盖",
                "phone": "13800138000",
                "email": "",
                "roles": ["town_officer", "inspector"],
                "town": district["chaolian"].pk,
                "department": "",
                "enterprise": "",
                "password1": CREATED_PASSWORD,
                "password2": CREATED_PASSWORD,
            },
        )
        assert response.status_code == 302, response.content[:2000]
        state["created_user"] = User.objects.get(username="audit_coverage_officer").pk

    def role_changed():
        url = reverse("accounts:admin_user_roles", args=[state["created_user"]])
        response = as_user("secadmin").post(url, {"roles": ["inspector"]})
        assert response.status_code == 302, response.content[:2000]

    def hazard_created():
        enterprise = persona("ent_duruan").enterprise
        body = {
            "enterprise": enterprise.pk,
            "title": "审计覆盖：配电箱未上锁",
            "category": "object",
            "source": "self_inspection",
            "location": "二号车间",
        }
        response = api_as("ent_duruan").post("/api/v1/hazards/", body, format="json")
        assert response.status_code == 201, response.content
        state["hazard"] = response.json()["id"]

    def hazard_transition():
        response = api_as("ent_duruan").post(
            f"/api/v1/hazards/{state['hazard']}/assign/",
            {"version": 1, "measures": "加锁并张贴警示", "responsible_person": "李四", "funds": 200},
            format="json",
        )
        assert response.status_code == 200, response.content

    def enterprise_import():
        row = [
            "江门市审计覆盖五金有限公司",
            fresh_credit_code(),
            "杜阮镇",
            "工贸",
            "江门市蓬江区杜阮镇导入路1号",
        ]
        text = "企业名称,统一社会信用代码,所属镇街,行业领域,地址\n" + ",".join(row) + "\n"
        upload = SimpleUploadedFile("audit-coverage.csv", text.encode("utf-8"), content_type="text/csv")
        response = api_as("admin").post("/api/v1/enterprises/import/", {"file": upload}, format="multipart")
        assert response.status_code == 200 and response.json()["created"] == 1, response.content

    def enterprise_export():
        response = _drain(api_as("duruan").get("/api/v1/enterprises/export/"))
        assert response.status_code == 200

    def id_number_revealed():
        target = persona("inspector_duruan")
        response = api_as("admin").post(
            f"/api/v1/users/{target.pk}/id-number/reveal/", {"reason": "Identity check"}, format="json"
        )
        assert response.status_code == 200 and response.json() == {"id_number": ID_NUMBER}

    def permission_denied():
        response = api_as("leader").patch(
            f"/api/v1/enterprises/{enterprise_in('duruan').pk}/", {"address": "x"}, format="json"
        )
        assert response.status_code == 403

    def setting_changed():
        response = as_user("sysadmin").post(
            reverse("core:admin_settings"), {"name": "LOGIN_FAILURE_LIMIT", "version": 0, "value": 4}
        )
        assert response.status_code == 302, response.content[:2000]

    def user_pk(username):
        return lambda: persona(username).pk

    steps: list[tuple[Callable[[], None], Event]] = [
        (
            login_success,
            Event("login success", "accounts.login", actor="baisha", target_id=user_pk("baisha")),
        ),
        (
            login_failure,
            Event(
                "login failure",
                "accounts.login_failed",
                outcome="failure",
                target_type="accounts.user",
                secrets=["Wrong-Pass-1"],
            ),
        ),
        (account_lock, Event("account lock", "accounts.user.locked", target_id=user_pk("duruan"))),
        (logout, Event("logout", "accounts.logout", actor="baisha", target_id=user_pk("baisha"))),
        (
            password_change,
            Event(
                "password change",
                "accounts.user.password_changed",
                actor="baisha",
                target_id=user_pk("baisha"),
            ),
        ),
        (
            second_factor_enabled,
            Event(
                "second factor enabled",
                "accounts.user.mfa_enrolled",
                actor="yjj",
                target_id=user_pk("yjj"),
                check=lambda e: state["totp_secret"] not in repr(e.data)
                and state["totp_code"] not in repr(e.data),
            ),
        ),
        (
            user_created,
            Event(
                "user created",
                "accounts.user.created",
                actor="admin",
                target_id=lambda: state["created_user"],
                check=lambda e: e.data.get("roles") == ["inspector", "town_officer"],
            ),
        ),
        (
            role_changed,
            Event(
                "role changed",
                "accounts.user.updated",
                actor="secadmin",
                target_id=lambda: state["created_user"],
                check=lambda e: e.data["changes"].get("roles")
                == [["inspector", "town_officer"], ["inspector"]],
            ),
        ),
        (
            hazard_created,
            Event(
                "hazard created",
                "hazards.hazard.reported",
                actor="ent_duruan",
                target_type="hazards.hazard",
                target_id=lambda: state["hazard"],
            ),
        ),
        (
            hazard_transition,
            Event(
                "hazard transition",
                "hazards.hazard.assigned",
                actor="ent_duruan",
                target_type="hazards.hazard",
                target_id=lambda: state["hazard"],
            ),
        ),
        (
            enterprise_import,
            Event(
                "enterprise import",
                "registry.enterprise.imported",
                actor="admin",
                target_type="registry.enterprise",
                check=lambda e: e.data.get("created") == 1,
            ),
        ),
        (
            enterprise_export,
            Event(
                "enterprise export",
                "registry.enterprise.exported",
                actor="duruan",
                target_type="registry.enterprise",
            ),
        ),
        (
            id_number_revealed,
            Event(
                "ID number revealed",
                "accounts.user.id_number_revealed",
                actor="admin",
                target_id=user_pk("inspector_duruan"),
            ),
        ),
        (
            permission_denied,
            Event(
                "permission denied",
                "security.permission_denied",
                outcome="denied",
                actor="leader",
                check=lambda e: e.data.get("method") == "PATCH",
            ),
        ),
        (
            setting_changed,
            Event(
                "setting changed",
                "core.setting.changed",
                actor="sysadmin",
                check=lambda e: e.data.get("name") == "LOGIN_FAILURE_LIMIT" and e.data.get("new") == 4,
            ),
        ),
    ]

    # Set-up outside the measured steps: an ID number to reveal.
    services.update_user(actor=persona("admin"), user=persona("inspector_duruan"), id_number=ID_NUMBER)

    recorded: dict[str, AuditEvent] = {}
    missing: list[str] = []
    for trigger, expected in steps:
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        trigger()
        events = list(AuditEvent.objects.filter(pk__gt=last, action=expected.action))
        if len(events) != 1:
            missing.append(f"{expected.kind}: {len(events)} {expected.action} records")
            continue
        problems = _problems(events[0], expected)
        if problems:
            missing.append(f"{expected.kind}: {', '.join(problems)}")
            continue
        recorded[expected.kind] = events[0]

    # The time as the audit administrator reads it: with its offset.
    reader = api_as("auditadmin")
    for kind, event in list(recorded.items()):
        body = reader.get(f"/api/v1/audit-events/{event.pk}/").json()
        if not (OFFSET.search(body.get("at", "")) and body.get("action") == event.action):
            missing.append(f"{kind}: API time {body.get('at')!r}")
            del recorded[kind]

    security_figures["audit_coverage"] = {
        "event_kinds": len(steps),
        "recorded_exactly_once": len(recorded),
        "missing": missing,
        "goal": "every listed event recorded once with its fields",
        "met": len(recorded) == len(steps),
    }
    assert missing == []
    assert len(recorded) == len(steps)
