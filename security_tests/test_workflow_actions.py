"""Schemathesis' positive data on every workflow action of the API: a body the schema calls valid is never
refused for its shape.

Every `POST /…/{id}/<action>/` generated from a workflow table (core.workflow_api) gets schema-valid bodies
(schemathesis' positive generation from the published schema), sent as the district administrator on an
object in a state the action starts from, with the `version` the object has, so that each body reaches the
action's form. The answer may be 200 (201 for a new ledger row), or 409 (a rule of the state, e.g. a pending request), or 400 naming
only fields whose rule the schema documents (the transition's `rule_fields`: a deadline within the level's
limit, a major hazard's plan, ids of one's own uploads). A 400 on any other field (or on `version`) means the
schema and the form disagree. Each example is rolled back, so every request meets the same district.
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from security_tests.test_schemathesis import HOST, raw_schema, wsgi_app

EXAMPLES = int(os.environ.get("REDLINE_FUZZ_EXAMPLES", "2")) * 5

# Action routes written by hand beside the generated ones: each is a declared transition all the same, so its
# schema must accept what its form accepts.
EXTRA = {
    "POST /api/v1/hazards/{id}/progress-notes/": ("hazards.hazard", "progress"),
    "POST /api/v1/inspections/{id}/results/": ("inspections.inspection", "answer"),
    "POST /api/v1/inspections/{id}/details/": ("inspections.inspection", "update_details"),
    "POST /api/v1/inspections/{id}/finish/": ("inspections.inspection", "finish"),
    "POST /api/v1/inspection-tasks/{id}/assign/": ("inspections.task", "reassign"),
    "POST /api/v1/campaigns/{id}/assign/": ("inspections.campaign", "assign"),
    "POST /api/v1/info-reports/{id}/follow-ups/": ("duty.info_report", "follow_up"),
    "POST /api/v1/info-reports/{id}/final/": ("duty.info_report", "final"),
    "POST /api/v1/duty/rosters/{id}/shifts/": ("duty.roster", "add_shift"),
    "POST /api/v1/risk-points/{id}/assess/": ("risk.riskpoint", "assess"),
    "POST /api/v1/risk-points/{id}/measures/": ("risk.riskpoint", "add_measure"),
    # A new row of an enterprise file's ledger, on an enterprise whose file the user keeps (201).
    "POST /api/v1/enterprises/{id}/file/": ("registry.enterprise", "update_file"),
}


def action_operations() -> list[tuple[str, str, str]]:
    """(method and path, workflow name, action) of every action route in the schema."""
    from core.workflow import REGISTRY

    by_id = {
        f"{name.replace('.', '_')}_{action}": (name, action)
        for name, flow in REGISTRY.items()
        for action in flow.transitions
    }
    found = []
    for path, operations in raw_schema()["paths"].items():
        for method, operation in operations.items():
            key = f"{method.upper()} {path}"
            target = by_id.get(operation.get("operationId", "")) or EXTRA.get(key)
            if target is not None:
                found.append((key, *target))
    return sorted(found)


def test_every_hazard_action_is_a_typed_workflow_route():
    routes = {key for key, name, _action in action_operations() if name == "hazards.hazard"}
    assert len(routes) == 11  # API.md "Hazards": the eleven action routes
    schemas = raw_schema()["components"]["schemas"]
    assign = schemas["HazardAssignRequest"]
    assert assign["properties"]["deadline"]["format"] == "date"
    assert assign["properties"]["funds"]["type"] == "number"
    assert assign["properties"]["plan_attachments"]["items"]["type"] == "integer"
    assert {
        f"plan_{p}" for p in ("goal", "methods", "resources", "organisation", "schedule", "safety")
    } <= set(assign["properties"])
    assert set(assign["required"]) == {"version", "measures", "responsible_person", "funds"}
    assert schemas["HazardDecideExtensionRequest"]["properties"]["approve"]["type"] == "boolean"
    assert schemas["HazardSuperviseRequest"]["properties"]["supervising_department"]["type"] == "integer"


def _object_for(flow, action: str, user):
    """An object the user sees, in a state the action starts from, that the user may act on."""
    transition = flow[action]
    candidates = flow.model.objects.visible_to(user).order_by("pk")
    if flow.state_field is not None:
        candidates = candidates.filter(**{f"{flow.state_field}__in": transition.sources})
    return next((obj for obj in candidates[:200] if flow.may(user, action, obj)), None)


@pytest.mark.security
@pytest.mark.parametrize("route", [r[0] for r in action_operations()])
def test_a_schema_valid_body_is_not_refused_for_its_shape(route, persona):
    import schemathesis
    from schemathesis import GenerationMode

    from accounts.models import ApiToken
    from core.workflow import REGISTRY

    _key, name, action = next(r for r in action_operations() if r[0] == route)
    flow, admin = REGISTRY[name], persona("admin")
    obj = _object_for(flow, action, admin)
    if obj is None and name == "hazards.hazard":
        # The small demo district may hold no hazard in the action's state: walk one there.
        from hazards.tests.helpers import in_state

        in_state(flow[action].sources[0], persona, persona("ent_duruan").enterprise)
        obj = _object_for(flow, action, admin)
    if obj is None:
        pytest.skip(f"the demo district has no {name} to {action}")
    transition = flow[action]
    method, path = route.split(" ", 1)
    operation = schemathesis.openapi.from_dict(raw_schema())[path][method]
    headers = {"Authorization": f"Token {ApiToken.issue(admin)}"}
    refused: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters={"id": obj.pk})
    )
    def send(case):
        if isinstance(case.body, dict) and "version" in case.body:
            case.body["version"] = getattr(obj, flow.version_field)
        with transaction.atomic():
            response = case.call(app=wsgi_app(), base_url=HOST, headers=headers)
            transaction.set_rollback(True)
        if response.status_code in (200, 201, 409):
            return
        fields = set(response.json()) if response.status_code == 400 else {"<status>"}
        if response.status_code != 400 or not fields <= set(transition.rule_fields):
            refused.append(f"{case.body!r:.300} → {response.status_code} {response.content[:300]!r}")

    send()
    assert refused == [], "\n".join(refused[:10])
