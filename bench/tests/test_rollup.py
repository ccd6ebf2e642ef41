"""The hazard counters (`hazards.rollup`) always equal a fresh count of the rows, whatever the loop does.

A property test: random sequences of every kind of transition (register, assign, submit, accept, reject,
close, cancel, extension request and decision, the clock moving on so submissions come late), through the
real services, including the ones the rules refuse; after every step the counters are compared with the
rows counted afresh.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from hazards import rollup, services
from hazards.models import TALLY_NO_DUE, TALLY_PASSED, Hazard, HazardTally
from hazards.selectors import hazard_stats
from hazards.tests.helpers import photo, reported

ACTIONS = [
    "report",
    "assign",
    "submit",
    "accept",
    "reject",
    "close",
    "cancel",
    "extend",
    "decide",
    "wait",
    "compact",
]
# "forward" takes the loop's next step, so that random sequences reach the late states often.
FORWARD = {"reported": "assign", "rectifying": "submit", "submitted": "accept", "accepted": "close"}


def folded(counts: Counter) -> Counter:
    """Deadlines before today count alike (all overdue): fold them as `rollup.compact` does."""
    today = timezone.localdate()
    out: Counter = Counter()
    for (town, sector, level, state, punctual, late, due), n in counts.items():
        if TALLY_NO_DUE < due < today:
            due = TALLY_PASSED
        out[(town, sector, level, state, punctual, late, due)] += n
    return Counter({k: n for k, n in out.items() if n})


def fresh_counts() -> Counter:
    return folded(Counter(rollup.key_of(h) for h in Hazard.objects.all()))


def tally_counts() -> Counter:
    return folded(
        Counter(
            {
                (t.town_id, t.sector, t.level, t.state, t.on_time, t.late, t.due): t.n
                for t in HazardTally.objects.all()
            }
        )
    )


def step(action: str, hazard, people, enterprise, today):
    officer, inspector = people["duruan"], people["inspector_duruan"]
    if action == "report":
        return reported(officer, enterprise)
    if hazard is None:
        return None
    hazard.refresh_from_db()
    v = hazard.version
    if action == "forward":
        action = FORWARD.get(hazard.state, "cancel")
    if action == "assign":
        return services.assign_rectification(
            actor=officer,
            hazard=hazard,
            version=v,
            measures="整改",
            responsible_person="张三",
            funds="100",
            deadline=today + dt.timedelta(days=5),
        )
    if action == "submit":
        return services.submit_rectification(
            actor=officer, hazard=hazard, version=v, rectification_note="已整改", attachments=[photo(officer)]
        )
    if action == "accept":
        return services.accept_rectification(actor=inspector, hazard=hazard, version=v)
    if action == "reject":
        return services.reject_rectification(actor=inspector, hazard=hazard, version=v, reason="不到位")
    if action == "close":
        return services.close_hazard(actor=officer, hazard=hazard, version=v)
    if action == "cancel":
        return services.cancel_hazard(actor=officer, hazard=hazard, version=v, reason="重复登记")
    if action == "extend":
        base = hazard.deadline or today
        return services.request_extension(
            actor=officer,
            hazard=hazard,
            version=v,
            new_deadline=base + dt.timedelta(days=10),
            reason="设备未到",
        )
    if action == "decide":
        return services.decide_extension(actor=inspector, hazard=hazard, version=v, approve=True, note="同意")
    return None


@pytest.fixture
def people(persona):
    return {name: persona(name) for name in ("duruan", "inspector_duruan", "admin")}


def test_the_counters_start_equal_to_the_rows(district):
    assert tally_counts() == fresh_counts()


def test_rebuild_gives_the_same_counters(district):
    before = tally_counts()
    rollup.rebuild()
    assert tally_counts() == before == fresh_counts()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["forward"] * 6 + ACTIONS), st.integers(0, 1)),
        min_size=1,
        max_size=12,
    )
)
def test_counters_equal_a_fresh_count_after_every_transition(people, enterprise_in, steps):
    enterprise = enterprise_in("duruan", "industry_trade")
    start = timezone.now()
    with transaction.atomic(), time_machine.travel(start, tick=False) as clock:
        hazards: list = []
        for action, which in steps:
            if action == "wait":
                clock.shift(dt.timedelta(days=4))
                continue
            if action == "compact":
                rollup.compact()
                assert tally_counts() == fresh_counts(), "after compact"
                continue
            if not hazards and action != "wait":
                action = "report"
            hazard = hazards[which % len(hazards)] if hazards else None
            try:
                result = step(action, hazard, people, enterprise, timezone.localdate())
            except DomainError:
                result = None  # refused by the rules: nothing written, counters untouched
            if action == "report" and result is not None:
                hazards.append(result)
            assert tally_counts() == fresh_counts(), f"after {action}"
        # The statistics from the counters (overdue included) equal the count over the rows.
        admin = people["admin"]
        fast = hazard_stats(admin, "town")
        slow = hazard_stats(admin, "town", date_from=dt.date(2000, 1, 1), date_to=dt.date(2100, 1, 1))
        assert fast == slow
        transaction.set_rollback(True)
