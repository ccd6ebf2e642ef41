import pytest


@pytest.fixture
def make_point(persona):
    """A point of an enterprise, assessed with the given factors, through the service."""
    from risk import services

    def make(enterprise, *, method="lec", actor="admin", name="测试风险点", **factors):
        if not factors:
            factors = {"l": "3", "e": "6", "c": "7"} if method == "lec" else {"l": 3, "s": 3}
        return services.create_risk_point(
            actor=persona(actor),
            enterprise=enterprise,
            data={"name": name, "factor_categories": ["object"], "accident_types": ["03"]},
            assessment={"method": method, **factors},
        )

    return make
