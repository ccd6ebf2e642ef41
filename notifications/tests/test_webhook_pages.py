"""The district administrator registers the outgoing webhooks: the signing secret kept out of pages and
the audit trail, the events offered being those the apps emit; everyone else is refused."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from notifications.models import Webhook

GOOD = {
    "name": "市应急指挥平台",
    "url": "https://hooks.example.cn/redline",
    "secret": "a-long-enough-signing-secret",
    "events": ["duty.report.submitted"],
}


def test_the_district_administrator_registers_a_webhook(as_user):
    client = as_user("admin")
    assert 'data-testid="webhooks-link"' in client.get("/notifications/").content.decode()
    assert 'data-testid="webhooks-link"' not in as_user("duty").get("/notifications/").content.decode()
    page = client.get("/notifications/webhooks/")
    assert page.status_code == 200
    assert 'value="duty.report.submitted"' in page.content.decode()  # duty registers what it emits
    response = client.post("/notifications/webhooks/", GOOD)
    assert response.status_code == 302
    hook = Webhook.objects.get(name="市应急指挥平台")
    assert (hook.url, hook.secret, hook.events, hook.is_active) == (
        GOOD["url"],
        GOOD["secret"],
        ["duty.report.submitted"],
        True,
    )
    event = AuditEvent.objects.get(action="notifications.webhook.created", target_id=hook.pk)
    assert GOOD["secret"] not in str(event.data)
    listed = client.get("/notifications/webhooks/").content.decode()
    assert f'data-testid="webhook-{hook.pk}"' in listed and GOOD["secret"] not in listed


@pytest.mark.parametrize(
    "change, field",
    [
        ({"url": "http://hooks.example.cn/redline"}, "url"),  # events carry personal data: HTTPS only
        ({"url": "not a url"}, "url"),
        ({"secret": "short"}, "secret"),
        ({"events": ["no.such.event"]}, "events"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_keeps_what_was_typed(as_user, change, field):
    before = Webhook.objects.count()
    response = as_user("admin").post("/notifications/webhooks/", {**GOOD, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Webhook.objects.count() == before
    if field != "name":
        assert GOOD["name"] in response.content.decode()


def test_a_webhook_is_deactivated_and_activated_on_the_version_read(as_user):
    hook = Webhook.objects.create(name="旧平台", url="https://old.example.cn/", secret="x" * 20)
    client = as_user("admin")
    url = f"/notifications/webhooks/{hook.pk}/active/"
    assert 'name="version" value="1"' in client.get("/notifications/webhooks/").content.decode()
    assert client.post(url, {"active": "0", "version": 1}).status_code == 302
    hook.refresh_from_db()
    assert (hook.is_active, hook.version) == (False, 2) and not hook.wants("duty.report.submitted")
    assert client.post(url, {"active": "0", "version": 2}).status_code == 409  # already inactive
    assert client.post(url, {"active": "1", "version": 1}).status_code == 409  # a stale page
    assert client.post(url, {"active": "1"}).status_code == 400  # no version read
    hook.refresh_from_db()
    assert (hook.is_active, hook.version) == (False, 2)
    assert client.post(url, {"active": "1", "version": 2}).status_code == 302
    events = AuditEvent.objects.filter(target_id=hook.pk, action__startswith="notifications.webhook.")
    assert sorted(events.values_list("action", flat=True)) == [
        "notifications.webhook.activated",
        "notifications.webhook.deactivated",
    ]
    assert all("secret" not in e.data and hook.secret not in str(e.data) for e in events)


@pytest.mark.parametrize("username", ["duty", "leader", "duruan", "ent_duruan", "sysadmin"])
def test_other_roles_are_refused_and_change_nothing(as_user, username):
    hook = Webhook.objects.create(name="平台", url="https://p.example.cn/", secret="x" * 20)
    client = as_user(username)
    assert client.get("/notifications/webhooks/").status_code == 403
    assert client.post("/notifications/webhooks/", GOOD).status_code == 403
    refused = client.post(f"/notifications/webhooks/{hook.pk}/active/", {"active": "0", "version": 1})
    assert refused.status_code == 403
    assert Webhook.objects.count() == 1 and Webhook.objects.get().is_active


def test_an_unknown_webhook_is_404_for_the_administrator(as_user):
    answer = as_user("admin").post("/notifications/webhooks/999999/active/", {"active": "0", "version": 1})
    assert answer.status_code == 404
