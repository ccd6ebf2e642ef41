"""R-REG-4 with R-HAZ-10…12: the enterprise names the accounts of its principal and its safety manager (they
accept and close its own general hazards, the principal signs its statistics tables), on the file page and
through the file API; so do officials in scope. Each change is a transition of the enterprise's workflow:
the version read, a conditional UPDATE and one audit event. Only the enterprise's own active accounts can be
named, and the person who rectified a hazard still never accepts it."""

import pytest

from audit.models import AuditEvent
from core.choices import Role
from hazards.tests.helpers import submitted
from registry.models import Enterprise

pytestmark = pytest.mark.django_db


def _own(persona) -> Enterprise:
    return persona("ent_duruan").enterprise


def _url(enterprise) -> str:
    return f"/api/v1/enterprises/{enterprise.pk}/file/"


def _account(enterprise, username: str, *, active=True):
    from accounts.models import User

    user = User.objects.create(
        username=username, name=f"安全管理员 {username}", enterprise=enterprise, is_active=active
    )
    user.role_assignments.create(role=Role.ENTERPRISE_USER)
    return user


def _self_found_submitted(persona):
    ent = persona("ent_duruan")
    return submitted(ent, ent.enterprise, submitter=ent, source="self_inspection")


def test_the_enterprise_names_its_safety_manager_who_then_accepts_its_own_hazard(api_as, persona):
    enterprise = _own(persona)
    manager = _account(enterprise, "ent_duruan_safety")
    hazard = _self_found_submitted(persona)
    accept = f"/api/v1/hazards/{hazard.pk}/accept/"
    assert (
        api_as("ent_duruan_safety").post(accept, {"version": hazard.version}, format="json").status_code
        == 403
    )

    client = api_as("ent_duruan")
    read = client.get(_url(enterprise)).json()
    assert (
        read["safety_manager_user"] is None and read["principal_user"]["id"] == persona("ent_duruan_head").pk
    )
    named = client.patch(
        _url(enterprise), {"version": read["version"], "safety_manager_user": manager.pk}, format="json"
    )
    assert named.status_code == 200, named.content
    body = named.json()
    assert body["safety_manager_user"] == {"id": manager.pk, "name": manager.display_name}
    assert body["version"] == read["version"] + 1
    assert body["principal_user"]["id"] == persona("ent_duruan_head").pk  # a PATCH changes what it sends
    event = AuditEvent.objects.for_object(enterprise).filter(action="registry.enterprise.file_updated").get()
    assert event.data["changes"] == {"safety_manager_user": [None, manager.pk]}
    assert event.actor_id == persona("ent_duruan").pk

    accepted = api_as("ent_duruan_safety").post(accept, {"version": hazard.version}, format="json")
    assert accepted.status_code == 200, accepted.content


def test_the_person_who_rectified_never_accepts_even_when_named(api_as, persona):
    enterprise = _own(persona)
    hazard = _self_found_submitted(persona)  # rectified and submitted by ent_duruan
    client = api_as("ent_duruan")
    version = client.get(_url(enterprise)).json()["version"]
    named = client.patch(
        _url(enterprise),
        {"version": version, "principal_user": persona("ent_duruan").pk, "safety_manager_user": None},
        format="json",
    )
    assert named.status_code == 200, named.content
    refused = client.post(f"/api/v1/hazards/{hazard.pk}/accept/", {"version": hazard.version}, format="json")
    assert refused.status_code == 403
    # The former principal is no longer one of the heads.
    assert (
        api_as("ent_duruan_head")
        .post(f"/api/v1/hazards/{hazard.pk}/accept/", {"version": hazard.version}, format="json")
        .status_code
        == 403
    )


def test_only_the_enterprises_own_active_accounts_can_be_named(api_as, persona):
    enterprise = _own(persona)
    other = Enterprise.objects.exclude(pk=enterprise.pk).order_by("pk").first()
    stranger = _account(other, "ent_other_safety")
    retired = _account(enterprise, "ent_duruan_left", active=False)
    client = api_as("ent_duruan")
    version = client.get(_url(enterprise)).json()["version"]
    for candidate in (stranger.pk, retired.pk, persona("duruan").pk, 999_999, "x"):
        refused = client.patch(
            _url(enterprise), {"version": version, "principal_user": candidate}, format="json"
        )
        assert refused.status_code == 400 and "principal_user" in refused.json(), candidate
    unknown = client.patch(_url(enterprise), {"version": version, "name": "改名"}, format="json")
    assert unknown.status_code == 400 and "name" in unknown.json()
    fresh = Enterprise.objects.get(pk=enterprise.pk)
    assert fresh.version == version and fresh.principal_user_id == persona("ent_duruan_head").pk


def test_officials_in_scope_name_the_heads_and_others_are_refused(api_as, persona):
    enterprise = _own(persona)
    manager = _account(enterprise, "ent_duruan_safety")
    version = api_as("duruan").get(_url(enterprise)).json()["version"]
    body = {"version": version, "safety_manager_user": manager.pk}
    assert api_as("baisha").patch(_url(enterprise), body, format="json").status_code == 404
    assert api_as("leader").patch(_url(enterprise), body, format="json").status_code == 403
    other = Enterprise.objects.exclude(pk=enterprise.pk).order_by("pk").first()
    assert api_as("ent_duruan").patch(_url(other), body, format="json").status_code == 404
    missing = api_as("duruan").patch(_url(enterprise), {"safety_manager_user": manager.pk}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()
    done = api_as("duruan").patch(_url(enterprise), body, format="json")
    assert done.status_code == 200, done.content
    stale = api_as("ent_duruan").patch(_url(enterprise), {**body, "safety_manager_user": None}, format="json")
    assert stale.status_code == 409
    assert Enterprise.objects.get(pk=enterprise.pk).safety_manager_user_id == manager.pk


def test_the_file_page_names_the_heads_and_keeps_refused_input(as_user, persona):
    enterprise = _own(persona)
    manager = _account(enterprise, "ent_duruan_safety")
    other = Enterprise.objects.exclude(pk=enterprise.pk).order_by("pk").first()
    stranger = _account(other, "ent_other_safety")
    url = f"/registry/enterprises/{enterprise.pk}/file/"
    client = as_user("ent_duruan")
    page = client.get(url).content.decode()
    assert 'data-testid="change-file"' in page and manager.display_name in page
    assert stranger.display_name not in page
    post = {
        "action": "file",
        "version": str(enterprise.version),
        "principal_user": str(persona("ent_duruan_head").pk),
        "safety_manager_user": str(stranger.pk),
        "insurance_policy_no": "PICC-2026-0001",
    }
    refused = client.post(url, post)
    assert refused.status_code == 400
    assert "PICC-2026-0001" in refused.content.decode()
    assert Enterprise.objects.get(pk=enterprise.pk).safety_manager_user_id is None
    done = client.post(url, {**post, "safety_manager_user": str(manager.pk)})
    assert done.status_code == 302
    fresh = Enterprise.objects.get(pk=enterprise.pk)
    assert fresh.safety_manager_user_id == manager.pk and fresh.insurance_policy_no == "PICC-2026-0001"
    assert manager.display_name in client.get(url).content.decode()
    # Read-only roles see the file but no form, and cannot post one.
    leader = as_user("leader")
    assert 'data-testid="change-file"' not in leader.get(url).content.decode()
    assert leader.post(url, {**post, "version": str(fresh.version)}).status_code == 403
