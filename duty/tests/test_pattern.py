"""Each duty room's own shift pattern (R-DUTY-2): set by its keepers on its page or over the API, validated,
audited; the months generated afterwards follow it (several shifts a day on a shorter pattern, no gaps, rest
in proportion, a leader never on two consecutive days), rosters already made keep theirs, and a room that
sets none follows the district setting."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from core import calendar
from duty import rules, selectors, services
from duty.choices import RosterState, ShiftRole
from duty.models import DutyRoom, Roster, Shift
from duty.tasks import remind_tomorrow
from duty.tests.conftest import DISTRICT, demo_roster, month_ahead
from notifications.models import Notification


def _duruan_room(persona) -> DutyRoom:
    return DutyRoom.objects.get(town=persona("duruan").town)


def _set(room, actor, **data) -> DutyRoom:
    return services.set_room_pattern(room, actor=actor, version=room.version, data=data)


def _month(room, month, actor) -> Roster:
    roster = services.create_roster(actor=actor, data={"room": room.pk, "month": f"{month:%Y-%m}"})
    return services.generate_roster(roster, actor=actor)


def _at(day: dt.date, hours: int, minutes: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hours, minutes)))


# --- generation on a 12-hour pattern ----------------------------------------------------------------------


def test_a_room_on_12_hour_shifts_from_0800_gets_two_shifts_a_day_covered_rested_and_fair(persona):
    admin = persona("admin")
    room = _set(_duruan_room(persona), admin, shift_start="08:00", shift_hours=12)
    month = month_ahead(3)
    roster = _month(room, month, admin)

    assert (roster.shift_start, roster.shift_hours) == (dt.time(8, 0), 12)
    assert services.check_coverage(roster) == {"gaps": [], "double_bookings": []}
    assert roster.uneven_note == ""
    shifts = list(roster.shifts.order_by("start", "role"))
    days = rules.month_days(month)
    holidays = calendar.holidays(days[0], days[-1])
    seats = Counter((s.start, s.role) for s in shifts)
    for day in days:
        for start in (_at(day, 8), _at(day, 20)):  # two shifts a day, back to back
            assert seats[(start, ShiftRole.LEADER)] == 1, start
            assert seats[(start, ShiftRole.OFFICER)] == rules.officers_needed(day, holidays), start
    assert {s.end - s.start for s in shifts} == {dt.timedelta(hours=12)}
    assert shifts[0].start == _at(days[0], 8) and max(s.end for s in shifts) == _at(month_ahead(4), 8)

    by_person = defaultdict(list)
    for s in shifts:
        by_person[s.person_id].append(s)
    for mine in by_person.values():
        for a, b in zip(mine, mine[1:], strict=False):
            assert b.start - a.end >= dt.timedelta(hours=24)  # 48 h after 24 h: 24 h after 12 h
            if a.role == b.role == ShiftRole.LEADER:  # never on two consecutive duty days
                assert (
                    room.shift_pattern.shift_day(b.start) - room.shift_pattern.shift_day(a.start)
                ).days >= 2
    # fair in shifts, and so in hours: every shift of the month lasts 12 hours
    for role, pool in ((ShiftRole.LEADER, room.leaders), (ShiftRole.OFFICER, room.officers)):
        counts = Counter(s.person_id for s in shifts if s.role == role)
        loads = [counts.get(pk, 0) for pk in pool.values_list("pk", flat=True)]
        assert max(loads) - min(loads) <= 1, (role, loads)

    published = services.publish_roster(roster, actor=admin)
    assert published.state == RosterState.PUBLISHED


def test_on_a_12_hour_pattern_the_night_shift_takes_over_at_2000(persona, as_user):
    admin = persona("admin")
    room = _set(_duruan_room(persona), admin, shift_start="08:00", shift_hours=12)
    month = month_ahead(3)
    services.publish_roster(_month(room, month, admin), actor=admin)
    day = month.replace(day=10)

    before = selectors.on_duty(room, _at(day, 19, 59))
    after = selectors.on_duty(room, _at(day, 20, 0))
    assert {s.start for s in before} == {_at(day, 8)} and {s.start for s in after} == {_at(day, 20)}
    day_leader = [s.person_id for s in before if s.role == ShiftRole.LEADER]
    night_leader = [s.person_id for s in after if s.role == ShiftRole.LEADER]
    assert len(day_leader) == len(night_leader) == 1 and day_leader != night_leader
    # the board and the district's pages read the same shifts
    with time_machine.travel(_at(day, 20, 0), tick=False):
        row = next(r for r in selectors.board_rooms(admin) if r["room"] == room)
        assert [s.person_id for s in row["leaders"]] == night_leader
        page = as_user("duruan").get("/duty/").content.decode()
        assert 'data-testid="board-pattern"' in page


def test_tomorrows_two_shifts_are_reminded_on_a_12_hour_pattern(persona):
    admin = persona("admin")
    room = _set(_duruan_room(persona), admin, shift_start="08:00", shift_hours=12)
    month = month_ahead(3)
    roster = services.publish_roster(_month(room, month, admin), actor=admin)
    remind_tomorrow(now=_at(month.replace(day=9), 10))
    tomorrow = roster.shifts.filter(start__in=[_at(month.replace(day=10), 8), _at(month.replace(day=10), 20)])
    assert tomorrow.count() >= 4
    for shift in tomorrow:
        assert Notification.objects.filter(recipient=shift.person, kind="duty.reminder").exists()


def test_the_calendar_and_the_exports_show_the_rooms_shifts(persona, as_user):
    import io

    import openpyxl

    admin = persona("admin")
    room = _set(_duruan_room(persona), admin, shift_start="08:00", shift_hours=12)
    roster = _month(room, month_ahead(3), admin)
    client = as_user("duruan")
    page = client.get(f"/duty/rosters/{roster.pk}/").content.decode()
    assert "每日 08:00 起 12 小时一班（每日 2 班：08:00、20:00）" in page
    assert "20:00" in page  # each name under its shift's start time
    xlsx = client.get(f"/duty/rosters/{roster.pk}/roster.xlsx")
    body = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))[1:]
    assert {row[0][-5:] for row in rows} == {"08:00", "20:00"}
    assert {row[1][-5:] for row in rows} == {"08:00", "20:00"}
    pdf = client.get(f"/duty/rosters/{roster.pk}/roster.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_hand_added_shift_keeps_the_rest_of_its_length_and_the_leaders_day_off(persona, api_as):
    admin = persona("admin")
    room = _set(_duruan_room(persona), admin, shift_start="08:00", shift_hours=12)
    month = month_ahead(4)
    roster = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month:%Y-%m}"})
    client = api_as("admin")
    url = f"/api/v1/duty/rosters/{roster.pk}/shifts/"

    def add(person, role, day, hour, hours=12):
        start = _at(month.replace(day=day), hour)
        body = {"person": person.pk, "role": role, "start": start.isoformat()}
        body["end"] = (start + dt.timedelta(hours=hours)).isoformat()
        return client.post(url, body, format="json")

    officer = room.officers.order_by("pk").first()
    assert add(officer, "officer", 5, 8).status_code == 201
    refused = add(officer, "officer", 6, 8)  # 12 hours after a 12-hour shift
    assert refused.status_code == 400 and "24" in refused.json()["start"][0]
    assert add(officer, "officer", 6, 20).status_code == 201  # 24 hours after it
    assert add(officer, "officer", 9, 8, hours=24).status_code == 400  # longer than the room's shifts
    leader = room.leaders.order_by("pk").first()
    assert add(leader, "leader", 5, 8).status_code == 201
    refused = add(leader, "leader", 6, 20)  # rested, but the next duty day
    assert refused.status_code == 400 and "连续" in refused.json()["start"][0]
    assert add(leader, "leader", 7, 8).status_code == 201
    assert roster.shifts.count() == 4


# --- the district setting -----------------------------------------------------------------------------


def test_the_district_setting_applies_to_rooms_without_a_pattern_of_their_own(persona, settings):
    settings.DUTY_SHIFT_START, settings.DUTY_SHIFT_HOURS = "07:00", 12
    admin = persona("admin")
    district = DutyRoom.objects.get(town__isnull=True)
    assert district.shift_pattern == rules.ShiftPattern(dt.time(7, 0), 12)
    mine = _set(_duruan_room(persona), admin, shift_start="08:30", shift_hours=24)
    half = _set(
        DutyRoom.objects.exclude(pk=mine.pk).exclude(town__isnull=True).order_by("pk").first(),
        admin,
        shift_start="06:00",  # the length stays the district's
    )
    assert half.shift_pattern == rules.ShiftPattern(dt.time(6, 0), 12, own=True)
    month = month_ahead(5)
    starts = {
        room.pk: {timezone.localtime(s.start).time() for s in _month(room, month, admin).shifts.all()}
        for room in (district, mine, half)
    }
    assert starts == {
        district.pk: {dt.time(7, 0), dt.time(19, 0)},
        mine.pk: {dt.time(8, 30)},
        half.pk: {dt.time(6, 0), dt.time(18, 0)},
    }
    # emptied again, the room follows the district
    mine = _set(mine, admin, shift_start="", shift_hours=None)
    assert (mine.shift_start, mine.shift_hours, mine.shift_pattern.own) == (None, None, False)
    assert mine.shift_pattern == rules.ShiftPattern(dt.time(7, 0), 12)


# --- a change applies to later months only ---------------------------------------------------------------


def test_a_change_leaves_published_rosters_and_applies_to_the_months_generated_after_it(persona, as_user):
    admin = persona("admin")
    room = _duruan_room(persona)
    published = demo_roster(room)
    before = (list(published.shifts.values_list("pk", "start", "end")), services.check_coverage(published))
    assert before[1]["gaps"] == []
    room = _set(room, admin, shift_start="08:00", shift_hours=12)
    published.refresh_from_db()
    assert published.pattern == DISTRICT
    assert list(published.shifts.values_list("pk", "start", "end")) == before[0]
    assert services.check_coverage(published) == before[1]  # no gap appears in a month already made
    calendar_page = as_user("duruan").get(f"/duty/rosters/{published.pk}/").content.decode()
    assert "每日 08:30 起 24 小时一班" in calendar_page
    later = _month(room, month_ahead(3), admin)
    assert later.pattern == rules.ShiftPattern(dt.time(8, 0), 12)
    # a draft made before the change takes the new pattern when it is generated again
    draft = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month_ahead(6):%Y-%m}"})
    room = _set(room, admin, shift_start="09:00", shift_hours=8)
    assert draft.pattern == rules.ShiftPattern(dt.time(8, 0), 12)
    draft = services.generate_roster(draft, actor=admin)
    assert (draft.shift_start, draft.shift_hours) == (dt.time(9, 0), 8)
    assert {timezone.localtime(s.start).time() for s in draft.shifts.all()} == {
        dt.time(9, 0),
        dt.time(17, 0),
        dt.time(1, 0),
    }


# --- the page, the API, the checks -------------------------------------------------------------------


def test_the_room_page_shows_the_pattern_and_its_keeper_sets_it(persona, as_user):
    room = _duruan_room(persona)
    client = as_user("duruan")
    page = client.get(f"/duty/rooms/{room.pk}/").content.decode()
    assert "每日 08:30 起 24 小时一班" in page and 'data-testid="set-pattern"' in page
    assert (
        'data-testid="set-pattern"'
        not in as_user("inspector_duruan").get(f"/duty/rooms/{room.pk}/").content.decode()
    )
    form = client.get(f"/duty/rooms/{room.pk}/pattern/")
    assert form.status_code == 200
    assert "已发布的排班表" in form.content.decode()  # the page says a change leaves made rosters alone
    response = client.post(
        f"/duty/rooms/{room.pk}/pattern/",
        {"version": room.version, "shift_start": "08:00", "shift_hours": "12"},
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.shift_start, room.shift_hours, room.version) == (dt.time(8, 0), 12, 2)
    event = AuditEvent.objects.get(action="duty.room.pattern_changed", target_id=room.pk)
    assert event.data["before"] == {"shift_start": None, "shift_hours": None}
    assert event.data["after"] == {"shift_start": "08:00", "shift_hours": 12}
    page = client.get(f"/duty/rooms/{room.pk}/").content.decode()
    assert "每日 08:00 起 12 小时一班（每日 2 班：08:00、20:00）" in page
    again = client.get(f"/duty/rooms/{room.pk}/pattern/").content.decode()
    assert 'value="08:00"' in again and '<option value="12" selected>' in again


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"shift_start": "25:00", "shift_hours": 12}, {"shift_start"}),
        ({"shift_start": "8:30"}, {"shift_start"}),
        ({"shift_start": "08:30:00"}, {"shift_start"}),
        ({"shift_hours": 5}, {"shift_hours"}),
        ({"shift_hours": 48}, {"shift_hours"}),
        ({"shift_start": "noon", "shift_hours": "twelve"}, {"shift_start", "shift_hours"}),
        ({"shift_start": ["08:00"]}, {"shift_start"}),
    ],
)
def test_a_bad_pattern_is_400_naming_the_field_and_changes_nothing(api_as, as_user, persona, body, fields):
    room = _duruan_room(persona)
    events = AuditEvent.objects.filter(action="duty.room.pattern_changed").count()
    refused = api_as("duruan").post(
        f"/api/v1/duty/rooms/{room.pk}/pattern/", {"version": room.version, **body}, format="json"
    )
    assert refused.status_code == 400 and set(refused.json()) == fields, refused.json()
    if not any(isinstance(v, list) for v in body.values()):  # a form post carries no JSON list
        page = as_user("duruan").post(f"/duty/rooms/{room.pk}/pattern/", {"version": room.version, **body})
        assert page.status_code == 400 and 'data-testid="field-error"' in page.content.decode()
    fresh = DutyRoom.objects.get(pk=room.pk)
    assert (fresh.shift_start, fresh.shift_hours, fresh.version) == (None, None, room.version)
    assert AuditEvent.objects.filter(action="duty.room.pattern_changed").count() == events


def test_the_clear_messages_of_a_bad_pattern(api_as, persona):
    room = _duruan_room(persona)
    errors = (
        api_as("duruan")
        .post(
            f"/api/v1/duty/rooms/{room.pk}/pattern/",
            {"version": room.version, "shift_start": "24:00", "shift_hours": 7},
            format="json",
        )
        .json()
    )
    assert "HH:MM" in errors["shift_start"][0] and "08:30" in errors["shift_start"][0]
    assert "24" in errors["shift_hours"][0] and "12" in errors["shift_hours"][0]


def test_the_api_sets_the_pattern_on_the_version_read_for_the_rooms_keepers_only(api_as, persona):
    room = _duruan_room(persona)
    other = DutyRoom.objects.exclude(pk=room.pk).exclude(town__isnull=True).first()
    client = api_as("duruan")
    listed = client.get(f"/api/v1/duty/rooms/{room.pk}/").json()
    assert (listed["shift_start"], listed["shift_hours"], listed["version"]) == (None, None, 1)
    assert listed["shift_pattern"] == {
        "start": "08:30",
        "hours": 24,
        "shifts_per_day": 1,
        "own": False,
        "description": "每日 08:30 起 24 小时一班",
    }
    url = f"/api/v1/duty/rooms/{room.pk}/pattern/"
    assert client.post(url, {"shift_hours": 12}, format="json").status_code == 400  # no version
    assert client.post(url, {"version": 9, "shift_hours": 12}, format="json").status_code == 409
    assert api_as("leader").post(url, {"version": 1, "shift_hours": 12}, format="json").status_code == 403
    assert api_as("duty").post(url, {"version": 1, "shift_hours": 12}, format="json").status_code == 403
    assert api_as("baisha").post(url, {"version": 1, "shift_hours": 12}, format="json").status_code == 404
    assert (
        client.post(f"/api/v1/duty/rooms/{other.pk}/pattern/", {"version": 1}, format="json").status_code
        == 404
    )
    done = client.post(url, {"version": 1, "shift_start": "08:00", "shift_hours": 12}, format="json")
    assert done.status_code == 200
    assert (done.json()["shift_start"], done.json()["shift_hours"], done.json()["version"]) == (
        "08:00",
        12,
        2,
    )
    assert done.json()["shift_pattern"]["shifts_per_day"] == 2 and done.json()["shift_pattern"]["own"] is True
    assert api_as("admin").post(url, {"version": 2}, format="json").json()["shift_pattern"]["own"] is False


def test_the_schema_documents_the_pattern_typed_and_never_required(api_as):
    schema = api_as("admin").get("/api/schema/?format=json").json()
    schemas = schema["components"]["schemas"]
    body = schemas["DutyRoomSetPatternRequest"]
    assert body["required"] == ["version"]
    start = body["properties"]["shift_start"]
    assert start["nullable"] is True
    assert {"type": "string", "pattern": "^(([01][0-9]|2[0-3]):[0-5][0-9])?$", "maxLength": 5} in start[
        "oneOf"
    ]
    hours = body["properties"]["shift_hours"]
    assert hours["nullable"] is True
    enum = schemas[hours["oneOf"][0]["$ref"].rsplit("/", 1)[1]]
    assert (enum["type"], enum["enum"]) == ("integer", [24, 12, 8, 6, 4, 3, 2, 1])
    room = schemas["DutyRoom"]
    assert {"shift_start", "shift_hours", "shift_pattern", "version"} <= set(room["properties"])
    assert room["properties"]["shift_hours"]["type"] == "integer"
    assert "/api/v1/duty/rooms/{id}/pattern/" in schema["paths"]


def test_a_later_start_leaves_no_span_between_two_months_to_nobody(persona):
    """The month before ends at 08:30 on the 1st (the district's pattern); the room then starts at 09:00:
    the new month's first shifts reach back to 08:30, so somebody is on duty at 08:45, rested."""
    admin = persona("admin")
    room = _duruan_room(persona)
    before, month = month_ahead(3), month_ahead(4)
    services.publish_roster(_month(room, before, admin), actor=admin)
    room = _set(room, admin, shift_start="09:00")
    roster = _month(room, month, admin)
    assert services.check_coverage(roster) == {"gaps": [], "double_bookings": []}
    first = roster.shifts.order_by("start").first()
    assert first.start == _at(month, 8, 30) and first.end == _at(month.replace(day=2), 9)
    services.publish_roster(roster, actor=admin)
    on_duty = selectors.on_duty(room, _at(month, 8, 45))
    assert {s.role for s in on_duty} == {ShiftRole.LEADER, ShiftRole.OFFICER}
    assert all(s.roster_id == roster.pk for s in on_duty)
    for shift in roster.shifts.filter(start=first.start):  # rested before it, and 48 hours after it
        earlier = Shift.objects.filter(person=shift.person, end__lte=shift.start).order_by("-end").first()
        assert earlier is None or shift.start - earlier.end >= dt.timedelta(hours=48)
        later = roster.shifts.filter(person=shift.person, start__gt=shift.start).order_by("start").first()
        assert later is None or later.start - shift.end >= dt.timedelta(hours=48)
    # without the earlier span the first shift would be a gap: the check names it, not the calendar's day
    roster.shifts.filter(start=first.start).update(start=_at(month, 9))
    gaps = services.check_coverage(roster)["gaps"]
    assert {(g["start"], g["end"]) for g in gaps} == {(_at(month, 8, 30), _at(month, 9))}
