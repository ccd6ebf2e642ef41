"""R-ACC-1: the level function against every threshold, on both sides of each boundary."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accidents.choices import Level
from accidents.rules import DEFAULT_THRESHOLDS, Threshold, compute_level

TABLE = [Threshold(*row) for row in DEFAULT_THRESHOLDS]

# The vectors of R-ACC-1 (deaths, serious injuries, direct loss) → level.
RULE_VECTORS = [
    ((2, 9, 9_999_999), Level.GENERAL),
    ((3, 0, 0), Level.LARGER),
    ((0, 10, 0), Level.LARGER),
    ((0, 0, 10_000_000), Level.LARGER),
    ((9, 49, 49_999_999), Level.LARGER),
    ((10, 0, 0), Level.MAJOR),
    ((0, 50, 0), Level.MAJOR),
    ((29, 99, 99_999_999), Level.MAJOR),
    ((30, 0, 0), Level.ESPECIALLY_MAJOR),
    ((0, 0, 100_000_000), Level.ESPECIALLY_MAJOR),
]

# Each threshold on both sides: one below stays a level lower, the threshold itself reaches the level.
BOUNDARIES = [
    ((2, 0, 0), Level.GENERAL),
    ((3, 0, 0), Level.LARGER),
    ((9, 0, 0), Level.LARGER),
    ((10, 0, 0), Level.MAJOR),
    ((29, 0, 0), Level.MAJOR),
    ((30, 0, 0), Level.ESPECIALLY_MAJOR),
    ((0, 9, 0), Level.GENERAL),
    ((0, 10, 0), Level.LARGER),
    ((0, 49, 0), Level.LARGER),
    ((0, 50, 0), Level.MAJOR),
    ((0, 99, 0), Level.MAJOR),
    ((0, 100, 0), Level.ESPECIALLY_MAJOR),
    ((0, 0, Decimal("9999999.99")), Level.GENERAL),
    ((0, 0, 10_000_000), Level.LARGER),
    ((0, 0, Decimal("49999999.99")), Level.LARGER),
    ((0, 0, 50_000_000), Level.MAJOR),
    ((0, 0, Decimal("99999999.99")), Level.MAJOR),
    ((0, 0, 100_000_000), Level.ESPECIALLY_MAJOR),
]


@pytest.mark.parametrize(("numbers", "level"), RULE_VECTORS + BOUNDARIES)
def test_level_is_the_highest_level_any_number_meets(numbers, level):
    deaths, serious, loss = numbers
    assert compute_level(deaths=deaths, serious_injuries=serious, direct_loss=loss, table=TABLE) == level


@pytest.mark.django_db
@pytest.mark.parametrize(("numbers", "level"), RULE_VECTORS)
def test_the_seeded_threshold_table_gives_the_same_levels(numbers, level):
    deaths, serious, loss = numbers
    assert compute_level(deaths=deaths, serious_injuries=serious, direct_loss=loss) == level


def test_missing_persons_count_with_deaths_by_default():
    assert compute_level(deaths=2, missing=1, serious_injuries=0, direct_loss=0, table=TABLE) == Level.LARGER
    assert compute_level(deaths=8, missing=2, serious_injuries=0, direct_loss=0, table=TABLE) == Level.MAJOR


def test_missing_persons_do_not_count_when_the_setting_is_off(settings):
    settings.ACCIDENT_MISSING_COUNT_AS_DEATHS = False
    assert compute_level(deaths=2, missing=1, serious_injuries=0, direct_loss=0, table=TABLE) == Level.GENERAL


@pytest.mark.django_db
def test_a_district_admin_changed_threshold_is_used():
    from accidents.models import LevelThreshold

    LevelThreshold.objects.filter(level=Level.LARGER).update(deaths=4)
    assert compute_level(deaths=3, serious_injuries=0, direct_loss=0) == Level.GENERAL
    assert LevelThreshold.objects.get(level=Level.LARGER).source.startswith("国务院令第493号")


@pytest.mark.django_db
def test_a_district_admin_changes_the_thresholds_with_audit_and_others_may_not(as_user):
    from accidents.models import LevelThreshold
    from audit.models import AuditEvent

    form = {
        "source": "新条例",
        "effective_from": "2026-01-01",
        "larger_deaths": 4,
        "larger_serious_injuries": 10,
        "larger_direct_loss": "10000000",
        "major_deaths": 10,
        "major_serious_injuries": 50,
        "major_direct_loss": "50000000",
        "especially_major_deaths": 30,
        "especially_major_serious_injuries": 100,
        "especially_major_direct_loss": "100000000",
    }
    assert as_user("leader").get("/accidents/thresholds/").status_code == 200
    assert as_user("leader").post("/accidents/thresholds/", form).status_code == 403
    bad = as_user("admin").post("/accidents/thresholds/", {**form, "major_deaths": 3})
    assert bad.status_code == 400 and LevelThreshold.objects.get(level=Level.LARGER).deaths == 3
    assert as_user("admin").post("/accidents/thresholds/", form).status_code == 302
    assert LevelThreshold.objects.get(level=Level.LARGER).deaths == 4
    event = AuditEvent.objects.get(action="accidents.thresholds.updated")
    assert event.data["changes"]["larger"] == [[3, 10, "10000000.00"], [4, 10, "10000000"]]
    assert compute_level(deaths=3, serious_injuries=0, direct_loss=0) == Level.GENERAL


numbers = st.tuples(
    st.integers(0, 200), st.integers(0, 300), st.decimals(0, 300_000_000, places=2, allow_nan=False)
)


# No deadline: a pure function, timed only by how busy the machine is.
@settings(deadline=None)
@given(numbers, numbers)
def test_more_casualties_or_loss_never_lower_the_level(a, b):
    from accidents.choices import LEVEL_RANK

    low = tuple(min(x, y) for x, y in zip(a, b, strict=True))
    high = tuple(max(x, y) for x, y in zip(a, b, strict=True))
    level_low = compute_level(deaths=low[0], serious_injuries=low[1], direct_loss=low[2], table=TABLE)
    level_high = compute_level(deaths=high[0], serious_injuries=high[1], direct_loss=high[2], table=TABLE)
    assert LEVEL_RANK[level_low] <= LEVEL_RANK[level_high]
