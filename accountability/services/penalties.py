"""The law's figures for enforcement decisions (R-ACCT-5), cited by name, article and item on documents."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from accountability.choices import CaseMeasure

WORK_SAFETY_LAW = "《中华人民共和国安全生产法》"
PENALTY_LAW = "《中华人民共和国行政处罚法》"
COMPULSION_LAW = "《中华人民共和国行政强制法》"

# Work Safety Law art. 102: a hazard not eliminated — a fine of up to 50,000 yuan on the unit.
ART_102_MAX_FINE = Decimal("50000")
SURCHARGE_RATE = Decimal("0.03")  # Administrative Penalty Law art. 72 (1) item 1: 3 % a day
HEARING_DAYS = 5  # Administrative Penalty Law art. 64
PAYMENT_DAYS = 15  # Administrative Penalty Law art. 67

BASIS = {
    CaseMeasure.FINE: f"{WORK_SAFETY_LAW}第一百零二条",
    CaseMeasure.SUSPENSION: f"{WORK_SAFETY_LAW}第一百零二条",
    CaseMeasure.DAILY_PENALTY: f"{WORK_SAFETY_LAW}第一百一十二条",
    CaseMeasure.CLOSURE: f"{WORK_SAFETY_LAW}第一百一十三条",
    CaseMeasure.REFERRAL: f"{WORK_SAFETY_LAW}第一百零二条、《中华人民共和国刑法》第一百三十四条之一",
}


def check_penalty(measure: str, fine, daily_days) -> dict:
    """Field errors for a fine outside what the law allows (each names the article)."""
    errors: dict[str, list] = {}
    fine = Decimal(fine) if fine not in (None, "") else None
    if measure == CaseMeasure.FINE:
        if fine is None or fine <= 0:
            errors["fine"] = [_("Work Safety Law art. 102: give the fine.")]
        elif fine > ART_102_MAX_FINE:
            errors["fine"] = [
                _("Work Safety Law art. 102 allows a fine of at most %(max)s yuan.")
                % {"max": ART_102_MAX_FINE}
            ]
    elif measure == CaseMeasure.DAILY_PENALTY:
        if fine is None or fine <= 0 or fine > ART_102_MAX_FINE:
            errors["fine"] = [
                _(
                    "Work Safety Law art. 112: the daily penalty repeats the original fine (at most %(max)s yuan)."
                )
                % {"max": ART_102_MAX_FINE}
            ]
        if not daily_days:
            errors["daily_days"] = [_("Work Safety Law art. 112: give the days of continued refusal.")]
    elif fine not in (None, Decimal(0)) and measure in (CaseMeasure.CLOSURE, CaseMeasure.REFERRAL):
        errors["fine"] = [_("This measure carries no fine of its own.")]
    return errors


def total_fine(case) -> Decimal:
    fine = case.fine or Decimal(0)
    if case.measure == CaseMeasure.DAILY_PENALTY:
        return fine * (case.daily_days or 0)
    return fine


def late_surcharge(fine: Decimal, payment_due: dt.date | None, paid_on: dt.date) -> Decimal:
    """3 % of the fine for each day late, never more than the fine itself (Administrative Penalty Law
    art. 72; Administrative Compulsion Law art. 45)."""
    if payment_due is None or paid_on <= payment_due or not fine:
        return Decimal(0)
    days = (paid_on - payment_due).days
    return min(fine * SURCHARGE_RATE * days, fine).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
