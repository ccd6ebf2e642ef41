"""Helpers shared by the matrix, IDOR and fuzz tests: the API's operations, the objects to aim at."""

from __future__ import annotations

import hashlib
import re
from functools import cache

from django.apps import apps
from django.core import serializers
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = [
    "admin",
    "leader",
    "yjj",
    "duruan",
    "inspector_duruan",
    "ent_duruan",
    "duty",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
# Personas whose data scope is narrower than the district: each has an "other" scope to probe.
SCOPE_OF_PERSONA = {
    "yjj": "other sector",
    "duruan": "other town",
    "inspector_duruan": "other town",
    "ent_duruan": "other enterprise",
}


@cache
def api_endpoints() -> list[tuple[str, str, type]]:
    """(METHOD, OpenAPI path, view class) of every operation of the generated schema."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    views = {}
    for path, _regex, method, callback in generator.endpoints:
        # The schema names a primary key {id}; the generator's own list still says {pk}.
        views[(method.upper(), path.replace("{pk}", "{id}"))] = getattr(callback, "cls", None)
    return [
        (method.upper(), path, views.get((method.upper(), path)))
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    ]


def url_patterns() -> list[tuple[str, str]]:
    """(namespace:name, route) of every URL pattern outside the API."""
    found = []

    def walk(resolver, prefix="", namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if not route.startswith("api/v1/"):
                    found.append((f"{namespace or ''}:{pattern.name}", route))

    walk(get_resolver())
    return found


# The model behind an id in a path, for views that do not name a scoped model.
PATH_MODELS = {
    "/api/v1/attachments/": "attachments.Attachment",
    "/api/v1/accidents/": "accidents.Accident",
    "/api/v1/notifications/": "notifications.Notification",
    "/api/v1/users/": "accounts.User",
    "/api/v1/audit-events/": "audit.AuditEvent",
    "/api/v1/checklists/": "inspections.ChecklistTemplate",
    "/api/v1/campaigns/": "inspections.Campaign",
    "/api/v1/towns/": "registry.Jurisdiction",
    "/api/v1/departments/": "registry.Department",
    "/api/v1/sectors/": "registry.Sector",
}
PAGE_MODELS = {
    "registry/enterprises/": "registry.Enterprise",
    "hazards/": "hazards.Hazard",
    "hazards/statements/": "hazards.HazardStatement",
    "risk/points/": "risk.RiskPoint",
    "risk/enterprises/": "registry.Enterprise",
    "inspections/campaigns/": "inspections.Campaign",
    "inspections/tasks/": "inspections.InspectionTask",
    "inspections/records/": "inspections.Inspection",
    "inspections/draws/": "inspections.Draw",
    "emergency/warehouses/": "emergency.Warehouse",
    "emergency/norms/": "emergency.ReserveNorm",
    "emergency/teams/": "emergency.RescueTeam",
    "emergency/team-members/": "emergency.TeamMember",
    "emergency/three-preventions/transfers/": "emergency.TransferEntry",
    "emergency/three-preventions/points/": "emergency.WaterloggingPoint",
    "emergency/three-preventions/shelters/": "emergency.Shelter",
    "emergency/stocktakes/": "emergency.Stocktake",
    "emergency/plans/": "emergency.Plan",
    "emergency/plan-versions/": "emergency.PlanVersion",
    "emergency/drills/": "emergency.Drill",
    "emergency/actions/": "emergency.ImprovementAction",
    "emergency/warnings/": "emergency.WeatherWarning",
    "emergency/declarations/": "emergency.Declaration",
    "emergency/confirmations/": "emergency.Confirmation",
    "accidents/cases/": "accidents.Case",
    "accidents/education/": "accidents.EducationSession",
    "accidents/": "accidents.Accident",
    "accountability/proposals/": "accountability.Proposal",
    "accountability/measures/": "accountability.MeasureRecord",
    "accountability/commitments/": "accountability.Commitment",
    "accountability/cases/documents/": "accountability.CaseDocument",
    "accountability/cases/": "accountability.EnforcementCase",
    "accountability/responsibility/": "accountability.ResponsibilityPosition",
    "attachments/": "attachments.Attachment",
    "notifications/": "notifications.Notification",
    "duty/rooms/": "duty.DutyRoom",
    "duty/rosters/": "duty.Roster",
    "duty/shifts/": "duty.Shift",
    "duty/swaps/": "duty.Swap",
    "duty/reports/": "duty.InfoReport",
    "cockpit/displays/": "cockpit.WallDisplay",
}
SCOPED_PAGE_MODELS = set(PAGE_MODELS.values())


def model_for_path(path: str, view) -> type | None:
    for prefix, label in sorted(PATH_MODELS.items(), key=lambda kv: -len(kv[0])):
        if path.startswith(prefix):
            return apps.get_model(label)
    return getattr(view, "scoped_model", None)


def model_for_route(route: str) -> type | None:
    for prefix, label in sorted(PAGE_MODELS.items(), key=lambda kv: -len(kv[0])):
        if route.startswith(prefix) and re.match(r"<int:(pk|enterprise_pk)>", route[len(prefix) :]):
            return apps.get_model(label)
    return None


def visible(model, user):
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(user)
    if model._meta.label == "notifications.Notification":
        return manager.filter(recipient=user)
    return manager.all()


def out_of_scope_object(model, user, wide_user):
    """An object the district-wide user sees and this user does not, or None."""
    seen = visible(model, user).values("pk")
    return visible(model, wide_user).exclude(pk__in=seen).order_by("pk").first()


def row_digest(obj) -> str:
    """SHA-256 of the object's stored row (every field), to prove a refused request changed nothing."""
    fresh = type(obj)._default_manager.filter(pk=obj.pk)
    return hashlib.sha256(serializers.serialize("json", fresh).encode()).hexdigest()


def fill(path: str, pk) -> str:
    return re.sub(r"\{[^}]+\}", str(pk), path)


def fill_route(route: str, pk) -> str:
    def sub(match):
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            return str(pk if name in ("pk", "enterprise_pk") else 1)
        if name == "fmt":
            return "xlsx"
        if name == "kind":
            return "record"
        if name == "level":
            return "general"
        return "x"

    return re.sub(r"<(\w+):(\w+)>", sub, route)


def allowed(status: int) -> bool:
    """The server let the role in: a success, or its input judged (400/409/413/422) rather than refused."""
    return status < 300 or status in (302, 400, 405, 409, 413, 415, 422)
