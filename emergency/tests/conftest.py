import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def item(db):
    from emergency.catalogue import seed_catalogue
    from emergency.models import SupplyItem

    seed_catalogue()

    def get(code="FX-001"):
        return SupplyItem.objects.get(code=code)

    return get


@pytest.fixture
def warehouse(persona, district):
    """A new town reserve (or an enterprise's) made through the service."""
    from emergency import services

    def make(town="duruan", *, level="town", enterprise=None, name=None, actor="admin"):
        data = {
            "name": name or f"{town} 防汛仓库",
            "level": level,
            "town": district[town].pk,
            "keeper": "李四",
            "phone": "13800138000",
        }
        if enterprise is not None:
            data["enterprise"] = enterprise.pk
        return services.create_warehouse(actor=persona(actor), data=data)

    return make


@pytest.fixture
def stock(persona):
    """Put units of an item into a warehouse through a receipt movement."""
    from emergency import services

    def put(warehouse, item, quantity, *, expires_on=None, batch_no="B1", actor="admin"):
        data = {
            "kind": "in",
            "warehouse": warehouse.pk,
            "item": item.pk,
            "quantity": quantity,
            "reason": "采购入库",
            "batch_no": batch_no,
        }
        if expires_on is not None:
            data["expires_on"] = expires_on
        movement = services.record_movement(actor=persona(actor), data=data)
        return movement.lines.get().batch

    return put


def issue_data(warehouse, item, quantity, **more):
    return {
        "kind": "out",
        "warehouse": warehouse.pk,
        "item": item.pk,
        "quantity": quantity,
        "reason": "抢险领用",
        **more,
    }


@pytest.fixture
def days():
    return lambda n: timezone.localdate() + dt.timedelta(days=n)
