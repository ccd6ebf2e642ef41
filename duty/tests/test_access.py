"""The access-control matrix of security_tests, run for the duty module's rows only (a quick subset of
`security_tests/test_matrix.py`): own scope per policy_duty.py, other scope 404 and unchanged."""

from __future__ import annotations

from security_tests.policy import OTHER_SCOPE, POLICY, POST_ONLY
from security_tests.policy_duty import ROWS
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
)
from security_tests.test_matrix import DENIED, _call, _own_target, finish


def _judge(expected, status):
    if expected == "allow":
        return status not in DENIED and status < 500
    if expected == "deny":
        return status in DENIED
    return status == expected


def test_every_duty_row_is_in_the_policy():
    assert set(ROWS) <= set(POLICY)


def test_duty_access_matrix(api_as, as_user, persona):
    admin = persona("admin")
    users = {name: persona(name) for name in PERSONAS}
    wrong = []
    for method, path, view in api_endpoints():
        key = f"{method} {path}"
        if key not in ROWS:
            continue
        model = model_for_path(path, view) if "{" in path else None
        for name in PERSONAS:
            client = api_as(name)
            target = _own_target(model, users[name], admin)
            url = fill(path, target.pk if target else 1) if "{" in path else path
            expected = "allow" if name in POLICY[key] else "deny"
            status = finish(_call(client, method, url))
            if not _judge(expected, status):
                wrong.append(f"{key} as {name}: expected {expected}, got {status}")
            if model is not None and name in SCOPE_OF_PERSONA:
                other = out_of_scope_object(model, users[name], admin)
                if other is not None:
                    before = row_digest(other)
                    status = finish(_call(client, method, fill(path, other.pk)))
                    if status != OTHER_SCOPE or row_digest(other) != before:
                        wrong.append(f"{key} as {name} (other scope): {status}")
    for key, route in url_patterns():
        if key not in ROWS:
            continue
        model = model_for_route(route)
        for name in PERSONAS:
            client = as_user(name)
            target = _own_target(model, users[name], admin)
            url = "/" + fill_route(route, target.pk if target else 1)
            if POLICY[key] == POST_ONLY:
                expected, status = 405, finish(client.get(url))
            else:
                expected = "allow" if name in POLICY[key] else "deny"
                status = finish(client.get(url))
            if not _judge(expected, status):
                wrong.append(f"{key} as {name}: expected {expected}, got {status}")
            if model is not None and name in SCOPE_OF_PERSONA:
                other = out_of_scope_object(model, users[name], admin)
                if other is not None:
                    method = "post" if POLICY[key] == POST_ONLY else "get"
                    status = finish(getattr(client, method)("/" + fill_route(route, other.pk)))
                    if status != OTHER_SCOPE:
                        wrong.append(f"{key} as {name} (other scope): {status}")
    assert wrong == [], "\n".join(wrong)
