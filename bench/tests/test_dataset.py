"""The benchmark's dataset generator, at a tiny size in the test database: counts, proportions, valid
registry data, an audit trail that still verifies, and counters equal to the rows."""

from __future__ import annotations

from collections import Counter

from audit.models import AuditChainHead, AuditEvent
from audit.services import event_digest
from bench import dataset
from bench.dataset import EVENTS_PER_HAZARD, credit_code, generate
from hazards.choices import OPEN_STATES
from hazards.models import Hazard
from registry.models import Enterprise
from registry.validators import credit_code_error

HAZARDS = 300


def test_credit_codes_are_valid_and_distinct():
    codes = {credit_code(n, 12345) for n in range(5000)}
    assert len(codes) == 5000
    assert all(credit_code_error(c) is None for c in list(codes)[:500])


def test_generator_writes_the_counts_and_proportions_of_issue_7(district):
    enterprises_before = Enterprise.objects.count()
    last_event = AuditEvent.objects.order_by("-id").first()
    counts = generate(hazards=HAZARDS, seed=3)

    first = counts["first_hazard"]
    new = Hazard.objects.filter(pk__gte=first)
    assert new.count() == HAZARDS
    assert Enterprise.objects.count() - enterprises_before == HAZARDS // 10  # 1 enterprise per 10 hazards
    new_events = AuditEvent.objects.filter(pk__gt=last_event.pk).order_by("id")
    assert new_events.count() == HAZARDS * EVENTS_PER_HAZARD  # 5 audit events per hazard
    per_hazard = Counter(new_events.values_list("target_id", flat=True))
    assert set(per_hazard.values()) == {EVENTS_PER_HAZARD}

    # Spread: several towns, every state, a few major hazards, the open ones a large minority.
    states = Counter(new.values_list("state", flat=True))
    assert len(set(new.values_list("town_id", flat=True))) >= 4
    assert {"reported", "rectifying", "accepted", "closed"} <= set(states)
    open_share = sum(states[s] for s in OPEN_STATES) / HAZARDS
    assert 0.3 < open_share < 0.75
    assert all(h.deadline for h in new.exclude(state__in=["reported", "cancelled"]))
    # Full-text words for the list's `q` (issue 18), found through the engine's index.
    assert not new.filter(search_words="").exists()
    from hazards.filters import search_hazards

    sample = new.order_by("id").first()
    word = max(sample.search_words.split(), key=len)
    assert search_hazards(new, word).filter(pk=sample.pk).exists()
    for enterprise in Enterprise.objects.order_by("-id")[: HAZARDS // 10]:
        assert credit_code_error(enterprise.credit_code) is None
        assert enterprise.sectors.exists()

    # The trail continues the chain exactly as audit.services.record would.
    prev = last_event.hash
    for event in new_events:
        assert event.prev_hash == prev
        assert event.hash == event_digest(event, prev)
        prev = event.hash
    assert AuditChainHead.objects.get(pk=1).last_hash == prev

    # Each hazard's last state-changing event ends in its state.
    hazard = new.filter(state="closed").first()
    moves = [e for e in AuditEvent.objects.for_object(hazard) if e.action != "hazards.hazard.progress"]
    assert moves[-1].data["to_state"] == "closed"

    # The generator leaves the counters as the periodic job keeps them: passed deadlines folded.
    from bench.tests.test_rollup import fresh_counts, tally_counts

    assert tally_counts() == fresh_counts()


def test_generator_is_reproducible_from_its_seed(district):
    first = generate(hazards=50, seed=11)
    rows_a = list(
        Hazard.objects.filter(pk__gte=first["first_hazard"])
        .order_by("id")
        .values_list("title", "state", "level")
    )
    second = generate(hazards=50, seed=11)
    rows_b = list(
        Hazard.objects.filter(pk__gte=second["first_hazard"])
        .order_by("id")
        .values_list("title", "state", "level")
    )
    assert rows_a == rows_b


def test_a_build_that_died_part_way_is_started_again_from_empty():
    wanted = {"seed": 7, "size": "L", "hazards": 1_000_000, "generator": 3}
    assert dataset.build_plan(dict(wanted), wanted, force=False, has_rows=True) == "reuse"
    assert dataset.build_plan(None, wanted, force=False, has_rows=False) == "build"
    # Rows and no marker: the earlier build stopped before its marker; generating again would double it.
    assert dataset.build_plan(None, wanted, force=False, has_rows=True) == "afresh"
    assert dataset.build_plan({**wanted, "generator": 2}, wanted, force=False, has_rows=True) == "afresh"
    assert dataset.build_plan(dict(wanted), wanted, force=True, has_rows=True) == "afresh"
