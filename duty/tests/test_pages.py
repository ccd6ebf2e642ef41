"""The duty pages: the board with masked phones, rosters by month and week with their exports, the duty
log, the handover that a shift cannot close without, the report form keeping its input, the jobs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from duty import selectors, services
from duty.choices import RosterState
from duty.models import DutyRoom, LogEntry, Roster
from duty.tasks import alert_uncovered, remind_tomorrow, uncovered
from duty.tests.conftest import DISTRICT
from notifications.models import Notification


def test_the_board_shows_who_is_on_duty_with_phones_by_role(as_user, persona, on_duty_clock):
    room = selectors.district_room()
    on_duty = selectors.on_duty(room)
    phone = on_duty[0].person.phone
    page = as_user("duty").get("/duty/")
    assert page.status_code == 200
    text = page.content.decode()
    assert on_duty[0].person.display_name in text and phone in text
    masked = as_user("leader").get("/duty/").content.decode()
    assert phone not in masked and f"{phone[:3]}****{phone[-4:]}" in masked
    assert as_user("sysadmin").get("/duty/").status_code == 404


def test_the_board_reads_a_bounded_number_of_queries(as_user, django_assert_max_num_queries):
    client = as_user("duty")
    client.get("/duty/")
    with django_assert_max_num_queries(30):
        assert client.get("/duty/").status_code == 200


def test_month_and_week_calendars_and_the_exports(as_user):
    roster = Roster.objects.filter(state=RosterState.PUBLISHED, room__town__isnull=True).first()
    client = as_user("admin")
    month = client.get(f"/duty/rosters/{roster.pk}/")
    assert month.status_code == 200 and b'data-testid="month"' in month.content
    week = client.get(f"/duty/rosters/{roster.pk}/?view=week&week=1")
    assert b'data-testid="week"' in week.content
    pdf = client.get(f"/duty/rosters/{roster.pk}/roster.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/duty/rosters/{roster.pk}/roster.xlsx")
    assert xlsx.status_code == 200
    body = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    assert body[:2] == b"PK"
    assert client.get(f"/duty/rosters/{roster.pk}/roster.doc").status_code == 404


def test_a_town_sees_its_room_not_another(as_user, persona):
    mine = DutyRoom.objects.get(town=persona("duruan").town)
    other = DutyRoom.objects.exclude(pk=mine.pk).exclude(town__isnull=True).first()
    client = as_user("duruan")
    assert client.get(f"/duty/rooms/{mine.pk}/").status_code == 200
    assert client.get(f"/duty/rooms/{other.pk}/").status_code == 404
    assert client.post(f"/duty/rooms/{other.pk}/log/", {"kind": "call", "text": "x"}).status_code == 404


def test_the_duty_log_records_and_keeps_bad_input(as_user, persona):
    room = selectors.district_room()
    client = as_user("duty")
    ok = client.post(
        f"/duty/rooms/{room.pk}/log/",
        {"kind": "call", "caller": "杜阮镇", "text": "来电报告积水", "action": "通知应急队"},
    )
    assert ok.status_code == 302
    entry = LogEntry.objects.get(text="来电报告积水")
    assert entry.shift is not None and entry.by == persona("duty")
    bad = client.post(f"/duty/rooms/{room.pk}/log/", {"kind": "call", "caller": "白沙街道", "text": ""})
    assert bad.status_code == 400 and "白沙街道" in bad.content.decode()


def test_a_shift_cannot_close_without_a_signed_handover(persona, on_duty_clock):
    room = selectors.district_room()
    shift = [s for s in selectors.on_duty(room) if s.role == "officer"][0]
    from core.errors import Conflict

    try:
        services.close_shift(shift, actor=persona("admin"), version=shift.version)
    except Conflict:
        pass
    else:
        raise AssertionError("closed without a handover")
    incoming = room.officers.exclude(pk=shift.person_id).first()
    services.write_handover(
        shift, actor=persona("admin"), data={"incoming": incoming.pk, "open_matters": "跟进杜阮塌陷"}
    )
    try:
        services.close_shift(shift, actor=persona("admin"), version=shift.version)
    except Conflict:
        pass
    else:
        raise AssertionError("closed before the incoming person signed")
    incoming.role_assignments.get_or_create(role="duty_officer")
    incoming = type(incoming).objects.get(pk=incoming.pk)
    services.sign_handover(shift, actor=incoming)
    closed = services.close_shift(shift, actor=persona("admin"), version=shift.version)
    assert closed.state == "closed" and closed.closed_at is not None


def test_the_report_form_keeps_what_was_typed(as_user, persona):
    client = as_user("baisha")
    now = timezone.localtime()
    response = client.post(
        "/duty/reports/new/",
        {
            "town": persona("baisha").town_id,
            "title": "内涝点积水",
            "event_type": "flood",
            "occurred_at": (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "known_at": (now + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "description": "积水约40厘米",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "内涝点积水" in text and "积水约40厘米" in text
    assert as_user("leader").get("/duty/reports/new/").status_code == 403


def test_tomorrows_person_is_reminded_once(persona):
    # A fixed hour inside the demo's published month: "tomorrow" is the duty day that starts tomorrow at the
    # shift start, whatever the hour the suite runs at (near midnight the shift on duty is yesterday's).
    today = timezone.localdate()
    now = timezone.make_aware(dt.datetime(today.year, today.month, 10, 12, 0))
    remind_tomorrow(now=now)
    remind_tomorrow(now=now)
    starts = DISTRICT.day_start(dt.date(today.year, today.month, 11))
    tomorrow = selectors.on_duty(selectors.district_room(), starts + dt.timedelta(minutes=1))
    assert tomorrow
    for shift in tomorrow:
        assert Notification.objects.filter(recipient=shift.person, kind="duty.reminder").count() == 1


def test_a_room_without_anyone_in_the_next_72_hours_raises_an_alert(persona):
    room = DutyRoom.objects.get(town=persona("duruan").town)
    now = timezone.now()
    room.rosters.all().update(state=RosterState.DRAFT)  # nothing published: nobody on duty
    assert uncovered(room, now, now + dt.timedelta(hours=72)) == [(now, now + dt.timedelta(hours=72))]
    alert_uncovered(now=now)
    alert_uncovered(now=now)
    told = Notification.objects.filter(kind="duty.coverage.alert", target_id=room.pk)
    assert told.filter(recipient=persona("duruan")).count() == 1
    assert told.filter(recipient=persona("duty")).count() == 1


def test_the_duty_officers_home_has_the_duty_panel_and_the_nav_item(as_user):
    home = as_user("duty").get("/")
    assert home.status_code == 200
    text = home.content.decode()
    assert 'data-testid="duty-panel-reports"' in text and "/duty/" in text
    assert 'data-testid="duty-panel-reports"' not in as_user("ent_duruan").get("/").content.decode()


def test_the_assessment_items_and_cockpit_figures_count_their_records(persona):
    from core.extensions import assessment_items, cockpit_figures
    from duty.models import InfoReport

    items = {i.key: i for i in assessment_items.all()}
    town = persona("duruan").town
    late = items["duty_late_reports"].measure(
        kind="town", unit_id=town.pk, year=timezone.localdate().year, until=timezone.localdate()
    )
    assert late.value == InfoReport.objects.filter(town=town, late=True).count() == late.records.count()
    gaps = items["duty_gaps"].measure(
        kind="town", unit_id=town.pk, year=timezone.localdate().year, until=timezone.localdate()
    )
    assert gaps.value == 0
    figures = {f.key: f for f in cockpit_figures.all()}
    value, url = figures["duty_open_reports"].compute(persona("duty"))
    assert value == InfoReport.objects.open().count() and url.startswith("/api/v1/info-reports/")


def test_a_refused_new_roster_shows_the_room_again_with_the_month_typed(as_user):
    room = selectors.district_room()
    taken = room.rosters.order_by("month").first()
    month = f"{taken.month:%Y-%m}"
    response = as_user("admin").post("/duty/rosters/new/", {"room": room.pk, "month": month})
    # That month has its roster already: the room's page again, the month kept and the reason beside it.
    assert response.status_code == 409
    page = response.content.decode()
    assert f'value="{month}"' in page and 'data-testid="form-errors"' in page
    assert room.rosters.filter(month=taken.month).count() == 1
