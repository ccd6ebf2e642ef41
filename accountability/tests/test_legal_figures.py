"""Pins every legal figure the enforcement documents and penalty ranges cite (R-ACCT-5).

Checked against the texts named in accountability/services/penalties.py; a change of law changes this test.
"""

from __future__ import annotations

from decimal import Decimal

from accountability.choices import CaseMeasure
from accountability.services import penalties


def test_the_figures():
    assert Decimal("50000") == penalties.ART_102_MAX_FINE
    assert (Decimal("50000"), Decimal("100000")) == penalties.ART_102_PERSONS_FINE
    assert Decimal("0.03") == penalties.SURCHARGE_RATE
    assert penalties.HEARING_DAYS == 5
    assert penalties.PAYMENT_DAYS == 15
    assert penalties.DECISION_DAYS == 90
    assert penalties.RECONSIDERATION_DAYS == 60
    assert penalties.RECONSIDERATION_DECISION_DAYS == 60
    assert penalties.LAWSUIT_MONTHS == 6
    assert penalties.JUDGMENT_MONTHS == 6


def test_the_citations():
    law = "《中华人民共和国安全生产法》"
    penalty = "《中华人民共和国行政处罚法》"
    assert {
        "fine": f"{law}第一百零二条",
        "daily": f"{law}第一百一十二条",
        "closure": f"{law}第一百一十三条",
        "dangerous_operation": "《中华人民共和国刑法》第一百三十四条之一",
        "notice": f"{penalty}第四十四条、第四十五条",
        "hearing": f"{penalty}第六十三条、第六十四条第（一）项",
        "hearing_notice": f"{penalty}第六十四条第（二）项",
        "decision_days": f"{penalty}第六十条",
        "payment": f"{penalty}第六十七条第三款",
        "surcharge": f"{penalty}第七十二条第一款第（一）项、《中华人民共和国行政强制法》第四十五条第二款",
        "surcharge_paused": f"{penalty}第七十三条第三款",
        "reconsideration": "《中华人民共和国行政复议法》第二十条第一款",
        "reconsideration_decision": "《中华人民共和国行政复议法》第六十二条第一款",
        "lawsuit": "《中华人民共和国行政诉讼法》第四十六条第一款",
        "judgment": "《中华人民共和国行政诉讼法》第八十一条",
    } == penalties.CITE


def test_each_measure_cites_its_article():
    assert (
        penalties.BASIS[CaseMeasure.FINE] == penalties.BASIS[CaseMeasure.SUSPENSION] == penalties.CITE["fine"]
    )
    assert penalties.BASIS[CaseMeasure.DAILY_PENALTY] == penalties.CITE["daily"]
    assert penalties.BASIS[CaseMeasure.CLOSURE] == penalties.CITE["closure"]
    assert penalties.BASIS[CaseMeasure.REFERRAL].endswith("第一百三十四条之一")


def test_the_fine_ceiling_is_the_articles():
    assert penalties.check_penalty(CaseMeasure.FINE, "50000", None) == {}
    assert "fine" in penalties.check_penalty(CaseMeasure.FINE, "50000.01", None)
    assert "fine" in penalties.check_penalty(CaseMeasure.DAILY_PENALTY, "50000.01", 3)
    assert penalties.check_penalty(CaseMeasure.SUSPENSION, "50000", None) == {}
    assert penalties.check_penalty(CaseMeasure.SUSPENSION, "100000", None) == {}
    assert penalties.check_penalty(CaseMeasure.SUSPENSION, None, None) == {}
    assert "fine" in penalties.check_penalty(CaseMeasure.SUSPENSION, "49999.99", None)
    assert "fine" in penalties.check_penalty(CaseMeasure.SUSPENSION, "100000.01", None)
