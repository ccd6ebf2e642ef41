"""The access rows of the cockpit (security_tests/policy_cockpit.py) run as a quick subset of the matrix,
and the wall displays' own table: each persona with a display of its own, owner and district
administrator in, everyone else 404 (or 403 for a role that never opens the cockpit), rows unchanged."""

from __future__ import annotations

import pytest

from security_tests.policy import POLICY, POST_ONLY
from security_tests.policy_cockpit import COCKPIT, ROWS
from security_tests.probing import PERSONAS, fill_route, row_digest, url_patterns
from security_tests.test_matrix import DENIED, finish

pytestmark = pytest.mark.django_db


def test_every_cockpit_row_is_in_the_policy():
    names = {name for name, _route in url_patterns() if name.startswith("cockpit:")}
    assert names <= set(ROWS) and set(ROWS) <= set(POLICY)


def test_cockpit_access_rows(as_user):
    wrong = []
    for key, route in url_patterns():
        if key not in ROWS:
            continue
        url = "/" + fill_route(route, 1)
        for name in PERSONAS:
            status = finish(as_user(name).get(url))
            if POLICY[key] == POST_ONLY:
                ok = status == 405
            elif name in POLICY[key]:
                ok = status not in DENIED and status < 500
            else:
                ok = status in DENIED
            if not ok:
                wrong.append(f"{key} as {name}: {status}")
    assert wrong == [], "\n".join(wrong)


def test_each_display_is_its_owners_and_the_district_administrators(as_user):
    from cockpit.models import WallDisplay

    displays = {}
    for name in sorted(COCKPIT):
        answer = as_user(name).post("/cockpit/displays/", {"name": f"{name} 大屏"})
        assert answer.status_code == 200, name
        displays[name] = answer.context["pairing"]["display"]
    wrong = []
    for name in PERSONAS:
        client = as_user(name)
        for owner, display in displays.items():
            keeps = name in (owner, "admin")
            detail = f"/cockpit/displays/{display.pk}/"
            status = client.get(detail).status_code
            if status != (200 if keeps else 404):
                wrong.append(f"{name} reads {owner}'s display: {status}")
            if keeps:
                continue
            before = row_digest(display)
            for action, data in (("rename", {"name": "x"}), ("revoke", {})):
                status = client.post(f"{detail}{action}/", {**data, "version": display.version}).status_code
                if status != 404:
                    wrong.append(f"{name} {action}s {owner}'s display: {status}")
            if row_digest(display) != before:
                wrong.append(f"{name} changed {owner}'s display")
        listed = client.get("/cockpit/displays/")
        if name not in COCKPIT:
            if listed.status_code != 403:
                wrong.append(f"{name} lists displays: {listed.status_code}")
            continue
        shown = {d.pk for d in listed.context["displays"]}
        expected = (
            set(WallDisplay.objects.values_list("pk", flat=True)) if name == "admin" else {displays[name].pk}
        )
        if shown != expected:
            wrong.append(f"{name} lists {sorted(shown)}, not {sorted(expected)}")
    assert wrong == [], "\n".join(wrong)
