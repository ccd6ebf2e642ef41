"""The audit trail (issue 2 §4): one event per write with who, what changed and from where; append-only;
hash-chained; shown on the object's page."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from audit.services import event_digest, record, timeline
from registry import services
from registry.models import Enterprise
from registry.validators import credit_check_char

CLIENT_IP = "203.0.113.7"


def new_code(n: int) -> str:
    body = f"91440703AU{n:07d}"
    return body + credit_check_char(body)


def enterprise_events(enterprise) -> list[AuditEvent]:
    return list(AuditEvent.objects.for_object(enterprise).order_by("id"))


@pytest.fixture
def registered(persona, district):
    return services.register_enterprise(
        actor=persona("duruan"),
        data={
            "name": "江门市审计测试五金有限公司",
            "credit_code": new_code(1),
            "town": district["duruan"],
            "sectors": _sectors("industry_trade"),
            "address": "江门市蓬江区杜阮镇审计路1号",
        },
    )


def _sectors(*codes):
    from registry.models import Sector

    return list(Sector.objects.filter(code__in=codes))


def test_registering_through_the_api_writes_one_event_with_actor_and_ip(api_as, persona, district):
    response = api_as("duruan").post(
        "/api/v1/enterprises/",
        {
            "name": "江门市审计接口测试有限公司",
            "credit_code": new_code(2),
            "town": district["duruan"].pk,
            "sectors": ["industry_trade"],
        },
        format="json",
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 201
    (event,) = enterprise_events(Enterprise.objects.get(pk=response.json()["id"]))
    assert event.action == "registry.enterprise.created"
    assert event.actor == persona("duruan")
    assert (event.actor_name, event.actor_roles) == ("duruan", ["town_officer"])
    assert event.ip == CLIENT_IP
    assert event.request_id == response["X-Request-ID"]
    assert event.data["credit_code"] == new_code(2)


def test_an_update_writes_one_event_with_before_and_after(api_as, registered):
    response = api_as("duruan").patch(
        f"/api/v1/enterprises/{registered.pk}/",
        {"address": "江门市蓬江区杜阮镇新址2号", "employees": 40, "version": 1},
        format="json",
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 200
    created, updated = enterprise_events(registered)
    assert created.action == "registry.enterprise.created"
    assert updated.action == "registry.enterprise.updated"
    assert updated.data["changes"] == {
        "address": ["江门市蓬江区杜阮镇审计路1号", "江门市蓬江区杜阮镇新址2号"],
        "employees": [None, 40],
    }
    assert updated.ip == CLIENT_IP


def test_a_status_change_in_the_browser_writes_one_event(as_user, registered, persona):
    response = as_user("duruan").post(
        reverse("registry:enterprise_status", args=[registered.pk]),
        {"status": "suspended", "reason": "责令停产整顿", "version": registered.version},
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 302
    event = enterprise_events(registered)[-1]
    assert event.action == "registry.enterprise.status_changed"
    assert event.data == {
        "from_state": "operating",
        "to_state": "suspended",  # every workflow transition's event names both states
        "changes": {"status": ["operating", "suspended"]},
        "reason": "责令停产整顿",
    }
    assert (event.actor, event.ip) == (persona("duruan"), CLIENT_IP)
    assert len(enterprise_events(registered)) == 2


def test_a_refused_write_records_no_change(api_as, registered):
    before = len(enterprise_events(registered))
    bad = api_as("duruan").patch(
        f"/api/v1/enterprises/{registered.pk}/", {"principal_phone": "123", "version": 1}, format="json"
    )
    stale = api_as("duruan").patch(
        f"/api/v1/enterprises/{registered.pk}/", {"address": "x", "version": 9}, format="json"
    )
    assert (bad.status_code, stale.status_code) == (400, 409)
    assert len(enterprise_events(registered)) == before


def test_a_forged_forwarded_for_header_is_not_taken_as_the_address(api_as, registered):
    api_as("duruan").patch(
        f"/api/v1/enterprises/{registered.pk}/",
        {"address": "伪造来源测试", "version": 1},
        format="json",
        REMOTE_ADDR=CLIENT_IP,
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert enterprise_events(registered)[-1].ip == CLIENT_IP


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_is_recorded(api_as, registered, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    api_as("duruan").patch(
        f"/api/v1/enterprises/{registered.pk}/",
        {"address": "代理来源测试", "version": 1},
        format="json",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {CLIENT_IP}",
    )
    assert enterprise_events(registered)[-1].ip == CLIENT_IP


# --- Append-only --------------------------------------------------------------------------------------


def test_an_event_cannot_be_changed_through_the_orm(registered):
    event = enterprise_events(registered)[0]
    event.action = "registry.enterprise.nothing_happened"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "registry.enterprise.created"


def test_an_event_cannot_be_deleted_through_the_orm(registered):
    event = enterprise_events(registered)[0]
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_update_and_delete(sql, registered):
    from django.db import DatabaseError

    event = enterprise_events(registered)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "registry.enterprise.created"


# --- The hash chain -----------------------------------------------------------------------------------


def test_each_event_links_to_the_one_before(persona, registered):
    admin = persona("admin")
    record(registered, "audit.test.first", actor=admin, data={"n": 1})
    record(registered, "audit.test.second", actor=admin, data={"n": 2})
    record(None, "audit.test.third", target_type="registry.enterprise", data={"n": 3})
    events = list(AuditEvent.objects.order_by("-id")[:6])[::-1]
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    for event in events:
        assert event.hash == event_digest(event, event.prev_hash)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_hash, head.last_event_id) == (events[-1].hash, events[-1].pk)


def test_bulk_events_of_an_import_continue_the_chain(persona, district):
    from registry.models import Sector

    last_before = AuditEvent.objects.order_by("-id").first()
    objects = []
    for n in range(3):
        e = Enterprise.objects.create(
            name=f"链测试{n}", credit_code=new_code(100 + n), town=district["duruan"]
        )
        e.sectors.set(Sector.objects.filter(code="industry_trade"))
        objects.append(e)
    from audit.services import record_many

    assert record_many(objects, "registry.enterprise.created", actor=persona("admin")) == 3
    chain = list(AuditEvent.objects.filter(pk__gt=last_before.pk).order_by("id"))
    assert chain[0].prev_hash == last_before.hash
    for previous, event in zip(chain, chain[1:], strict=False):
        assert event.prev_hash == previous.hash
        assert event.hash == event_digest(event, previous.hash)
    assert AuditChainHead.objects.get(pk=1).last_hash == chain[-1].hash


def test_an_altered_event_no_longer_matches_its_hash(registered):
    event = enterprise_events(registered)[0]
    event.data = {**event.data, "credit_code": "forged"}
    assert event_digest(event, event.prev_hash) != event.hash


def test_secrets_never_reach_the_trail(persona):
    event = record(
        None, "audit.test.secret", actor=persona("admin"), data={"password": "Redline@2026", "token": "x"}
    )
    assert event.data == {"password": "[redacted]", "token": "[redacted]"}


# --- The timeline on the enterprise page ------------------------------------------------------------


def test_the_enterprise_page_shows_its_timeline_oldest_first(as_user, registered, persona):
    services.update_enterprise(
        actor=persona("duruan"),
        enterprise=registered,
        data={"address": "江门市蓬江区杜阮镇时间线路3号"},
        version=1,
    )
    services.change_enterprise_status(
        Enterprise.objects.get(pk=registered.pk),
        actor=persona("duruan"),
        version=2,
        data={"status": "shutdown", "reason": "停产检修"},
    )
    response = as_user("inspector_duruan").get(reverse("registry:enterprise_detail", args=[registered.pk]))
    events = list(response.context["events"])
    assert [e.action for e in events] == [
        "registry.enterprise.created",
        "registry.enterprise.updated",
        "registry.enterprise.status_changed",
    ]
    assert events == list(timeline(registered))
    html = response.content.decode()
    assert "江门市蓬江区杜阮镇时间线路3号" in html
    assert "停产检修" in html
    assert html.index("江门市蓬江区杜阮镇时间线路3号") < html.index("停产检修")


def test_the_timeline_holds_only_this_enterprises_events(as_user, registered, make_other):
    other = make_other()
    record(other, "registry.enterprise.updated", data={"changes": {"address": ["甲", "别家的地址"]}})
    response = as_user("duruan").get(reverse("registry:enterprise_detail", args=[registered.pk]))
    assert all(e.target_id == registered.pk for e in response.context["events"])
    assert "别家的地址" not in response.content.decode()


@pytest.fixture
def make_other(district):
    def make():
        e = Enterprise.objects.create(name="别家企业", credit_code=new_code(200), town=district["duruan"])
        e.sectors.set(_sectors("industry_trade"))
        return e

    return make
