"""Rosters: generation for every demo room (R-DUTY-2 rest rules, fairness, heightened staffing), the
coverage proof (gaps and double bookings), publish refused with a gap, swaps that keep coverage."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from audit.models import AuditEvent
from core import calendar
from core.errors import Conflict, InvalidInput, NotAllowed
from duty import rules, services
from duty.choices import RosterState, ShiftRole
from duty.models import DutyRoom, Roster, Shift, Unavailability
from duty.tests.conftest import DISTRICT, demo_roster, flood_month_ahead, month_ahead

# October 2026: National Day holidays (two officers) inside the flood season; July: flood season only;
# February: the Spring Festival holidays outside the flood season. Fixed because the holidays are data
# (core.CalendarDay holds 2024-2026); the other tests take months the demo never builds.
MONTHS = [dt.date(2026, 10, 1), dt.date(2026, 7, 1), dt.date(2026, 2, 1)]


def _generated(room, month, admin, *, replacing_the_demos=False):
    if replacing_the_demos:
        # A suite run inside or next to a fixed month finds the demo's rosters there, whose shifts would
        # bind this month's first and last days: the month is generated on its own, as in a new district.
        before, after = month - dt.timedelta(days=1), month + dt.timedelta(days=31)
        Roster.objects.filter(room=room, month__gte=before.replace(day=1), month__lte=after).delete()
    roster = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month:%Y-%m}"})
    return services.generate_roster(roster, actor=admin)


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_a_generated_month_for_every_demo_room_is_covered_rested_and_fair(
    month, persona, django_assert_max_num_queries
):
    admin = persona("admin")
    rooms = list(DutyRoom.objects.all())
    assert len(rooms) == 9  # the district's room and one per town/street
    days = rules.month_days(month)
    holidays = calendar.holidays(days[0], days[-1])
    assert month != dt.date(2026, 7, 1) or not holidays
    for room in rooms:
        roster = _generated(room, month, admin, replacing_the_demos=True)
        coverage = services.check_coverage(roster)
        assert coverage == {"gaps": [], "double_bookings": []}, room.name
        shifts = list(roster.shifts.order_by("start"))
        per_day = Counter((DISTRICT.shift_day(s.start), s.role) for s in shifts)
        for day in days:
            assert per_day[(day, ShiftRole.LEADER)] == 1
            assert per_day[(day, ShiftRole.OFFICER)] == rules.officers_needed(day, holidays)
        by_person: dict[int, list] = {}
        for s in shifts:
            by_person.setdefault(s.person_id, []).append(s)
        for mine in by_person.values():  # at most one 24-hour shift in 72 hours, 48 hours of rest after it
            for a, b in zip(mine, mine[1:], strict=False):
                assert b.start - a.end >= dt.timedelta(hours=48)
        for role, pool in ((ShiftRole.LEADER, room.leaders), (ShiftRole.OFFICER, room.officers)):
            counts = Counter(s.person_id for s in shifts if s.role == role)
            loads = [counts.get(pk, 0) for pk in pool.values_list("pk", flat=True)]
            assert max(loads) - min(loads) <= 1, (room.name, role, loads)
        assert roster.uneven_note == ""


def test_generation_is_fast_in_queries(persona, django_assert_max_num_queries):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    roster = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month_ahead(3):%Y-%m}"})
    with django_assert_max_num_queries(40):
        services.generate_roster(roster, actor=admin)


def test_leave_makes_the_month_uneven_and_says_why(persona):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    person = room.officers.order_by("pk").last()
    month = month_ahead(4)
    back = DISTRICT.day_start(month.replace(day=28))
    Unavailability.objects.create(room=room, person=person, start=DISTRICT.day_start(month), end=back)
    roster = _generated(room, month, admin)
    assert services.check_coverage(roster)["gaps"] == []
    assert not roster.shifts.filter(person=person, start__lt=back).exists()
    assert person.display_name in roster.uneven_note


def test_a_planted_one_hour_gap_and_a_double_booking_are_found(persona):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    roster = _generated(room, flood_month_ahead(), admin)  # two officers a day: one seat can be doubled
    leader_shift = roster.shifts.filter(role=ShiftRole.LEADER).order_by("start")[10]
    gap_start = leader_shift.start + dt.timedelta(hours=5)
    Shift.objects.filter(pk=leader_shift.pk).update(end=gap_start)
    Shift.objects.create(
        roster=roster,
        person=leader_shift.person,
        role=ShiftRole.LEADER,
        start=gap_start + dt.timedelta(hours=1),
        end=leader_shift.end,
    )
    officer_shift = roster.shifts.filter(role=ShiftRole.OFFICER).order_by("start")[3]
    other = (
        roster.shifts.filter(role=ShiftRole.OFFICER, start=officer_shift.start)
        .exclude(pk=officer_shift.pk)
        .first()
    )
    Shift.objects.filter(pk=other.pk).update(person=officer_shift.person)

    coverage = services.check_coverage(roster)
    leader_gaps = [g for g in coverage["gaps"] if g["missing"] == "leader"]
    assert [(g["start"], g["end"]) for g in leader_gaps] == [(gap_start, gap_start + dt.timedelta(hours=1))]
    assert [(d["person"], d["start"], d["end"]) for d in coverage["double_bookings"]] == [
        (officer_shift.person_id, officer_shift.start, officer_shift.end)
    ]
    # the double-booked seat also leaves the day one officer short
    assert any(g["missing"] == "officer" and g["start"] == officer_shift.start for g in coverage["gaps"])


def test_publish_with_a_gap_is_409_and_changes_nothing(persona, api_as):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    roster = _generated(room, month_ahead(2), admin)
    roster.shifts.filter(role=ShiftRole.LEADER).order_by("start").first().delete()
    before = (roster.version, AuditEvent.objects.filter(action="duty.roster.publish").count())
    response = api_as("admin").post(f"/api/v1/duty/rosters/{roster.pk}/publish/", {}, format="json")
    assert response.status_code == 409
    roster.refresh_from_db()
    assert roster.state == RosterState.DRAFT
    assert (roster.version, AuditEvent.objects.filter(action="duty.roster.publish").count()) == before
    coverage = api_as("admin").get(f"/api/v1/duty/rosters/{roster.pk}/coverage/").json()
    assert [g["missing"] for g in coverage["gaps"]] == ["leader"]


def test_the_api_builds_generates_and_publishes_a_month(api_as):
    client = api_as("admin")
    rooms = client.get("/api/v1/duty/rooms/").json()["results"]
    assert {"id", "name", "town", "leaders", "officers"} <= set(rooms[0])
    room = next(r for r in rooms if r["town"] is None)
    created = client.post(
        "/api/v1/duty/rosters/", {"room": room["id"], "month": f"{month_ahead(3):%Y-%m}"}, format="json"
    )
    assert created.status_code == 201 and created.json()["state"] == "draft"
    pk = created.json()["id"]
    assert client.post(f"/api/v1/duty/rosters/{pk}/generate/", {}, format="json").status_code == 200
    assert client.get(f"/api/v1/duty/rosters/{pk}/coverage/").json() == {"gaps": [], "double_bookings": []}
    published = client.post(f"/api/v1/duty/rosters/{pk}/publish/", {}, format="json")
    assert published.status_code == 200 and published.json()["state"] == "published"


def test_a_shift_that_breaks_the_rest_rule_is_400_naming_it(api_as, persona):
    client = api_as("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    month = month_ahead(4)
    roster = services.create_roster(actor=persona("admin"), data={"room": room.pk, "month": f"{month:%Y-%m}"})
    person = room.officers.order_by("pk").first()
    start = DISTRICT.day_start(month.replace(day=5))
    body = {
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=24)).isoformat(),
        "person": person.pk,
        "role": "officer",
    }
    assert client.post(f"/api/v1/duty/rosters/{roster.pk}/shifts/", body, format="json").status_code == 201
    next_day = start + dt.timedelta(days=1)
    body.update(start=next_day.isoformat(), end=(next_day + dt.timedelta(hours=24)).isoformat())
    refused = client.post(f"/api/v1/duty/rosters/{roster.pk}/shifts/", body, format="json")
    assert refused.status_code == 400
    assert "48" in refused.json()["start"][0]
    # an overlap is not refused: it is listed as a double booking
    body.update(
        start=(start + dt.timedelta(hours=2)).isoformat(), end=(start + dt.timedelta(hours=10)).isoformat()
    )
    assert client.post(f"/api/v1/duty/rosters/{roster.pk}/shifts/", body, format="json").status_code == 201
    assert len(services.check_coverage(roster)["double_bookings"]) == 1
    assert Shift.objects.filter(roster=roster).count() == 2
    # Each added shift is the roster workflow's add_shift: the roster's version moved, one audit event each,
    # and the action has the page's own form, not a button.
    created_version = roster.version
    roster.refresh_from_db()
    assert roster.version == created_version + 2
    assert AuditEvent.objects.filter(action="duty.roster.shift_added", target_id=roster.pk).count() == 2
    assert "add_shift" not in {b["action"] for b in services.ROSTER_FLOW.buttons(persona("admin"), roster)}


def test_a_swap_is_requested_accepted_approved_and_coverage_holds(persona):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    roster = demo_roster(room)
    duty = persona("duty")
    shift = roster.shifts.filter(person=duty).order_by("start").first()
    assert shift is not None
    before = services.check_coverage(roster)
    free = [
        p
        for p in room.officers.exclude(pk=duty.pk)
        if not Shift.objects.filter(
            person=p,
            start__lt=shift.end + dt.timedelta(hours=48),
            end__gt=shift.start - dt.timedelta(hours=48),
        ).exists()
    ]
    assert free, "the pool should hold someone rested"
    swap = services.request_swap(shift, actor=duty, data={"counterpart": free[0].pk, "reason": "家中有事"})
    # only the one taking over accepts; the keeper cannot accept for them
    with pytest.raises(NotAllowed):
        services.accept_swap(swap, actor=admin, version=swap.version)
    swap.counterpart.role_assignments.create(role="duty_officer")
    counterpart = type(free[0]).objects.get(pk=free[0].pk)
    swap = services.accept_swap(swap, actor=counterpart, version=swap.version)
    swap = services.approve_swap(swap, actor=admin, version=swap.version)
    shift.refresh_from_db()
    assert swap.state == "approved" and shift.person_id == free[0].pk
    after = services.check_coverage(roster)
    assert after["gaps"] == before["gaps"] == [] and after["double_bookings"] == []
    assert AuditEvent.objects.filter(action="duty.swap.approve").exists()


def test_a_swap_to_someone_not_rested_is_refused(persona):
    room = DutyRoom.objects.get(town__isnull=True)
    roster = demo_roster(room)
    duty = persona("duty")
    shift = roster.shifts.filter(person=duty).order_by("start").first()
    neighbour = roster.shifts.filter(role=ShiftRole.OFFICER, start=shift.start + dt.timedelta(days=1)).first()
    with pytest.raises(InvalidInput):
        services.request_swap(shift, actor=duty, data={"counterpart": neighbour.person_id})


def test_leave_after_publishing_opens_a_gap_in_the_proof(persona):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    roster = demo_roster(room)
    shift = roster.shifts.filter(role=ShiftRole.LEADER).order_by("start")[5]
    _absence, gaps = services.record_absence(
        room,
        actor=admin,
        data={"person": shift.person_id, "start": shift.start, "end": shift.start + dt.timedelta(hours=3)},
    )
    assert [g["shift"] for g in gaps] == [shift.pk]
    found = services.check_coverage(roster)["gaps"]
    assert found[0]["start"] == shift.start and found[0]["missing"] == "leader"


def test_a_town_keeps_only_its_own_room(api_as, persona):
    duruan_room = DutyRoom.objects.get(town=persona("duruan").town)
    other = DutyRoom.objects.exclude(pk=duruan_room.pk).exclude(town__isnull=True).first()
    client = api_as("duruan")
    assert [r["id"] for r in client.get("/api/v1/duty/rooms/").json()["results"]] == [duruan_room.pk]
    assert client.get(f"/api/v1/duty/rooms/{other.pk}/").status_code == 404
    roster = demo_roster(other)
    assert client.get(f"/api/v1/duty/rosters/{roster.pk}/coverage/").status_code == 404
    assert (
        client.post(
            "/api/v1/duty/rosters/", {"room": other.pk, "month": f"{month_ahead(2):%Y-%m}"}, format="json"
        ).status_code
        == 400
    )
    assert api_as("ent_duruan").get("/api/v1/duty/rooms/").json()["count"] == 0
    with pytest.raises(Conflict):
        services.create_roster(
            actor=persona("duruan"), data={"room": duruan_room.pk, "month": roster.month.strftime("%Y-%m")}
        )


# --- weekends and public holidays (R-DUTY-2, R-TIME-1) ---------------------------------------------------

SPRING_FESTIVAL = dt.date(2026, 2, 1)  # holidays 15–23 Feb; Saturdays 14 and 28 Feb are make-up working days
MAY_DAY = dt.date(2026, 5, 1)  # holidays 1–5 May, inside the flood season
NATIONAL_DAY = dt.date(2026, 10, 1)  # holidays 1–7 Oct, inside the flood season


def _rest_days(month):
    """Weekends and public holidays as the State Council's calendar has them (the `chinesecalendar`
    package, make-up working days left out), read apart from the generator's own calendar."""
    import chinese_calendar

    return {day for day in rules.month_days(month) if chinese_calendar.is_holiday(day)}


def test_the_spring_festival_is_staffed_with_the_heightened_officer_count(persona, settings):
    """R-DUTY-2: two officers on public holidays (DUTY_OFFICERS_HEIGHTENED), one on other days outside the
    flood season, ordinary weekends and make-up working Saturdays included (R-TIME-1); a leader every day."""
    settings.DUTY_OFFICERS, settings.DUTY_OFFICERS_HEIGHTENED = 1, 2
    room = DutyRoom.objects.get(town__isnull=True)
    roster = _generated(room, SPRING_FESTIVAL, persona("admin"), replacing_the_demos=True)
    per_day = Counter((DISTRICT.shift_day(s.start), s.role) for s in roster.shifts.all())
    festival = {dt.date(2026, 2, day) for day in range(15, 24)}
    for day in rules.month_days(SPRING_FESTIVAL):
        assert per_day[(day, ShiftRole.OFFICER)] == (2 if day in festival else 1), day
        assert per_day[(day, ShiftRole.LEADER)] == 1, day
    assert sum(n for (_day, role), n in per_day.items() if role == ShiftRole.OFFICER) == 28 + 9
    assert services.check_coverage(roster)["gaps"] == []


@pytest.mark.parametrize("month", [SPRING_FESTIVAL, MAY_DAY, NATIONAL_DAY], ids=lambda m: f"{m:%Y-%m}")
def test_weekend_and_holiday_shifts_are_spread_within_one_in_every_pool(persona, month):
    """R-DUTY-2 and the generator's fairness rule: within each role's pool, the weekend and public-holiday
    shifts of a month differ by at most one between any two people (as the totals do), with no unevenness
    to explain; May Day's five holidays in the flood season once came out 2–4."""
    admin = persona("admin")
    special = _rest_days(month)
    first_holiday = {SPRING_FESTIVAL: 15, MAY_DAY: 1, NATIONAL_DAY: 1}[month]
    assert special >= {month.replace(day=first_holiday + n) for n in range(5)}
    assert month != SPRING_FESTIVAL or not special & {dt.date(2026, 2, 14), dt.date(2026, 2, 28)}
    for room in DutyRoom.objects.all():
        roster = _generated(room, month, admin, replacing_the_demos=True)
        shifts = list(roster.shifts.all())
        for role, pool in ((ShiftRole.LEADER, room.leaders), (ShiftRole.OFFICER, room.officers)):
            mine = Counter(
                s.person_id for s in shifts if s.role == role and DISTRICT.shift_day(s.start) in special
            )
            loads = [mine.get(pk, 0) for pk in pool.values_list("pk", flat=True)]
            assert max(loads) - min(loads) <= 1, (room.name, role, loads)
        assert roster.uneven_note == "", room.name
