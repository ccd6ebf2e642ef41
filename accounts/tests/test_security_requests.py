"""CSRF on every state change, and no GET that changes state (ASVS V4.2.2, V13.1; issue 8 "sessions")."""

import hashlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.testing import mark_second_factor_verified

# State that a read may legitimately touch: the session row and its index, login bookkeeping, job
# bookkeeping, and the audit trail (a denied GET is recorded, by design).
IGNORED_TABLES = {
    "django_session",
    "accounts_usersession",
    "accounts_loginattempt",
    "core_jobrun",
    "audit_auditevent",
    "audit_auditchainhead",
}
SKIPPED = re.compile(r"(export|download|pdf|file|template|logout|setlang|/static/)")


def _walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def concrete_paths(value: int = 1) -> list[str]:
    paths = set()
    for route in _walk(get_resolver().url_patterns):
        if route.startswith("^") or "(?P" in route:
            continue
        path = re.sub(r"<int:[^>]+>", str(value), route)
        path = re.sub(r"<(str|slug|path):[^>]+>", "x", path)
        path = re.sub(r"<[^>]+>", "x", path)
        paths.add("/" + path.lstrip("/"))
    return sorted(paths)


def db_digest() -> dict[str, str]:
    digests = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in IGNORED_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digests[table] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def drain(response) -> None:
    """Read a streamed body to its end: the test client then closes the file behind it (no ResourceWarning)
    without firing a second request_finished, which would close the database connection."""
    if response.streaming:
        for _chunk in response.streaming_content:
            pass


@pytest.fixture
def admin_client(persona):
    client = Client(raise_request_exception=False)
    client.force_login(persona("admin"))
    mark_second_factor_verified(client)
    return client


def test_no_get_on_any_url_changes_state(admin_client):
    paths = [p for p in concrete_paths() if not SKIPPED.search(p)]
    assert len(paths) > 10
    changed = {}
    for path in paths:
        before = db_digest()
        drain(admin_client.get(path))
        after = db_digest()
        diff = sorted(t for t in before if before[t] != after.get(t))
        if diff:
            changed[path] = diff
    assert changed == {}


def test_every_web_post_without_a_csrf_token_is_refused(persona):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(persona("admin"))
    mark_second_factor_verified(client)
    accepted = {}
    for path in concrete_paths():
        if path.startswith(("/api/", "/static/")):
            continue
        response = client.post(path, {})
        drain(response)
        if response.status_code != 403:
            accepted[path] = response.status_code
    assert accepted == {}


def test_the_login_form_itself_needs_the_csrf_token(district):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/accounts/login/", {"username": "duruan", "password": "Redline@2026"}).status_code == 403
    )


def test_the_api_with_a_browser_session_needs_the_csrf_token(persona):
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("duruan"))
    assert client.post("/api/v1/enterprises/", {}, content_type="application/json").status_code == 403
