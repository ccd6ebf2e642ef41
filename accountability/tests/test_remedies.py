"""R-ACCT-5: reconsideration (60 days) and lawsuit (6 months) after the delivery, their outcome and clocks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accountability import selectors
from accountability.choices import CaseState
from accountability.services import enforcement, penalties
from accountability.services.penalties import late_surcharge
from accountability.tests.test_enforcement import FILED, act, case_data
from core.calendar import period_end
from core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(3), dt.UTC)


@pytest.fixture
def delivered(district, persona, enterprise_in):
    """A decided 30,000-yuan fine delivered on the day after the hearing window closed."""
    yjj = persona("yjj")
    with time_machine.travel(FILED, tick=False):
        case = enforcement.file_case(actor=yjj, data=case_data(enterprise_in("duruan", "industry_trade")))
    act(case, "investigate", yjj, FILED)
    act(case, "notify", yjj, FILED, measure="fine", fine="30000")
    case.refresh_from_db()
    after = at(case.hearing_request_due + dt.timedelta(days=1))
    act(case, "decide", yjj, after)
    act(case, "deliver", yjj, after, delivered_on=after.date().isoformat())
    case.refresh_from_db()
    return case


def test_delivery_starts_the_reconsideration_and_lawsuit_periods(delivered):
    day = delivered.delivered_on
    assert delivered.reconsideration_due == period_end(day, 60)
    assert delivered.lawsuit_due == penalties.months_end(day, 6)
    assert delivered.lawsuit_due >= penalties.add_months(day, 6)
    assert "remedy_window" in selectors.case_flags(delivered, day)
    assert "remedy_window" not in selectors.case_flags(
        delivered, delivered.lawsuit_due + dt.timedelta(days=1)
    )


def test_six_months_end_on_the_same_day_or_the_months_last():
    assert penalties.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert penalties.add_months(dt.date(2026, 3, 10), 6) == dt.date(2026, 9, 10)


def test_a_late_reconsideration_is_refused_naming_article_20(delivered, persona):
    late = delivered.reconsideration_due + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        act(delivered, "reconsider", persona("yjj"), at(late), applied_on=late.isoformat())
    assert "《中华人民共和国行政复议法》第二十条" in str(refused.value.errors["applied_on"][0])
    delivered.refresh_from_db()
    assert delivered.state == CaseState.DELIVERED and delivered.remedy_applied_on is None


def test_a_lawsuit_after_six_months_is_refused_naming_article_46(delivered, persona):
    late = delivered.lawsuit_due + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        act(delivered, "sue", persona("yjj"), at(late), applied_on=late.isoformat())
    assert "《中华人民共和国行政诉讼法》第四十六条" in str(refused.value.errors["applied_on"][0])
    within = delivered.reconsideration_due + dt.timedelta(days=10)  # past 60 days, within 6 months
    act(delivered, "sue", persona("yjj"), at(within), applied_on=within.isoformat())
    delivered.refresh_from_db()
    assert delivered.state == CaseState.LAWSUIT


def test_a_reconsideration_clock_flags_and_outcome_recorded_once(delivered, persona):
    yjj = persona("yjj")
    applied = delivered.delivered_on + dt.timedelta(days=3)
    act(delivered, "reconsider", yjj, at(applied), applied_on=applied.isoformat())
    delivered.refresh_from_db()
    assert delivered.remedy_outcome_due == period_end(applied, 60)
    assert selectors.case_flags(delivered, delivered.remedy_outcome_due + dt.timedelta(days=1)) == [
        "reconsideration_overdue"
    ]
    with pytest.raises(Conflict):  # the outcome comes first
        act(delivered, "close", yjj, at(applied), closing_note="结案")
    decided = applied + dt.timedelta(days=20)
    act(
        delivered,
        "outcome",
        yjj,
        at(decided),
        outcome="changed",
        decided_on=decided.isoformat(),
        fine="20000",
    )
    delivered.refresh_from_db()
    assert delivered.remedy_outcome == "changed" and delivered.fine == Decimal("20000")
    assert selectors.case_flags(delivered, delivered.remedy_outcome_due + dt.timedelta(days=1)) == []
    with pytest.raises(Conflict):
        act(delivered, "outcome", yjj, at(decided), outcome="revoked", decided_on=decided.isoformat())


def test_a_changed_fine_stays_within_article_102(delivered, persona):
    yjj = persona("yjj")
    applied = delivered.delivered_on
    act(delivered, "reconsider", yjj, at(applied), applied_on=applied.isoformat())
    with pytest.raises(InvalidInput) as refused:
        act(
            delivered,
            "outcome",
            yjj,
            at(applied),
            outcome="changed",
            decided_on=applied.isoformat(),
            fine="80000",
        )
    assert "第一百零二条" in str(refused.value.errors["fine"][0])


def test_a_revoked_decision_closes_without_payment(delivered, persona):
    yjj = persona("yjj")
    applied = delivered.delivered_on
    act(delivered, "sue", yjj, at(applied), applied_on=applied.isoformat())
    act(delivered, "outcome", yjj, at(applied), outcome="revoked", decided_on=applied.isoformat())
    with pytest.raises(Conflict):
        act(delivered, "pay", yjj, at(applied), paid_on=applied.isoformat())
    act(delivered, "close", yjj, at(applied), closing_note="判决撤销")
    delivered.refresh_from_db()
    assert delivered.state == CaseState.CLOSED


def test_an_upheld_fine_still_owed_and_the_surcharge_paused_during_the_remedy(delivered, persona):
    yjj = persona("yjj")
    applied = delivered.payment_due + dt.timedelta(days=2)  # one day late before the application day
    act(delivered, "reconsider", yjj, at(applied), applied_on=applied.isoformat())
    decided = applied + dt.timedelta(days=30)
    act(delivered, "outcome", yjj, at(decided), outcome="upheld", decided_on=decided.isoformat())
    with pytest.raises(Conflict):  # upheld: the fine is owed
        act(delivered, "close", yjj, at(decided), closing_note="结案")
    paid = decided + dt.timedelta(days=1)
    act(delivered, "pay", yjj, at(paid), paid_on=paid.isoformat())
    delivered.refresh_from_db()
    # 1 day before the application + 1 day after the outcome: 2 days × 3 % × 30,000
    assert delivered.state == CaseState.PAID and delivered.surcharge == Decimal("1800.00")


def test_paused_days_leave_the_cap():
    due = dt.date(2026, 5, 1)
    paused = (dt.date(2026, 5, 3), dt.date(2026, 5, 30))
    assert late_surcharge(Decimal("1000"), due, dt.date(2026, 5, 31), paused) == Decimal("60.00")
