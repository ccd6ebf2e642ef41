"""Shared test fixtures: a small demo district built once per session, and the named personas of API.md.

Tests read like a story: `as_user("duruan")` is the Duruan town officer, `as_user("baisha")` the Baisha
one. Regular tests share the session's district inside their rolled-back transaction; tests that need
real commits (`transactional_db`, browser tests) run last and rebuild it with `ensure_district()`.
"""

import random

import pytest
from django.test import Client
from rest_framework.test import APIClient

DISTRICT_SEED = 7
SMALL_DISTRICT_ENTERPRISES = 80


def ensure_district():
    from core.extensions import demo_builders
    from registry.models import Enterprise, Sector
    from registry.reference import seed_reference_data

    if Enterprise.objects.exists():
        return
    if not Sector.objects.exists():  # a transactional test flushed the data migrations' rows
        seed_reference_data()
    for builder in demo_builders.all():
        builder.build(
            rng=random.Random(f"{DISTRICT_SEED}:{builder.key}"),
            stdout=None,
            enterprises=SMALL_DISTRICT_ENTERPRISES,
            small=True,
        )


@pytest.fixture(autouse=True, scope="session")
def _keep_test_connections():
    """Closing a response (tests do, after reading a download) fires `request_finished`, whose handler
    closes a connection that is inside a transaction — the test's own, on PostgreSQL — and every later
    query of the test fails. Django's test client guards only its own requests; inside a test
    transaction the connection is kept for the whole session."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    original = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def keep_inside_test_transaction(self):
        if self.in_atomic_block:
            return
        original(self)

    BaseDatabaseWrapper.close_if_unusable_or_obsolete = keep_inside_test_transaction
    yield
    BaseDatabaseWrapper.close_if_unusable_or_obsolete = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: throttles and cached counts never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request's LocaleMiddleware leaves its language
    active on the thread, which would otherwise leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_district()


@pytest.fixture
def district(db):
    ensure_district()
    from registry.models import Jurisdiction

    return {t.name_en.split()[0].lower(): t for t in Jurisdiction.objects.towns()}


@pytest.fixture
def persona(district):
    from accounts.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def as_user(persona):
    """A Django test client logged in as a persona (the web UI)."""

    def make(username: str) -> Client:
        from accounts.testing import mark_second_factor_verified

        client = Client()
        client.force_login(persona(username))
        mark_second_factor_verified(client)  # force_login skips the login form and its second factor
        return client

    return make


@pytest.fixture
def api_as(persona):
    """A DRF client authenticated as a persona (the REST API)."""

    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(persona(username))
        return client

    return make


@pytest.fixture
def enterprise_in(district):
    """The first operating enterprise of a town (by English short name), optionally of a sector."""
    from registry.models import Enterprise

    def get(town: str, sector: str | None = None):
        qs = Enterprise.objects.filter(town=district[town]).order_by("id")
        if sector:
            qs = qs.filter(sectors__code=sector)
        return qs.first()

    return get


# --- Security figures: tests record measured figures; `make security-report` writes them out.
SECURITY_FIGURES: dict = {}


@pytest.fixture(scope="session")
def security_figures() -> dict:
    """Record a figure: `security_figures["matrix"] = {"correct": n, "total": m, "wrongly_allowed": 0}`."""
    return SECURITY_FIGURES


def pytest_sessionfinish(session, exitstatus):
    import json
    import os
    from pathlib import Path

    if not SECURITY_FIGURES:
        return
    path = Path(
        os.environ.get("REDLINE_SECURITY_REPORT", Path(__file__).parent / "reports" / "security.json")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    existing.update(SECURITY_FIGURES)
    path.write_text(json.dumps(existing, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")


@pytest.fixture
def housing_officer(district):
    """A 住建局 officer (an industry department) whose department numbers its documents under its own
    abbreviation, 蓬住建 (R-HAZ-13: a department issues in its own name and number series)."""
    from accounts.models import User, UserRole
    from registry.models import Department

    department = Department.objects.get(code="housing")
    Department.objects.filter(pk=department.pk).update(document_abbreviation="蓬住建")
    user = User.objects.create_user(username="zjj", password="x", name="住建局 李科长", department=department)
    UserRole.objects.create(user=user, role="department_officer")
    return User.objects.get(pk=user.pk)
