"""The access-control matrix: every API operation and page, every role, own and other scope.

Driven by `security_tests/policy.py`; a meta-test fails when an operation or URL is missing from it.
"""

from __future__ import annotations

import pytest

from security_tests.policy import KNOWN_INPUT_BEFORE_ROLE, OTHER_SCOPE, POLICY, POST_ONLY
from security_tests.probing import (
    PERSONAS,
    SCOPE_OF_PERSONA,
    api_endpoints,
    fill,
    fill_route,
    model_for_path,
    model_for_route,
    out_of_scope_object,
    row_digest,
    url_patterns,
    visible,
)

DENIED = (401, 403, 404)


def finish(response):
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    response.close()
    return response.status_code


def test_every_api_operation_is_in_the_policy():
    operations = {f"{method} {path}" for method, path, _view in api_endpoints()}
    assert operations - set(POLICY) == set(), "operations missing from security_tests/policy.py"
    assert len(operations) >= 80


def test_every_url_pattern_is_in_the_policy():
    names = {name for name, _route in url_patterns()}
    assert names - set(POLICY) == set(), "URL patterns missing from security_tests/policy.py"
    stale = {key for key in POLICY if " " not in key} - names
    assert stale == set(), "policy rows for URLs that no longer exist"


def test_every_policy_row_names_known_personas():
    for key, allowed in POLICY.items():
        assert allowed == POST_ONLY or set(allowed) <= set(PERSONAS), key


def _own_target(model, user, admin):
    """An object of the persona's own scope (or, when it sees none, one of the district's)."""
    if model is None:
        return None
    if model._meta.label == "registry.Jurisdiction":
        return model.objects.towns().order_by("pk").first()
    return visible(model, user).order_by("pk").first() or visible(model, admin).order_by("pk").first()


def _call(client, method, url):
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, {}, format="json")


@pytest.mark.security
def test_access_matrix(api_as, as_user, persona, security_figures):
    """Own scope: allowed roles get in (2xx, or their input judged: 400/409/415); others get 403/404.

    Other scope: every id-addressed operation and page on another town's, sector's or enterprise's object
    answers 404.
    """
    admin = persona("admin")
    users = {name: persona(name) for name in PERSONAS}
    api_clients = {name: api_as(name) for name in PERSONAS}
    web_clients = {name: as_user(name) for name in PERSONAS}
    cells = wrong = wrongly_allowed = 0
    mismatches, known = [], []
    probes, leaks = 0, []

    def probe(key, name, other, status, before):
        """One request for another scope's object: a leak unless 404 and the row unchanged."""
        nonlocal probes
        probes += 1
        if status != OTHER_SCOPE or row_digest(other) != before:
            leaks.append(f"{key} as {name}: {status}")
        judge(key, name, SCOPE_OF_PERSONA[name], OTHER_SCOPE, status)

    def judge(key, name, scope, expected, status):
        nonlocal cells, wrong, wrongly_allowed
        cells += 1
        if expected == "allow":
            ok = status not in DENIED and status < 500
        elif expected == "deny":
            ok = status in DENIED
        else:
            ok = status == expected
        if not ok:
            wrong += 1
            mismatches.append(f"{key} as {name} ({scope}): expected {expected}, got {status}")
            if scope == "own" and f"{key} as {name}" in KNOWN_INPUT_BEFORE_ROLE and status in (400, 415):
                known.append(mismatches.pop())
            if expected != "allow" and status < 300:
                wrongly_allowed += 1

    for method, path, view in api_endpoints():
        key = f"{method} {path}"
        model = model_for_path(path, view) if "{" in path else None
        for name in PERSONAS:
            target = _own_target(model, users[name], admin)
            url = fill(path, target.pk if target else 1) if "{" in path else path
            expected = "allow" if name in POLICY[key] else "deny"
            judge(key, name, "own", expected, finish(_call(api_clients[name], method, url)))
            if model is not None and name in SCOPE_OF_PERSONA:
                other = out_of_scope_object(model, users[name], admin)
                if other is not None:
                    before = row_digest(other)
                    status = finish(_call(api_clients[name], method, fill(path, other.pk)))
                    probe(key, name, other, status, before)
                    assert row_digest(other) == before, f"{key} changed another scope's object"

    for key, route in url_patterns():
        model = model_for_route(route)
        for name in PERSONAS:
            client = web_clients[name]
            target = _own_target(model, users[name], admin)
            url = "/" + fill_route(route, target.pk if target else 1)
            if POLICY[key] == POST_ONLY:
                judge(key, name, "own", 405, finish(client.get(url)))
            else:
                expected = "allow" if name in POLICY[key] else "deny"
                judge(key, name, "own", expected, finish(client.get(url)))
            if model is not None and name in SCOPE_OF_PERSONA:
                other = out_of_scope_object(model, users[name], admin)
                if other is not None:
                    before = row_digest(other)
                    url = "/" + fill_route(route, other.pk)
                    method = "post" if POLICY[key] == POST_ONLY else "get"
                    status = finish(getattr(client, method)(url))
                    probe(key, name, other, status, before)
                    assert row_digest(other) == before, f"{key} changed another scope's object"

    security_figures["access_matrix"] = {
        "correct": cells - wrong,
        "total": cells,
        "wrongly_allowed": wrongly_allowed,
        "known_input_before_role": len(known),
        "cross_scope_probes": probes,
        "cross_scope_leaks": len(leaks),
        "mismatches": mismatches,
        "goal": "all cells correct, wrongly allowed 0, cross-scope leaks 0",
        "met": wrongly_allowed == 0 and wrong == 0 and not leaks,
    }
    assert wrongly_allowed == 0, mismatches
    assert mismatches == [], "cells that differ from security_tests/policy.py"
