"""Information reports: the clocks of R-DUTY-3 from `known_at` under a frozen clock, late flags, bad
input, the district's handling (acknowledge, ask for more, escalate, accident), paging and scope."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from duty import services
from duty.models import InfoReport
from notifications.models import Notification, SmsMessage

T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _body(town, **extra):
    return {
        "town": town.pk,
        "title": "测试事件",
        "event_type": "production_accident",
        "occurred_at": (T0 - dt.timedelta(minutes=10)).isoformat(),
        "known_at": T0.isoformat(),
        "deaths": 0,
        "missing": 0,
        "serious_injuries": 0,
        "description": "测试",
        **extra,
    }


def _post(client, body):
    return client.post("/api/v1/info-reports/", body, format="json")


def _deadlines(response):
    return {d["step"]: d for d in response.json()["deadlines"]}


def test_an_event_with_a_death_runs_30_minute_and_1_hour_clocks(api_as, district):
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"], deaths=1))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["kind"] == "initial"
    clocks = _deadlines(created)
    assert set(clocks) == {"phone", "written"}
    assert dt.datetime.fromisoformat(clocks["phone"]["due_at"]) == T0 + dt.timedelta(minutes=30)
    assert dt.datetime.fromisoformat(clocks["written"]["due_at"]) == T0 + dt.timedelta(hours=1)
    assert clocks["phone"]["overdue"] is False and body["late"] is False


def test_a_report_past_the_30_minutes_is_late_and_counted(api_as, district):
    with time_machine.travel(T0 + dt.timedelta(minutes=40), tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"], missing=2))
    clocks = _deadlines(created)
    assert clocks["phone"]["overdue"] is True  # done 10 minutes after its deadline
    assert clocks["written"]["overdue"] is False
    assert created.json()["late"] is True
    from duty.selectors import late_counts_per_unit

    rows = {
        (r["kind"], r["unit_id"]): r
        for r in late_counts_per_unit(InfoReport.objects.get(pk=created.json()["id"]).reporter, 2026)
    }
    assert rows[("town", district["duruan"].pk)]["late"] >= 1


def test_larger_near_miss_and_larger_events_run_the_short_clocks(api_as, district):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        near_miss = _post(api_as("duruan"), _body(district["duruan"], larger_near_miss=True))
        by_numbers = _post(api_as("duruan"), _body(district["duruan"], serious_injuries=12))
    assert set(_deadlines(near_miss)) == {"phone", "written"}
    assert set(_deadlines(by_numbers)) == {"phone", "written"}  # 10+ serious injuries: a larger event


def test_other_events_have_a_2_hour_written_clock(api_as, district):
    with time_machine.travel(T0 + dt.timedelta(hours=2, minutes=1), tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"]))
    clocks = _deadlines(created)
    assert set(clocks) == {"written"}
    assert dt.datetime.fromisoformat(clocks["written"]["due_at"]) == T0 + dt.timedelta(hours=2)
    assert clocks["written"]["overdue"] is True and created.json()["late"] is True


def test_a_phone_report_keeps_the_written_clock_running_until_it_arrives(api_as, persona, district):
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        created = _post(api_as("duty"), _body(district["duruan"], deaths=1, by_phone=True))
        clocks = _deadlines(created)
        assert clocks["phone"]["done_at"] is not None and clocks["written"]["done_at"] is None
    with time_machine.travel(T0 + dt.timedelta(minutes=61), tick=False):
        from duty.tasks import report_clocks

        report_clocks()
        report = InfoReport.objects.get(pk=created.json()["id"])
        assert report.late is True
        assert Notification.objects.filter(kind="duty.report.late", target_id=report.pk).exists()
        services.REPORT_SERVICES["record_written"](report, actor=persona("duty"), version=report.version)
        assert report.deadlines.get(step="written").done_at is not None


@pytest.mark.parametrize(
    "change, field",
    [
        ({"known_at": (T0 - dt.timedelta(minutes=20)).isoformat()}, "known_at"),  # before occurred_at
        ({"known_at": (T0 + dt.timedelta(days=2)).isoformat()}, "known_at"),  # in the future
        ({"deaths": -1}, "deaths"),
        ({"title": ""}, "title"),
        ({"contact_phone": "12345"}, "contact_phone"),  # R-REG-2: neither a mobile nor a landline
        ({"contact_phone": "1281234567"}, "contact_phone"),  # a mobile starts 1[3-9] and has 11 digits
    ],
)
def test_bad_input_is_400_and_writes_nothing(api_as, district, change, field):
    before = InfoReport.objects.count()
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        response = _post(api_as("duruan"), _body(district["duruan"], **change))
    assert response.status_code == 400 and field in response.json()
    assert InfoReport.objects.count() == before


def test_unknown_numbers_are_reported_as_unknown(api_as, district):
    now = timezone.now().isoformat()
    response = _post(
        api_as("duruan"), _body(district["duruan"], deaths=None, missing=None, known_at=now, occurred_at=now)
    )
    assert response.status_code == 201, response.json()
    assert response.json()["deaths"] is None


def test_follow_up_shows_what_changed_and_a_closed_report_refuses_more(api_as, as_user, district):
    client = api_as("duruan")
    now = timezone.now()
    created = _post(client, _body(district["duruan"], known_at=now.isoformat(), occurred_at=now.isoformat()))
    pk = created.json()["id"]
    follow = client.post(
        f"/api/v1/info-reports/{pk}/follow-ups/",
        {"text": "又发现1人受伤", "serious_injuries": 1},
        format="json",
    )
    assert follow.status_code == 200 and follow.json()["kind"] == "follow_up"
    assert follow.json()["updates"][-1]["changes"] == {"serious_injuries": [0, 1]}
    # The page names the change by the report's word for the field, never the stored column name.
    page = as_user("duruan").get(f"/duty/reports/{pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "重伤人数: 0 → 1" in page and "serious_injuries" not in page
    final = client.post(f"/api/v1/info-reports/{pk}/final/", {"text": "处置完毕"}, format="json")
    assert final.status_code == 200 and final.json()["state"] == "closed" and final.json()["kind"] == "final"
    again = client.post(f"/api/v1/info-reports/{pk}/follow-ups/", {"text": "补充"}, format="json")
    assert again.status_code == 409
    assert InfoReport.objects.get(pk=pk).updates.count() == 3


def test_the_district_asks_for_more_and_the_reporter_must_answer(api_as, persona, district):
    now = timezone.now()
    created = _post(
        api_as("duruan"), _body(district["duruan"], known_at=now.isoformat(), occurred_at=now.isoformat())
    )
    report = InfoReport.objects.get(pk=created.json()["id"])
    duty = api_as("duty")
    acked = duty.post(
        f"/api/v1/info-reports/{report.pk}/acknowledge/", {"version": report.version}, format="json"
    )
    assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
    asked = duty.post(
        f"/api/v1/info-reports/{report.pk}/request-more/",
        {"version": acked.json()["version"], "request": "现场人数？"},
        format="json",
    )
    assert asked.status_code == 200 and asked.json()["state"] == "more_requested"
    assert Notification.objects.filter(
        recipient=persona("duruan"), kind="duty.report.more_requested"
    ).exists()
    # a duty officer cannot answer for the town; the town can
    assert (
        duty.post(
            f"/api/v1/info-reports/{report.pk}/answer/",
            {"version": asked.json()["version"], "text": "x"},
            format="json",
        ).status_code
        == 403
    )
    answered = api_as("duruan").post(
        f"/api/v1/info-reports/{report.pk}/answer/",
        {"version": asked.json()["version"], "text": "现场12人"},
        format="json",
    )
    assert answered.status_code == 200 and answered.json()["state"] == "submitted"
    assert answered.json()["pending_request"] == ""


def test_deaths_page_the_leader_and_the_officer_on_duty_at_once(api_as, district, settings, on_duty_clock):
    from duty import selectors

    settings.SMS_BACKEND = "notifications.sms.MemoryBackend"
    room = selectors.district_room()
    on_duty = selectors.on_duty(room)
    assert {s.role for s in on_duty} == {"leader", "officer"}
    now = timezone.now()
    created = _post(
        api_as("baisha"),
        _body(district["baisha"], deaths=2, known_at=now.isoformat(), occurred_at=now.isoformat()),
    )
    pk = created.json()["id"]
    paged = SmsMessage.objects.filter(dedup_key=f"duty:report:{pk}:page")
    assert {m.recipient_id for m in paged} >= {s.person_id for s in on_duty}
    assert (
        Notification.objects.filter(
            kind="duty.report.page", target_id=None, recipient_id=on_duty[0].person_id
        ).exists()
        or Notification.objects.filter(dedup_key=f"duty:report:{pk}:page").exists()
    )


def test_escalation_reaches_the_leader_on_duty(api_as, district, on_duty_clock):
    from duty import selectors

    leader = selectors.on_duty_people(selectors.district_room(), "leader")[0]
    now = timezone.now()
    created = _post(
        api_as("duruan"), _body(district["duruan"], known_at=now.isoformat(), occurred_at=now.isoformat())
    )
    escalated = api_as("duty").post(
        f"/api/v1/info-reports/{created.json()['id']}/escalate/", {"version": 1}, format="json"
    )
    assert escalated.status_code == 200 and escalated.json()["escalated_at"]
    assert Notification.objects.filter(recipient=leader, kind="duty.report.escalated").exists()


def test_an_accident_made_from_a_report_keeps_its_times(api_as, persona, district):
    from accidents.models import Accident

    occurred = timezone.now() - dt.timedelta(hours=2)
    created = _post(
        api_as("duruan"),
        _body(
            district["duruan"],
            deaths=1,
            occurred_at=occurred.isoformat(),
            known_at=(occurred + dt.timedelta(minutes=5)).isoformat(),
        ),
    )
    report = InfoReport.objects.get(pk=created.json()["id"])
    response = api_as("duty").post(
        f"/api/v1/info-reports/{report.pk}/create-accident/",
        {"version": report.version, "sector": "industry_trade", "accident_type": "03"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    accident = Accident.objects.get(pk=response.json()["accident"])
    assert (
        accident.occurred_at == occurred
        and accident.reported_at == report.submitted_at
        and accident.deaths == 1
    )


def test_scope_a_town_sees_its_reports_an_enterprise_only_its_own(api_as, persona, district):
    now = timezone.now()
    times = {"known_at": now.isoformat(), "occurred_at": now.isoformat()}
    mine = _post(api_as("duruan"), _body(district["duruan"], **times)).json()["id"]
    theirs = _post(api_as("baisha"), _body(district["baisha"], **times)).json()["id"]
    own = _post(api_as("ent_duruan"), _body(district["duruan"], **times))
    assert own.status_code == 201 and own.json()["enterprise"] == persona("ent_duruan").enterprise_id
    town = api_as("duruan")
    assert town.get(f"/api/v1/info-reports/{theirs}/").status_code == 404
    assert town.get(f"/api/v1/info-reports/{mine}/").status_code == 200
    enterprise = api_as("ent_duruan")
    ids = {r["id"] for r in enterprise.get("/api/v1/info-reports/?page_size=200").json()["results"]}
    assert own.json()["id"] in ids and mine not in ids and theirs not in ids
    assert enterprise.get(f"/api/v1/info-reports/{mine}/").status_code == 404
    # a town cannot report another town's event
    assert _post(town, _body(district["baisha"], **times)).status_code == 400
    # the directory is the officials': an enterprise gets an empty list, a leader masked numbers
    assert enterprise.get("/api/v1/duty/contacts/").json()["count"] == 0
    phones = [c["phone"] for c in api_as("leader").get("/api/v1/duty/contacts/").json()["results"]]
    assert phones and all("****" in p for p in phones)
    assert all(
        "****" not in c["phone"] for c in api_as("duty").get("/api/v1/duty/contacts/").json()["results"]
    )


def test_read_only_roles_cannot_report(api_as, district):
    assert _post(api_as("leader"), {}).status_code == 403
    assert _post(api_as("sysadmin"), {}).status_code == 403


def test_objects_and_huge_numbers_where_one_value_belongs_are_400(api_as, district):
    before = InfoReport.objects.count()
    body = {**_body(district["duruan"], occurred_at={"x": [1]}, by_phone=["a"]), "town": 10**40}
    response = _post(api_as("admin"), body)
    assert response.status_code == 400
    assert {"occurred_at", "by_phone", "town"} <= set(response.json())
    assert InfoReport.objects.count() == before


# --- R-ACC-4: follow-up reports -------------------------------------------------------------------------


def _report(response):
    return InfoReport.objects.get(pk=response.json()["id"])


def test_a_missed_follow_up_makes_the_report_late_and_tells_the_reporter_and_the_desk(
    api_as, persona, district
):
    from duty.tasks import follow_up_clocks

    filed = T0 + dt.timedelta(minutes=5)
    with time_machine.travel(filed, tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"]))
    due = filed + dt.timedelta(hours=24)  # a general event: at least daily
    assert dt.datetime.fromisoformat(created.json()["next_follow_up_due"]) == due
    assert created.json()["follow_up_overdue"] is False and created.json()["late"] is False
    notices = Notification.objects.filter(
        kind="duty.report.follow_up_overdue", target_id=created.json()["id"]
    )
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        follow_up_clocks()
    assert _report(created).late is False and not notices.exists()

    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        follow_up_clocks()
        follow_up_clocks()  # a second run tells nobody twice
        shown = api_as("duty").get(f"/api/v1/info-reports/{created.json()['id']}/").json()
    assert _report(created).late is True and shown["follow_up_overdue"] is True
    assert notices.filter(recipient=persona("duruan")).count() == 1
    assert notices.filter(recipient=persona("duty")).count() == 1

    later = due + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        follow = api_as("duruan").post(
            f"/api/v1/info-reports/{created.json()['id']}/follow-ups/", {"text": "仍在处置"}, format="json"
        )
    assert follow.status_code == 200, follow.json()
    body = follow.json()
    assert dt.datetime.fromisoformat(body["next_follow_up_due"]) == later + dt.timedelta(hours=24)
    assert body["follow_up_overdue"] is False
    assert body["updates"][-1]["late"] is True and body["late"] is True  # counted late for good


def test_a_follow_up_in_time_keeps_the_report_on_time(api_as, district):
    filed = T0 + dt.timedelta(minutes=5)
    with time_machine.travel(filed, tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"]))
    with time_machine.travel(filed + dt.timedelta(hours=23), tick=False):
        follow = api_as("duruan").post(
            f"/api/v1/info-reports/{created.json()['id']}/follow-ups/", {"text": "已处置"}, format="json"
        )
    body = follow.json()
    assert body["late"] is False and body["updates"][-1]["late"] is False
    assert dt.datetime.fromisoformat(body["next_follow_up_due"]) == filed + dt.timedelta(hours=47)
    with time_machine.travel(filed + dt.timedelta(hours=50), tick=False):
        final = api_as("duruan").post(
            f"/api/v1/info-reports/{created.json()['id']}/final/", {"text": "结束"}, format="json"
        )
    assert final.json()["next_follow_up_due"] is None and final.json()["late"] is True  # the final came late


@pytest.mark.parametrize(
    "numbers, hours",
    [
        ({"deaths": 9}, 24),  # larger: daily
        ({"serious_injuries": 49}, 24),
        ({"deaths": 10}, 12),  # major (R-ACC-1): twice daily
        ({"deaths": 6, "missing": 4}, 12),  # missing persons count with the dead
        ({"serious_injuries": 50}, 12),
        ({"larger_near_miss": True}, 24),  # reported like a larger accident (R-ACC-9)
    ],
)
def test_major_events_need_a_follow_up_twice_a_day(api_as, district, numbers, hours):
    filed = T0 + dt.timedelta(minutes=5)
    with time_machine.travel(filed, tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"], **numbers))
    assert created.status_code == 201, created.json()
    assert dt.datetime.fromisoformat(created.json()["next_follow_up_due"]) == filed + dt.timedelta(
        hours=hours
    )


def test_the_linked_accidents_loss_or_level_makes_an_event_major(db):
    from decimal import Decimal
    from types import SimpleNamespace

    from duty.services.reports import is_major

    quiet = {"deaths": 0, "missing": 0, "serious_injuries": 0}
    assert not is_major(**quiet)
    assert not is_major(**quiet, accident=SimpleNamespace(direct_loss=Decimal("49999999"), level="larger"))
    assert is_major(**quiet, accident=SimpleNamespace(direct_loss=Decimal("50000000"), level="larger"))
    assert is_major(**quiet, accident=SimpleNamespace(direct_loss=Decimal("0"), level="especially_major"))


def test_the_follow_up_job_works_in_batches(api_as, district, django_assert_max_num_queries):
    from duty.tasks import follow_up_clocks

    filed = T0 + dt.timedelta(minutes=5)
    with time_machine.travel(filed, tick=False):
        ids = [_post(api_as("duruan"), _body(district["duruan"])).json()["id"] for _ in range(3)]
    # the desk once, the empty read that ends the walk, and a fixed six per batch of one whatever its
    # size: read, savepoint, flag, what was sent, insert, release
    with (
        time_machine.travel(filed + dt.timedelta(hours=25), tick=False),
        django_assert_max_num_queries(2 + 6 * 3),
    ):
        follow_up_clocks(batch_size=1)
    assert InfoReport.objects.filter(pk__in=ids, late=True).count() == 3


def test_late_reports_are_counted_per_reporting_unit(api_as, as_user, persona, district):
    from duty.selectors import late_counts_per_unit

    def counts():
        return {(r["kind"], r["unit_id"]): (r["total"], r["late"]) for r in late_counts_per_unit(admin, 2026)}

    admin = persona("admin")
    enterprise, department = persona("ent_duruan").enterprise, persona("jtj").department
    before = counts()
    with time_machine.travel(T0 + dt.timedelta(minutes=40), tick=False):  # past the 30-minute phone clock
        for who in ("duruan", "ent_duruan", "jtj"):
            assert _post(api_as(who), _body(district["duruan"], deaths=1)).status_code == 201
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        assert _post(api_as("jtj"), _body(district["duruan"], deaths=1)).json()["late"] is False
    after = counts()

    def added(key):
        was = before.get(key, (0, 0))
        return after[key][0] - was[0], after[key][1] - was[1]

    assert added(("town", district["duruan"].pk)) == (1, 1)
    assert added(("enterprise", enterprise.pk)) == (1, 1)
    assert added(("department", department.pk)) == (2, 1)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):  # the page counts the current year
        page = as_user("admin").get("/duty/reports/").content.decode()
    assert f'data-testid="late-department-{department.pk}"' in page
    assert f'data-testid="late-enterprise-{enterprise.pk}"' in page


@pytest.mark.parametrize("phone", ["13812345678", "0750-3012110", "3012110"])
def test_mobiles_and_landlines_are_taken_as_the_registry_takes_them(api_as, district, phone):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"], contact_phone=phone))
    assert created.status_code == 201, created.json()
    assert InfoReport.objects.get(pk=created.json()["id"]).contact_phone == phone


def test_the_clocks_tick_on_the_page_and_keep_the_servers_text(as_user, api_as, district):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):  # taken by phone: written still due
        created = _post(api_as("duty"), _body(district["duruan"], deaths=1, by_phone=True))
        report = InfoReport.objects.get(pk=created.json()["id"])
        page = as_user("duty").get(report.get_absolute_url()).content.decode()
    written = report.deadlines.get(step="written").due_at
    assert f'data-countdown="{int(written.timestamp())}"' in page  # what the script counts down to
    follow_up = int(report.follow_up_due_at.timestamp())
    assert f'data-countdown="{follow_up}"' in page
    assert "duty/countdown.js" in page
    # without the script the server's text stands: the written report is due in 55 minutes
    assert "55" in page.split(f'data-countdown="{int(written.timestamp())}"')[1].split("</span>")[0]


def test_a_submitted_report_sends_a_signed_webhook(api_as, district, monkeypatch):
    import json

    from notifications import webhooks
    from notifications.models import Webhook, WebhookDelivery

    hook = Webhook.objects.create(
        name="市应急指挥平台",
        url="https://hooks.example.cn/redline",
        secret="s3cret",
        events=["duty.report.submitted"],
    )
    Webhook.objects.create(
        name="只要事故", url="https://other.example.cn/", secret="x", events=["accidents.x"]
    )
    seen = []
    monkeypatch.setattr(webhooks, "post", lambda url, body, headers: seen.append((url, body, headers)) or 200)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        created = _post(api_as("duruan"), _body(district["duruan"], deaths=1))
        webhooks.deliver_webhooks()
    assert created.status_code == 201
    assert (
        WebhookDelivery.objects.filter(event="duty.report.submitted").count() == 1
    )  # the other hook wants none
    [(url, body, headers)] = seen
    assert url == hook.url and headers["X-Redline-Event"] == "duty.report.submitted"
    assert webhooks.verify("s3cret", body, headers[webhooks.SIGNATURE_HEADER])
    assert not webhooks.verify("wrong", body, headers[webhooks.SIGNATURE_HEADER])
    sent = json.loads(body)
    assert sent["event"] == "duty.report.submitted"
    assert sent["payload"]["id"] == created.json()["id"] and sent["payload"]["urgent"] is True
    assert WebhookDelivery.objects.get(webhook=hook).state == WebhookDelivery.DELIVERED
