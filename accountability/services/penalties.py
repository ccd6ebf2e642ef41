"""The law's figures for enforcement decisions (R-ACCT-5), cited by name, article and item on documents."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from accountability.choices import CaseMeasure
from core.calendar import period_end

WORK_SAFETY_LAW = "《中华人民共和国安全生产法》"
PENALTY_LAW = "《中华人民共和国行政处罚法》"
COMPULSION_LAW = "《中华人民共和国行政强制法》"
RECONSIDERATION_LAW = "《中华人民共和国行政复议法》"
LITIGATION_LAW = "《中华人民共和国行政诉讼法》"
CRIMINAL_LAW = "《中华人民共和国刑法》"

# Every figure below was checked against the text of the law in December 2026 (copies of the articles found by
# searching stored public pages; the statute text quoted there, not a commentary's paraphrase):
# - Work Safety Law (2021 amendment) art. 102: a hazard not eliminated → ordered to eliminate it at once or
#   within a deadline and fined up to 50,000 yuan; refusal → suspension of production for rectification, and
#   the persons directly in charge and the others directly responsible are fined from 50,000 to 100,000 yuan
#   (the unit itself is not fined again at that step).
#   Art. 112: fined, ordered to correct and still refusing → fined the original amount again for every day,
#   from the day after the order. Art. 113: closure, on the request of the department to the local government.
# - Criminal Law art. 134-1 (dangerous operation crime): the referral of a refusal that risks a major accident.
# - Administrative Penalty Law (2021 revision): art. 44 (notice of the intended penalty, facts, reasons and
#   basis, and of the rights to state, defend and request a hearing), art. 45 (the right to state and defend),
#   art. 60 (a decision within 90 days of filing), art. 63 (the penalties that carry a hearing: large fines,
#   suspension, closure), art. 64 item 1 (a hearing is requested within 5 days of the notice), art. 67
#   paragraph 3 (a fine is paid within 15 days of receiving the decision), art. 72 paragraph 1 item 1 (3 % of
#   the fine a day when not paid, never more than the fine), art. 73 paragraph 3 (the surcharge does not run
#   during a reconsideration or a lawsuit).
# - Administrative Compulsion Law art. 45 paragraph 2: a surcharge never exceeds the money owed.
# - Administrative Reconsideration Law (2023 revision) art. 20 paragraph 1: reconsideration is applied for
#   within 60 days of knowing of the act (for a decision: its delivery); art. 62 paragraph 1: decided within
#   60 days of acceptance (extendable by 30; the flag uses the 60).
# - Administrative Litigation Law art. 46 paragraph 1: a lawsuit is filed within 6 months of knowing of the
#   act; art. 81: the first-instance judgment within 6 months of the case being docketed.
# The tests in accountability/tests/test_legal_figures.py pin each figure and article.
ART_102_MAX_FINE = Decimal("50000")  # Work Safety Law art. 102: the unit, a hazard not eliminated
ART_102_PERSONS_FINE = (Decimal("50000"), Decimal("100000"))  # art. 102: the persons, on a refusal
SURCHARGE_RATE = Decimal("0.03")  # Administrative Penalty Law art. 72 paragraph 1 item 1: 3 % a day
HEARING_DAYS = 5  # Administrative Penalty Law art. 64 item 1
HEARING_NOTICE_DAYS = 7  # art. 64 item 2: the time and place told at least seven days before the hearing
PAYMENT_DAYS = 15  # Administrative Penalty Law art. 67 paragraph 3
DECISION_DAYS = 90  # Administrative Penalty Law art. 60 (setting ENFORCEMENT_DECISION_DAYS)
RECONSIDERATION_DAYS = 60  # Administrative Reconsideration Law (2023) art. 20 paragraph 1
RECONSIDERATION_DECISION_DAYS = 60  # Administrative Reconsideration Law (2023) art. 62 paragraph 1
LAWSUIT_MONTHS = 6  # Administrative Litigation Law art. 46 paragraph 1
JUDGMENT_MONTHS = 6  # Administrative Litigation Law art. 81

# The citations printed on documents and in error messages, by name, article and item.
CITE = {
    "fine": f"{WORK_SAFETY_LAW}第一百零二条",
    "daily": f"{WORK_SAFETY_LAW}第一百一十二条",
    "closure": f"{WORK_SAFETY_LAW}第一百一十三条",
    "dangerous_operation": f"{CRIMINAL_LAW}第一百三十四条之一",
    "notice": f"{PENALTY_LAW}第四十四条、第四十五条",
    "hearing": f"{PENALTY_LAW}第六十三条、第六十四条第（一）项",
    "hearing_notice": f"{PENALTY_LAW}第六十四条第（二）项",
    "decision_days": f"{PENALTY_LAW}第六十条",
    "payment": f"{PENALTY_LAW}第六十七条第三款",
    "surcharge": f"{PENALTY_LAW}第七十二条第一款第（一）项、{COMPULSION_LAW}第四十五条第二款",
    "surcharge_paused": f"{PENALTY_LAW}第七十三条第三款",
    "reconsideration": f"{RECONSIDERATION_LAW}第二十条第一款",
    "reconsideration_decision": f"{RECONSIDERATION_LAW}第六十二条第一款",
    "lawsuit": f"{LITIGATION_LAW}第四十六条第一款",
    "judgment": f"{LITIGATION_LAW}第八十一条",
}

BASIS = {
    CaseMeasure.FINE: CITE["fine"],
    CaseMeasure.SUSPENSION: CITE["fine"],
    CaseMeasure.DAILY_PENALTY: CITE["daily"],
    CaseMeasure.CLOSURE: CITE["closure"],
    CaseMeasure.REFERRAL: f"{CITE['fine']}、{CITE['dangerous_operation']}",
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
    elif measure == CaseMeasure.SUSPENSION:
        low, high = ART_102_PERSONS_FINE
        if fine not in (None, Decimal(0)) and not low <= fine <= high:
            errors["fine"] = [
                _(
                    "Work Safety Law art. 102: with a suspension the fine is on the persons directly "
                    "responsible, from %(min)s to %(max)s yuan."
                )
                % {"min": low, "max": high}
            ]
    elif fine not in (None, Decimal(0)) and measure in (CaseMeasure.CLOSURE, CaseMeasure.REFERRAL):
        errors["fine"] = [_("This measure carries no fine of its own.")]
    return errors


def total_fine(case) -> Decimal:
    fine = case.fine or Decimal(0)
    if case.measure == CaseMeasure.DAILY_PENALTY:
        return fine * (case.daily_days or 0)
    return fine


def late_surcharge(
    fine: Decimal, payment_due: dt.date | None, paid_on: dt.date, paused: tuple | None = None
) -> Decimal:
    """3 % of the fine for each day late, never more than the fine itself (Administrative Penalty Law
    art. 72; Administrative Compulsion Law art. 45); the days of a reconsideration or lawsuit (`paused`: first
    and last day) do not count (Administrative Penalty Law art. 73 paragraph 3)."""
    if payment_due is None or paid_on <= payment_due or not fine:
        return Decimal(0)
    days = (paid_on - payment_due).days - _paused_days(payment_due, paid_on, paused)
    if days <= 0:
        return Decimal(0)
    return min(fine * SURCHARGE_RATE * days, fine).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _paused_days(payment_due: dt.date, paid_on: dt.date, paused: tuple | None) -> int:
    """The late days (after payment_due, up to paid_on) that fall within the paused period."""
    if not paused or paused[0] is None:
        return 0
    start = max(paused[0], payment_due + dt.timedelta(days=1))
    end = min(paused[1] or paid_on, paid_on)
    return max((end - start).days + 1, 0)


def add_months(event: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = event.month - 1 + months
    year, month = event.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return event.replace(year=year, month=month, day=min(event.day, last))


def months_end(event: dt.date, months: int) -> dt.date:
    """The last day of a period of months after the event, moved past rest days like a period of days."""
    return period_end(add_months(event, months) - dt.timedelta(days=1), 1)
