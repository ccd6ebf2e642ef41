"""The pre-season readiness check per town (R-EMG-7: supplies, teams, plans, drills, duty, points, transfer
lists), one row per town; the district's report is every town's row plus a total."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency import rules, selectors
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
    ("duty_rostered", _("Duty rosters published (this month and next)")),
    ("duty_confirmed", _("Response checklists confirmed")),
    ("points", _("Waterlogging points")),
    ("points_unassigned", _("Points without pumps or barriers")),
    ("persons", _("Persons to move")),
    ("capacity", _("Shelter capacity")),
]


def rows(user, towns) -> list[dict]:
    """One row per town; with more than one town (the district's report) a last row of their totals."""
    today = timezone.localdate()
    statuses = selectors.plan_statuses(Plan.objects.visible_to(user), today=today)
    expiring = list(selectors.expiring(user, today=today).values_list("warehouse__town_id", flat=True))
    rostered = _rostered_months(towns, today)
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
                "duty_rostered": rostered.get(town.pk, 0),
                "duty_confirmed": Confirmation.objects.filter(
                    town=town, state=ConfirmationState.CONFIRMED
                ).count(),
                "points": points.count(),
                "points_unassigned": points.filter(pumps="", barriers="").count(),
                "persons": TransferEntry.objects.filter(town=town).aggregate(n=Sum("persons"))["n"] or 0,
                "capacity": Shelter.objects.filter(town=town).aggregate(n=Sum("capacity"))["n"] or 0,
            }
        )
    if len(out) > 1:
        out.append(district_total(out))
    return out


def _rostered_months(towns, today) -> dict[int, int]:
    """Per town, how many of this month and next have a published roster in the town's duty room (the duty
    module's rosters, R-DUTY; the flood season is staffed through them)."""
    from duty.choices import RosterState
    from duty.models import Roster

    this_month = today.replace(day=1)
    months = [this_month, rules.add_months(this_month, 1)]
    found: dict[int, int] = {}
    published = Roster.objects.filter(
        room__town__in=[t.pk for t in towns], state=RosterState.PUBLISHED, month__in=months
    ).values_list("room__town_id", flat=True)
    for town_id in published:
        found[town_id] = found.get(town_id, 0) + 1
    return found


def district_total(town_rows: list[dict]) -> dict:
    """The district's row: every count summed over the towns; the score is the towns' mean (a sum of
    scores out of 100 says nothing)."""
    total = {
        key: sum(row[key] for row in town_rows) for key, _label in COLUMNS if key not in ("town", "score")
    }
    mean = Decimal(str(sum(row["score"] for row in town_rows))) / len(town_rows)
    return {
        "town": str(_("District total")),
        "score": float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        **total,
    }
