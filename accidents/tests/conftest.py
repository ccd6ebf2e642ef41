import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def record(persona, district, enterprise_in):
    """Record an accident through the service as a persona (Duruan industry-and-trade by default)."""
    from accidents import services

    def make(username="duruan", *, town="duruan", sector="industry_trade", enterprise=True, **numbers):
        data = {
            "occurred_at": numbers.pop("occurred_at", timezone.now() - dt.timedelta(minutes=20)),
            "town": district[town],
            "sector": sector,
            "enterprise": enterprise_in(town, "industry_trade") if enterprise is True else enterprise,
            "accident_type": numbers.pop("accident_type", "03"),
            "narrative": numbers.pop("narrative", "冲床压伤手部"),
            "deaths": 0,
            "serious_injuries": 0,
            "direct_loss": Decimal("0"),
            **numbers,
        }
        return services.record_accident(actor=persona(username), data=data)

    return make
