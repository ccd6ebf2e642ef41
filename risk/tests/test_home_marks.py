"""Home pages (issue 20, point 9): an overdue risk review carries an overdue mark; an enterprise does not see
the district's escalation clocks (区报市), which are not its duty."""

import datetime as dt

from django.utils import timezone


def test_an_overdue_review_is_marked_on_the_home_page(as_user):
    from risk.models import RiskPoint

    home = as_user("duruan").get("/")
    panel = next(p["context"] for p in home.context["panels"] if p["template"] == "risk/panels/home.html")
    due = list(panel["due"])
    assert due, "the demo district has reviews due"
    point = due[0]
    RiskPoint.objects.filter(pk=point.pk).update(next_review_on=timezone.localdate() - dt.timedelta(days=3))
    html = as_user("duruan").get("/").content.decode()
    assert 'data-testid="review-overdue"' in html


def test_an_enterprise_sees_no_escalation_clock(as_user, persona, district, enterprise_in):
    from decimal import Decimal

    from accidents import services

    services.record_accident(
        actor=persona("ent_duruan"),
        data={
            "occurred_at": timezone.now() - dt.timedelta(minutes=30),
            "town": district["duruan"],
            "sector": "industry_trade",
            "accident_type": "03",
            "narrative": "冲床压伤手部",
            "deaths": 1,
            "serious_injuries": 0,
            "direct_loss": Decimal("0"),
        },
    )
    enterprise_home = as_user("ent_duruan").get("/").content.decode()
    official_home = as_user("admin").get("/").content.decode()
    assert "区报市" not in enterprise_home
    assert "区报市" in official_home
