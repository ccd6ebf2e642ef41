"""Rescue teams and micro fire stations (R-EMG-6)."""

from __future__ import annotations

from django.db import transaction

from core.workflow import record_created
from emergency.forms import TeamForm
from emergency.models import RescueTeam
from emergency.services.common import KEEPERS, require_reach, require_role, validate


def register_team(*, actor, data) -> RescueTeam:
    require_role(actor, KEEPERS)
    cleaned = validate(TeamForm, data, actor=actor)
    enterprise = cleaned.get("enterprise")
    if enterprise is not None:
        require_reach(actor, "enterprise", enterprise=enterprise)
        cleaned["town"] = enterprise.town
    else:
        require_reach(actor, "town", town_id=cleaned["town"].pk)
    cleaned["certified_members"] = cleaned.get("certified_members") or 0
    for key in ("lat", "lng"):
        cleaned.setdefault(key, None)
    with transaction.atomic():
        team = RescueTeam.objects.create(
            **{
                k: ("" if v is None and k not in ("lat", "lng", "enterprise") else v)
                for k, v in cleaned.items()
            }
        )
        record_created(team, "emergency.rescueteam", actor=actor, data={"kind": team.kind})
    return team
