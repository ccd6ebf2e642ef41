"""R-ACCT-4: proposals fire on their facts, once per target and cause, and an official decides them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from accountability.choices import Measure, ProposalState, TargetKind, Trigger
from accountability.models import MeasureRecord, Proposal
from accountability.services import decide_proposal, run_triggers
from accountability.services.proposals import check_accident
from accountability.tests.helpers import accident, hazard
from core.errors import Conflict, InvalidInput, NotAllowed

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clean(district):
    MeasureRecord.objects.all().delete()
    Proposal.objects.all().delete()
    from hazards.models import Hazard

    # Only the facts of each test count: the demo district's overdue hazards are moved out of reach.
    Hazard.objects.filter(state="rectifying").update(deadline=dt.date(2026, 12, 31))
    from accidents.models import Accident

    Accident.objects.update(occurred_at=NOW - dt.timedelta(days=800))


def test_a_major_hazard_overdue_past_30_days_proposes_interviews_of_town_and_department(clean, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    old = hazard(enterprise, major=True, deadline=dt.date(2026, 5, 1))  # 45 days overdue
    hazard(enterprise, major=True, deadline=dt.date(2026, 5, 20))  # 26 days: not yet
    run_triggers()
    proposals = Proposal.objects.filter(trigger=Trigger.MAJOR_HAZARD_OVERDUE)
    kinds = sorted(p.target_kind for p in proposals)
    assert TargetKind.TOWN in kinds and TargetKind.DEPARTMENT in kinds
    town = proposals.get(target_kind=TargetKind.TOWN)
    assert town.town_id == enterprise.town_id and town.measure == Measure.INTERVIEW
    assert town.facts == [
        {"kind": "hazard", "id": old.pk, "title": str(old), "href": f"/api/v1/hazards/{old.pk}/"}
    ]


def test_re_running_the_job_adds_nothing(clean, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    hazard(enterprise, major=True, deadline=dt.date(2026, 4, 1))
    for index in range(4):
        hazard(enterprise, deadline=dt.date(2026, 4, 2 + index))
    first = run_triggers()
    count = Proposal.objects.count()
    assert first["hazards"] == count > 0
    assert run_triggers() == {"hazards": 0, "accidents": 0}
    assert Proposal.objects.count() == count
    general = Proposal.objects.filter(trigger=Trigger.GENERAL_HAZARDS_OVERDUE, target_kind=TargetKind.TOWN)
    assert general.count() == 1 and len(general.get().facts) == 3  # the fourth waits for two more


def test_three_general_hazards_are_needed(clean, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    hazard(enterprise, deadline=dt.date(2026, 4, 1))
    hazard(enterprise, deadline=dt.date(2026, 4, 2))
    run_triggers()
    assert not Proposal.objects.filter(trigger=Trigger.GENERAL_HAZARDS_OVERDUE).exists()
    hazard(enterprise, deadline=dt.date(2026, 4, 3))
    run_triggers()
    assert (
        Proposal.objects.filter(trigger=Trigger.GENERAL_HAZARDS_OVERDUE, target_kind=TargetKind.TOWN).count()
        == 1
    )


def test_a_late_report_proposes_a_circular_once_even_when_the_facts_arrive_twice(clean, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    late = accident(enterprise, late=True)
    assert check_accident(late) == 1
    assert check_accident(late) == 0  # the same facts again
    run_triggers()
    proposal = Proposal.objects.get(trigger=Trigger.LATE_ACCIDENT_REPORT)
    assert proposal.measure == Measure.CIRCULAR and proposal.target_kind == TargetKind.ENTERPRISE
    assert proposal.town_id == enterprise.town_id
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        Proposal.objects.create(
            trigger=proposal.trigger,
            target_kind=proposal.target_kind,
            target_key=proposal.target_key,
            cause=proposal.cause,
            measure=Measure.CIRCULAR,
            enterprise=enterprise,
        )


def test_a_larger_accident_proposes_interviews_of_town_and_sector_department(clean, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    accident(enterprise, deaths=3, level="larger")
    accident(enterprise, deaths=1, level="general")  # on time and general: nothing
    run_triggers()
    proposals = Proposal.objects.filter(trigger=Trigger.LARGER_ACCIDENT)
    assert {p.target_kind for p in proposals} == {TargetKind.TOWN, TargetKind.DEPARTMENT}
    assert Proposal.objects.count() == proposals.count()


def test_an_official_decides_once_and_the_measure_becomes_a_numbered_record(clean, enterprise_in, persona):
    enterprise = enterprise_in("duruan", "industry_trade")
    hazard(enterprise, major=True, deadline=dt.date(2026, 4, 1))
    run_triggers()
    proposal = Proposal.objects.get(trigger=Trigger.MAJOR_HAZARD_OVERDUE, target_kind=TargetKind.TOWN)
    with pytest.raises(NotAllowed):
        decide_proposal(proposal, actor=persona("duruan"), version=1, data={"decision": "accept"})
    with pytest.raises(InvalidInput) as missing:
        decide_proposal(proposal, actor=persona("admin"), version=1, data={"decision": "dismiss"})
    assert "note" in missing.value.errors
    decide_proposal(
        proposal, actor=persona("admin"), version=1, data={"decision": "change", "measure": "circular"}
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DECIDED and proposal.decided_measure == Measure.CIRCULAR
    record = MeasureRecord.objects.get(proposal=proposal)
    assert record.measure == Measure.CIRCULAR and record.document_number.startswith("蓬安委通〔2026〕")
    with pytest.raises(Conflict):
        decide_proposal(
            proposal, actor=persona("admin"), version=proposal.version, data={"decision": "accept"}
        )


def test_dismissing_needs_a_reason_and_creates_no_measure(clean, enterprise_in, persona):
    enterprise = enterprise_in("duruan", "industry_trade")
    accident(enterprise, late=True)
    run_triggers()
    proposal = Proposal.objects.get(trigger=Trigger.LATE_ACCIDENT_REPORT)
    decide_proposal(
        proposal, actor=persona("admin"), version=1, data={"decision": "dismiss", "note": "系统故障"}
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DISMISSED and not MeasureRecord.objects.exists()


def test_the_town_is_told_of_the_decided_measure_and_sees_it_in_its_history(
    clean, enterprise_in, persona, as_user
):
    from notifications.models import Notification

    enterprise = enterprise_in("duruan", "industry_trade")
    hazard(enterprise, major=True, deadline=dt.date(2026, 4, 1))
    run_triggers()
    proposal = Proposal.objects.get(trigger=Trigger.MAJOR_HAZARD_OVERDUE, target_kind=TargetKind.TOWN)
    assert Notification.objects.filter(recipient=persona("admin"), kind="accountability.proposal").exists()
    decide_proposal(proposal, actor=persona("admin"), version=1, data={"decision": "accept"})
    assert Notification.objects.filter(recipient=persona("duruan"), kind="accountability.measure").exists()
    history = as_user("duruan").get(f"/accountability/targets/town/{proposal.town_id}/")
    assert (
        history.status_code == 200
        and MeasureRecord.objects.get(proposal=proposal).document_number.encode() in history.content
    )
    assert as_user("baisha").get(f"/accountability/targets/town/{proposal.town_id}/").status_code == 404


TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def overdue_mix(clean, enterprise_in):
    """Four rounds of one major and three general hazards overdue past 30 days, in id order."""
    enterprise = enterprise_in("duruan", "industry_trade")
    made = []
    for round_ in range(4):
        made.append(hazard(enterprise, major=True, deadline=dt.date(2026, 4, 1 + round_)))
        made += [hazard(enterprise, deadline=dt.date(2026, 4, 10 + round_)) for _ in range(3)]
    return made


def _queries(**kwargs) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accountability.services.proposals import fire_hazard_triggers

    with CaptureQueriesContext(connection) as captured:
        assert fire_hazard_triggers(TODAY, **kwargs) == 0
    return len(captured)


def test_each_batch_of_the_triggers_costs_the_same_few_queries_whatever_its_size(overdue_mix):
    from accountability.services.proposals import fire_hazard_triggers

    assert fire_hazard_triggers(TODAY) > 0
    # A re-run proposes nothing: each batch reads its hazards and what was proposed for them, whatever its
    # size, and saves the cursor (no query per hazard, per target or per proposal).
    one, two, four = (_queries(batch_size=size) for size in (16, 8, 4))
    per_batch = two - one
    assert per_batch > 0 and four - two == 2 * per_batch
    assert per_batch <= 6, (one, two, four)


def test_a_dead_trigger_run_resumes_after_its_last_batch(overdue_mix):
    from accountability.services.proposals import TRIGGER_JOB, fire_hazard_triggers
    from core.jobs import job_cursor, save_cursor

    done = overdue_mix[7]  # a run of today committed the first two rounds, then died
    save_cursor(TRIGGER_JOB, f"{TODAY.isoformat()}:{done.pk}")
    fire_hazard_triggers(TODAY, batch_size=4)
    cited = {f["id"] for facts in Proposal.objects.values_list("facts", flat=True) for f in facts}
    assert cited == {h.pk for h in overdue_mix[8:]}
    assert job_cursor(TRIGGER_JOB) == ""  # finished: the next run walks everything again
    fire_hazard_triggers(TODAY, batch_size=4)
    cited = {f["id"] for facts in Proposal.objects.values_list("facts", flat=True) for f in facts}
    assert cited == {h.pk for h in overdue_mix}
    assert (
        Proposal.objects.filter(trigger=Trigger.GENERAL_HAZARDS_OVERDUE, target_kind=TargetKind.TOWN).count()
        == 4
    )


def _record_late_larger(persona, enterprise):
    """Three deaths (a larger accident), recorded by the duty room hours after the unit's hour ran out."""
    from accidents.services import record_accident

    return record_accident(
        actor=persona("duty"),
        data={
            "occurred_at": NOW - dt.timedelta(hours=3),  # the unit's hour passed long ago
            "town": enterprise.town,
            "sector": "industry_trade",
            "enterprise": enterprise,
            "accident_type": "03",
            "narrative": "冲床伤人",
            "deaths": 3,
            "serious_injuries": 0,
            "direct_loss": 0,
        },
    )


def test_an_accident_recorded_late_proposes_at_once_not_at_the_next_run(
    clean, enterprise_in, persona, django_capture_on_commit_callbacks
):
    """R-ACCT-4: the service that creates the facts fires the trigger once its write commits; the periodic
    job finds the same facts later and proposes nothing twice."""
    enterprise = enterprise_in("duruan", "industry_trade")
    with django_capture_on_commit_callbacks(execute=True):
        accident_ = _record_late_larger(persona, enterprise)
    fired = Proposal.objects.filter(cause=f"accident:{accident_.pk}")
    assert {p.trigger for p in fired} == {Trigger.LATE_ACCIDENT_REPORT, Trigger.LARGER_ACCIDENT}
    before = fired.count()
    run_triggers()
    assert fired.count() == before


def test_a_listener_that_fails_leaves_the_accident_recorded(
    clean, enterprise_in, persona, django_capture_on_commit_callbacks, monkeypatch
):
    from accidents.models import Accident
    from accountability.services import proposals

    def broken(_accident):
        raise RuntimeError("proposal store down")

    monkeypatch.setattr(proposals, "check_accident", broken)
    enterprise = enterprise_in("duruan", "industry_trade")
    with django_capture_on_commit_callbacks(execute=True):
        made = _record_late_larger(persona, enterprise)
    assert Accident.objects.filter(pk=made.pk).exists()
    assert not Proposal.objects.filter(cause=f"accident:{made.pk}").exists()  # the job catches up later


def test_a_batch_reads_only_its_own_hazards_citations_however_many_proposals_were_made(overdue_mix):
    """The general-hazards rule asks, per batch, which of the batch's hazards a proposal already cites; it
    never reads every earlier proposal's facts (at a million hazards that read grew with every proposal)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accountability.models import CitedHazard
    from accountability.services.proposals import fire_hazard_triggers

    assert fire_hazard_triggers(TODAY) > 0
    general = [h.pk for h in overdue_mix if h.level != "major"]
    assert set(CitedHazard.objects.values_list("hazard_id", flat=True)) == set(general)
    with CaptureQueriesContext(connection) as captured:
        assert fire_hazard_triggers(TODAY, batch_size=4) == 0
    reads = [q["sql"] for q in captured.captured_queries if '"accountability_proposal"."facts"' in q["sql"]]
    assert reads == []
    cited = [q["sql"] for q in captured.captured_queries if "accountability_citedhazard" in q["sql"]]
    assert cited and all('"hazard_id" IN' in sql for sql in cited)
