"""The pre-season readiness check per town (R-EMG-7: supplies, teams, plans, drills, duty, points, transfer
lists), one row per town; the district's report is every town's row plus a total."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency import selectors
from emergency.choices import ConfirmationState
from emergency.models import Confirmation, Plan, RescueTeam, Shelter, TransferEntry, WaterloggingPoint

COLUMNS = [
    ("town", _("Town/street")),
    ("score", _("Supply readiness score")),
    ("short_items", _("Items below the norm")),
    ("expiring", _("Batches expiring within 30 days")),
    ("teams", _("Rescue teams")),
    ("teams_below", _("Micro fire stations below the norm")),
    ("plans_behind", _("Plans with filing or review overdue")),
    ("drills_behind", _("Plans with drills overdue")),
    ("duty_confirmed", _("Response checklists confirmed")),
    ("points", _("Waterlogging points")),
    ("points_unassigned", _("Points without pumps or barriers")),
    ("persons", _("Persons to move")),
    ("capacity", _("Shelter capacity")),
]


def rows(user, towns) -> list[dict]:
    today = timezone.localdate()
    statuses = selectors.plan_statuses(Plan.objects.visible_to(user), today=today)
    expiring = list(selectors.expiring(user, today=today).values_list("warehouse__town_id", flat=True))
    out = []
    for town in towns:
        mine = [s for s in statuses if s.plan.town_id == town.pk]
        teams = list(RescueTeam.objects.filter(town=town).prefetch_related("people"))
        points = WaterloggingPoint.objects.filter(town=town)
        out.append(
            {
                "town": str(town),
                "score": float(selectors.readiness(town, today=today).score),
                "short_items": sum(1 for r in selectors.shortfalls([town], today=today, only_short=True)),
                "expiring": expiring.count(town.pk),
                "teams": len(teams),
                "teams_below": sum(1 for _t, f in selectors.team_flags(teams) if f),
                "plans_behind": sum(
                    1 for s in mine if s.filing_overdue or s.check_overdue or s.review_overdue
                ),
                "drills_behind": sum(1 for s in mine if s.drill_overdue),
                "duty_confirmed": Confirmation.objects.filter(
                    town=town, state=ConfirmationState.CONFIRMED
                ).count(),
                "points": points.count(),
                "points_unassigned": points.filter(pumps="", barriers="").count(),
                "persons": TransferEntry.objects.filter(town=town).aggregate(n=Sum("persons"))["n"] or 0,
                "capacity": Shelter.objects.filter(town=town).aggregate(n=Sum("capacity"))["n"] or 0,
            }
        )
    return out
