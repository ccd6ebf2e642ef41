"""R-ACCT-6: the scorecard's arithmetic on a fixed dataset, the veto, weights, freezing and adjustments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accountability import selectors
from accountability.models import ConcealedAccident, PositionHolder, ResponsibilityPosition, ScoreItem
from accountability.services import adjust_score, publish_scorecard, set_weights
from accountability.tests.helpers import accident, hazard
from core.errors import Conflict, InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db
YEAR = 2023  # a year the demo district holds no records in: the dataset below is all there is
WEIGHTS = {
    "hazard_rectification_rate": 20,
    "hazard_on_time_rate": 20,
    "major_hazards_overdue": 15,
    "campaign_coverage": 15,
    "accidents": 15,
    "major_accidents": 0,
    "responsibility_gaps": 15,
}


def at(month, day):
    return timezone.make_aware(dt.datetime(YEAR, month, day, 9, 0))


@pytest.fixture
def dataset(district, enterprise_in, persona):
    enterprise = enterprise_in("duruan", "industry_trade")
    town = enterprise.town
    reported = at(3, 1)
    due = dt.date(YEAR, 5, 1)
    hazard(enterprise, state="closed", deadline=due, submitted_on=dt.date(YEAR, 4, 20), reported_at=reported)
    hazard(enterprise, state="closed", deadline=due, submitted_on=dt.date(YEAR, 5, 1), reported_at=reported)
    hazard(enterprise, state="accepted", deadline=due, submitted_on=dt.date(YEAR, 5, 9), reported_at=reported)
    hazard(enterprise, major=True, state="rectifying", deadline=due, reported_at=reported)
    accident(enterprise, occurred_at=at(7, 1))
    ResponsibilityPosition.objects.filter(town=town).delete()
    position = ResponsibilityPosition.objects.create(
        unit_kind="town", town=town, position="镇长", duties="全面负责", first_responsible=True
    )
    PositionHolder.objects.create(
        position=position, name="陈志强", start_on=dt.date(YEAR - 1, 1, 1)
    )  # no letter for the year
    set_weights(actor=persona("admin"), year=YEAR, kind="town", weights=WEIGHTS)
    return town, enterprise


def line_of(user, town, **kw):
    _card, line = selectors.scorecard_line(user, year=YEAR, kind="town", unit_id=town.pk, **kw)
    return line


def test_items_points_add_up_to_the_score_and_each_list_has_the_value_as_count(dataset, persona):
    town, _enterprise = dataset
    line = line_of(persona("admin"), town)
    items = {i.key: i for i in line.items}
    # (value, out of, points, records): a rate's value is its numerator, its records the numerator's.
    expected = {
        "hazard_rectification_rate": (3, 4, Decimal("15.00"), 3),  # closed or accepted of 4 reported
        "hazard_on_time_rate": (2, 4, Decimal("10.00"), 2),  # submitted by the deadline of 4 due
        "major_hazards_overdue": (1, None, Decimal("13.00"), 1),
        "campaign_coverage": (0, 0, Decimal("15.00"), 0),  # no campaign target: nothing missed
        "accidents": (1, None, Decimal("13.00"), 1),
        "major_accidents": (0, None, Decimal("0.00"), 0),
        "responsibility_gaps": (1, None, Decimal("13.00"), 1),
    }
    for key, (value, total, points, count) in expected.items():
        item = items[key]
        assert (item.value, item.total, item.points, item.record_count) == (value, total, points, count), key
    on_time = {h.submitted_on for h in items["hazard_on_time_rate"].records}
    assert on_time == {dt.date(YEAR, 4, 20), dt.date(YEAR, 5, 1)}
    assert line.score == sum(i.points for i in line.items) == Decimal("79.00")
    assert line.rating == "pass" and not line.vetoed
    # API.md: every item's list has exactly the value as its count, whichever module measures it.
    for item in line.items:
        assert item.record_count == item.value, item.key


def test_each_duty_gap_is_a_record_of_its_own(dataset, persona):
    from duty.models import DutyRoom, Roster

    town, _enterprise = dataset
    room = DutyRoom.objects.filter(town=town).first()
    assert room is not None
    Roster.objects.filter(room=room, month=dt.date(YEAR, 2, 1)).delete()
    Roster.objects.create(room=room, month=dt.date(YEAR, 2, 1), state="published")  # nobody on duty
    gaps = {i.key: i for i in line_of(persona("admin"), town).items}["duty_gaps"]
    assert gaps.value >= 2 and gaps.record_count == gaps.value  # a leader and the officers missing
    assert all(r["kind"] == "duty_gap" and "02-" in r["title"] for r in gaps.records)


def test_the_quarter_counts_only_what_happened_by_its_end(dataset, persona):
    town, _enterprise = dataset
    q1 = {i.key: i for i in line_of(persona("admin"), town, quarter=1).items}
    assert q1["accidents"].value == 0 and q1["hazard_on_time_rate"].record_count == 0
    assert q1["hazard_rectification_rate"].total == 4 and q1["hazard_rectification_rate"].record_count == 3


def test_a_major_or_concealed_accident_vetoes_the_rating(dataset, persona):
    town, enterprise = dataset
    general = enterprise.accidents.get()
    ConcealedAccident.objects.create(accident=general, found_on=dt.date(YEAR, 9, 1), note="事后核查发现")
    line = line_of(persona("admin"), town)
    assert line.vetoed and line.rating == "vetoed"
    assert {i.key: i.record_count for i in line.items}["major_accidents"] == 1
    ConcealedAccident.objects.all().delete()
    accident(enterprise, deaths=12, level="major", occurred_at=at(8, 1))
    assert line_of(persona("admin"), town).vetoed


def test_a_concealment_the_investigator_records_on_the_accident_vetoes_the_rating(dataset, persona):
    from accidents.services.chain import record_reporting_finding

    town, enterprise = dataset
    general = enterprise.accidents.get()
    assert not line_of(persona("admin"), town).vetoed
    record_reporting_finding(actor=persona("admin"), accident=general, kind="omitted", note="漏报一人")
    assert not line_of(persona("admin"), town).vetoed
    record_reporting_finding(
        actor=persona("admin"), accident=general, kind="concealed", note="事后核查发现瞒报"
    )
    line = line_of(persona("admin"), town)
    assert line.vetoed and {i.key: i.record_count for i in line.items}["major_accidents"] == 1


def test_vetoed_units_rank_after_the_others(dataset, persona):
    town, enterprise = dataset
    accident(enterprise, deaths=12, level="major", occurred_at=at(8, 1))
    _card, lines = selectors.scorecard(persona("admin"), year=YEAR, kind="town")
    assert lines[-1].unit == town and lines[-1].rank == len(lines)


def test_weights_must_add_up_to_100(district, persona):
    with pytest.raises(InvalidInput) as refused:
        set_weights(actor=persona("admin"), year=YEAR, kind="town", weights={**WEIGHTS, "accidents": 20})
    assert "105" in str(refused.value.errors["weights"][0])
    with pytest.raises(NotAllowed):
        set_weights(actor=persona("duruan"), year=YEAR, kind="town", weights=WEIGHTS)


def test_publishing_freezes_and_later_changes_are_reasoned_adjustments(dataset, persona):
    town, enterprise = dataset
    admin = persona("admin")
    with time_machine.travel(dt.datetime(YEAR + 1, 1, 10, tzinfo=dt.UTC)):
        publish_scorecard(actor=admin, year=YEAR, kind="town", version=1)
    with pytest.raises(Conflict):
        publish_scorecard(actor=admin, year=YEAR, kind="town", version=2)
    with pytest.raises(Conflict):
        set_weights(actor=admin, year=YEAR, kind="town", weights=WEIGHTS)
    accident(enterprise, occurred_at=at(10, 1))  # a late record does not move the frozen score
    line = line_of(admin, town)
    assert line.frozen and line.score == Decimal("79.00")
    assert ScoreItem.objects.filter(line__town=town, key="accidents").get().records[0]["kind"] == "accident"
    row = selectors.score_line_row(admin, year=YEAR, kind="town", unit_id=town.pk)
    with pytest.raises(InvalidInput):
        adjust_score(actor=admin, line=row, data={"item": "accidents", "delta": "-1"})  # no reason
    adjust_score(actor=admin, line=row, data={"item": "accidents", "delta": "-2", "reason": "迟报核实"})
    line = line_of(admin, town)
    assert line.score == Decimal("77.00") == sum(i.points for i in line.items)
    assert [a.reason for a in {i.key: i for i in line.items}["accidents"].adjustments] == ["迟报核实"]


def test_the_api_names_the_line_in_the_body_and_checks_the_role_before_the_input(dataset, persona, api_as):
    town, _enterprise = dataset
    with time_machine.travel(dt.datetime(YEAR + 1, 1, 10, tzinfo=dt.UTC)):
        publish_scorecard(actor=persona("admin"), year=YEAR, kind="town", version=1)
    url = "/api/v1/assessments/adjustments/"
    body = {
        "year": YEAR,
        "kind": "town",
        "unit": town.pk,
        "item": "accidents",
        "delta": "-2",
        "reason": "迟报核实",
    }
    assert api_as("leader").post(url, {"kind": "nonsense"}, format="json").status_code == 403
    refused = api_as("admin").post(url, {**body, "kind": "county", "year": "abc"}, format="json")
    assert refused.status_code == 400 and {"kind", "year"} <= set(refused.json()), refused.json()
    assert api_as("admin").post(url, {**body, "unit": 2**40}, format="json").status_code == 404
    made = api_as("admin").post(url, body, format="json")
    assert made.status_code in (200, 201), made.content
    assert line_of(persona("admin"), town).score == Decimal("77.00")


def test_a_town_sees_its_own_score_and_a_department_its_own(dataset, persona):
    town, _enterprise = dataset
    _card, lines = selectors.scorecard(persona("duruan"), year=YEAR, kind="town")
    assert [line.unit for line in lines] == [town]
    _card, lines = selectors.scorecard(persona("baisha"), year=YEAR, kind="town")
    assert town not in [line.unit for line in lines]
    _card, lines = selectors.scorecard(persona("yjj"), year=YEAR, kind="department")
    assert [line.unit_id for line in lines] == [persona("yjj").department_id]
    _card, lines = selectors.scorecard(persona("ent_duruan"), year=YEAR, kind="town")
    assert lines == []


def test_a_refused_adjustment_shows_the_line_again_with_what_was_typed(dataset, persona, as_user):
    town, _enterprise = dataset
    with time_machine.travel(dt.datetime(YEAR + 1, 1, 10, tzinfo=dt.UTC)):
        publish_scorecard(actor=persona("admin"), year=YEAR, kind="town", version=1)
    url = f"/accountability/assessment/town/{town.pk}/adjust/?year={YEAR}"
    response = as_user("admin").post(url, {"item": "accidents", "delta": "-2", "reason": ""})
    assert response.status_code == 400  # no reason: the line's page again, not a redirect
    page = response.content.decode()
    assert 'value="-2"' in page and '<option value="accidents" selected>' in page
    assert not ScoreItem.objects.filter(line__town=town, key="accidents").get().line.adjustments.exists()
