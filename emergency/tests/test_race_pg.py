"""The last units issued by several people at once, with real concurrent requests (PostgreSQL).

SQLite's in-memory test database has no concurrent connections; there test_supplies.py plays the same
race out with a stale reader."""

import threading

import pytest
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

ISSUERS = 4


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database has no concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_of_the_last_units_one_wins_and_nothing_is_lost():
    from accounts.models import User
    from conftest import ensure_district
    from emergency import services
    from emergency.catalogue import seed_catalogue
    from emergency.models import Movement, StockBatch, SupplyItem
    from registry.models import Jurisdiction

    ensure_district()
    seed_catalogue()
    admin = User.objects.get(username="admin")
    town = Jurisdiction.objects.towns().order_by("code").first()
    warehouse = services.create_warehouse(
        actor=admin, data={"name": "并发测试仓", "level": "town", "town": town.pk}
    )
    bags = SupplyItem.objects.get(code="FX-001")
    services.record_movement(
        actor=admin,
        data={"kind": "in", "warehouse": warehouse.pk, "item": bags.pk, "quantity": 5, "reason": "入库"},
    )
    barrier = threading.Barrier(ISSUERS)
    statuses: list = []

    def issue():
        try:
            client = APIClient()
            client.force_authenticate(admin)
            barrier.wait(timeout=20)
            response = client.post(
                "/api/v1/supplies/movements/",
                {"kind": "out", "warehouse": warehouse.pk, "item": bags.pk, "quantity": 5, "reason": "抢险"},
                format="json",
            )
            statuses.append(response.status_code)
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            statuses.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses, key=str) == [201] + [409] * (ISSUERS - 1), statuses
    assert sum(StockBatch.objects.filter(warehouse=warehouse).values_list("quantity", flat=True)) == 0
    assert Movement.objects.filter(warehouse=warehouse, kind="out").count() == 1
