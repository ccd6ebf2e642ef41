"""Faults the app survives by itself: Redis down, the database connection dropped.

(A full disk while saving an upload is in test_uploads.py.)
"""

import time

import pytest
from django.core.cache import caches
from django.db import connection

CLOSED_PORT_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def _fault(figures, name, survived: bool):
    entry = figures.setdefault("faults", {"goal": "every fault survived", "met": True})
    entry[name] = "survived" if survived else "failed"
    entry["met"] = entry["met"] and survived


@pytest.mark.security
def test_redis_down_the_web_keeps_working(as_user, api_as, settings, security_figures):
    settings.CACHES = CLOSED_PORT_REDIS  # the setting_changed signal drops the cached connections
    assert caches["default"].__class__.__name__ == "RedisCache"
    statuses = []
    for url in ("/", "/hazards/", "/registry/enterprises/", "/risk/points/", "/inspections/"):
        statuses.append(as_user("duruan").get(url).status_code)
    for url in ("/api/v1/hazards/", "/api/v1/enterprises/", "/api/v1/me/"):
        statuses.append(api_as("duruan").get(url).status_code)
    survived = all(status == 200 for status in statuses)
    _fault(security_figures, "redis_down_web", survived)
    assert survived, statuses


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_recovers_on_the_next_request(settings, security_figures):
    from django.db import close_old_connections, connections
    from rest_framework.test import APIClient

    from accounts.models import User
    from conftest import ensure_district

    ensure_district()
    client = APIClient()
    client.force_authenticate(User.objects.get(username="admin"))
    assert client.get("/api/v1/ping/").status_code == 200
    victim = connection.cursor().connection.info.backend_pid
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [victim])
    other.close()
    time.sleep(0.2)
    # Each real request starts with `close_old_connections` (the WSGI handler's request_started signal,
    # which the test client leaves out): it drops the dead connection, and the request reconnects.
    close_old_connections()
    first = client.get("/api/v1/ping/")
    close_old_connections()
    second = client.get("/api/v1/enterprises/")
    survived = second.status_code == 200
    _fault(security_figures, "database_connection_dropped", survived)
    assert first.status_code in (200, 500) and survived
