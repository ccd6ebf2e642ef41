"""Rescue teams and micro fire stations (R-EMG-6): the team and its heads and members with their
certificates, from which the norm is judged."""

from __future__ import annotations

from django.db import transaction

from core.workflow import edit, record_created
from emergency.forms import TeamForm, TeamMemberCreateForm, TeamMemberForm
from emergency.models import RescueTeam, TeamMember
from emergency.policy import POLICY
from emergency.services.common import require_reach, validate


def register_team(*, actor, data) -> RescueTeam:
    POLICY.require(actor, "keep_records")
    cleaned = validate(TeamForm, data, actor=actor)
    enterprise = cleaned.get("enterprise")
    if enterprise is not None:
        require_reach(actor, "enterprise", enterprise=enterprise)
        cleaned["town"] = enterprise.town
    else:
        require_reach(actor, "town", town_id=cleaned["town"].pk)
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


def _require_team(actor, team: RescueTeam) -> None:
    POLICY.require(actor, "keep_records")
    require_reach(actor, "team", town_id=team.town_id, enterprise=team.enterprise)


def _member_fields(cleaned: dict) -> dict:
    return {**cleaned, "certificate_type": cleaned.get("certificate_type") or ""}


def add_team_member(*, actor, data) -> TeamMember:
    POLICY.require(actor, "keep_records")
    cleaned = validate(TeamMemberCreateForm, data, actor=actor)
    team = cleaned.pop("team")
    _require_team(actor, team)
    with transaction.atomic():
        member = TeamMember.objects.create(team=team, **_member_fields(cleaned))
        record_created(
            member, "emergency.teammember", actor=actor, data={"team": team.pk, "role": member.role}
        )
    return member


def update_team_member(member: TeamMember, *, actor, version, data) -> TeamMember:
    _require_team(actor, member.team)
    cleaned = validate(TeamMemberForm, data)
    with transaction.atomic():
        edit(
            member,
            "emergency.teammember.changed",
            actor=actor,
            version=version,
            changes=_member_fields(cleaned),
        )
    return member
