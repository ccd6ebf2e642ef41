"""Lost updates: many writers holding the same version — exactly one wins, the rest get 409.

The threaded test sends real concurrent requests (one Django connection per thread); SQLite's in-memory
test database has no concurrent connections, so there it runs on PostgreSQL only, and the same contest
is played out with interleaved stale writers, which is what a lost update needs.
"""

import threading

import pytest
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from registry.models import Enterprise

WRITERS = 4


def _patch(client, enterprise, version, n):
    return client.patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {"version": version, "address": f"江门市蓬江区杜阮镇测试路{n}号"},
        format="json",
    )


@pytest.mark.security
def test_stale_writers_on_an_enterprise_lose_no_update(api_as, enterprise_in, security_figures):
    enterprise = enterprise_in("duruan", "industry_trade")
    version = enterprise.version
    clients = [api_as(name) for name in ("admin", "yjj", "duruan", "ent_duruan")]
    statuses = [_patch(client, enterprise, version, n).status_code for n, client in enumerate(clients)]
    assert sorted(statuses) == [200] + [409] * (len(clients) - 1)
    enterprise.refresh_from_db()
    assert enterprise.version == version + statuses.count(200)
    security_figures["lost_updates"] = {
        "writers": len(clients),
        "winners": statuses.count(200),
        "conflicts": statuses.count(409),
        "lost": 0,
        "goal": "0 lost updates",
        "met": True,
    }


def test_stale_writers_on_a_hazard_transition_lose_no_update(api_as, persona):
    from hazards.models import Hazard
    from hazards.tests.helpers import submitted

    hazard = submitted(persona("admin"), persona("ent_duruan").enterprise, submitter=persona("ent_duruan"))
    url = f"/api/v1/hazards/{hazard.pk}/reject/"
    statuses = [
        api_as(name).post(url, {"version": hazard.version, "reason": "照片不清楚"}, format="json").status_code
        for name in ("duruan", "inspector_duruan", "yjj")
    ]
    assert statuses.count(200) == 1 and statuses.count(409) == 2, statuses
    assert Hazard.objects.get(pk=hazard.pk).version == hazard.version + 1


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database has no concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_an_enterprise_lose_no_update():
    from accounts.models import User
    from conftest import ensure_district

    ensure_district()
    enterprise = Enterprise.objects.order_by("id").first()
    version = enterprise.version
    barrier = threading.Barrier(WRITERS)
    statuses: list = []

    def write(n):
        try:
            client = APIClient()
            client.force_authenticate(User.objects.get(username="admin"))
            barrier.wait(timeout=20)
            statuses.append(_patch(client, enterprise, version, n).status_code)
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            statuses.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses, key=str) == [200] + [409] * (WRITERS - 1), statuses
    enterprise.refresh_from_db()
    assert enterprise.version == version + 1
