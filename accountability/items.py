"""The assessment items this module measures itself (R-ACCT-6): hazards, campaigns, accidents and the
responsibility lists. Other modules register theirs in `core.extensions.assessment_items`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.extensions import AssessmentItem, Measured


def _year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def _sectors_of(department_id: int) -> list[str]:
    from registry.models import Department

    return list(
        Department.sectors.through.objects.filter(department_id=department_id).values_list(
            "sector_id", flat=True
        )
    )


def _unit_q(kind: str, unit_id: int, *, town: str = "town_id", sector: str = "sector_id") -> Q:
    if kind == "town":
        return Q(**{town: unit_id})
    return Q(**{f"{sector}__in": _sectors_of(unit_id)})


def _rate(done, records) -> Measured:
    """A rate as API.md counts it: the value is the number of records that make the numerator (listed),
    the denominator is stated beside it; the points are the share."""
    total = records.count()
    numerator = done.count()
    return Measured(value=numerator, records=done, detail=f"{numerator}/{total}", total=total)


def hazard_rectification(*, kind, unit_id, year, until) -> Measured:
    from hazards.choices import State
    from hazards.models import Hazard

    records = (
        Hazard.objects.filter(
            _unit_q(kind, unit_id), reported_at__date__gte=_year_start(year), reported_at__date__lte=until
        )
        .exclude(state=State.CANCELLED)
        .order_by("pk")
    )
    return _rate(records.filter(state__in=[State.ACCEPTED, State.CLOSED]), records)


def hazard_on_time(*, kind, unit_id, year, until) -> Measured:
    from django.db.models import F

    from hazards.choices import State
    from hazards.models import Hazard

    records = (
        Hazard.objects.filter(_unit_q(kind, unit_id), deadline__gte=_year_start(year), deadline__lte=until)
        .exclude(state__in=[State.CANCELLED, State.REPORTED])
        .order_by("pk")
    )
    return _rate(records.filter(submitted_on__isnull=False, submitted_on__lte=F("deadline")), records)


def major_hazards_overdue(*, kind, unit_id, year, until) -> Measured:
    from django.db.models import F

    from hazards.choices import Level, State
    from hazards.models import Hazard

    records = (
        Hazard.objects.filter(
            _unit_q(kind, unit_id), level=Level.MAJOR, deadline__gte=_year_start(year), deadline__lt=until
        )
        .filter(Q(state=State.RECTIFYING) | Q(submitted_on__gt=F("deadline")))
        .exclude(state=State.CANCELLED)
        .order_by("pk")
    )
    return Measured(value=records.count(), records=records)


def campaign_coverage(*, kind, unit_id, year, until) -> Measured:
    from django.db.models import Exists, OuterRef

    from inspections.choices import TaskState
    from inspections.models import CampaignTarget, InspectionTask

    if kind == "town":
        where = Q(town_id=unit_id)
    else:
        from registry.models import Enterprise

        through = Enterprise.sectors.through
        where = Q(
            Exists(
                through.objects.filter(
                    enterprise_id=OuterRef("enterprise_id"), sector_id__in=_sectors_of(unit_id)
                )
            )
        )
    records = CampaignTarget.objects.filter(
        where, campaign__created_at__date__gte=_year_start(year), campaign__created_at__date__lte=until
    ).order_by("pk")
    done = InspectionTask.objects.filter(
        campaign_id=OuterRef("campaign_id"), enterprise_id=OuterRef("enterprise_id"), state=TaskState.DONE
    )
    return _rate(records.filter(Exists(done)), records)


def _accidents(kind, unit_id, year, until):
    from accidents.models import Accident

    return Accident.objects.filter(
        _unit_q(kind, unit_id), occurred_at__date__gte=_year_start(year), occurred_at__date__lte=until
    ).order_by("pk")


def accidents_counted(*, kind, unit_id, year, until) -> Measured:
    from accidents.choices import Level

    records = _accidents(kind, unit_id, year, until).filter(level__in=[Level.GENERAL, Level.LARGER])
    return Measured(value=records.count(), records=records)


def major_or_concealed_accidents(*, kind, unit_id, year, until) -> Measured:
    """A major accident, or one found concealed, vetoes the year's rating (R-ACCT-6). Concealment is found
    either by the district (a ConcealedAccident) or by the investigator on the accident page (a 瞒报 reporting
    finding, R-ACC-9); either one is enough."""
    from accidents.choices import Level, ReportingFindingKind
    from accidents.models import ReportingFinding
    from accountability.models import ConcealedAccident

    concealed = ConcealedAccident.objects.values("accident_id")
    found = ReportingFinding.objects.filter(kind=ReportingFindingKind.CONCEALED).values("accident_id")
    records = _accidents(kind, unit_id, year, until).filter(
        Q(level__in=[Level.MAJOR, Level.ESPECIALLY_MAJOR]) | Q(pk__in=concealed) | Q(pk__in=found)
    )
    return Measured(value=records.count(), records=records)


def responsibility_gaps(*, kind, unit_id, year, until) -> Measured:
    """The unit's own positions without a current holder or without the year's signed letter."""
    from django.db.models import Exists, OuterRef

    from accountability.models import PositionHolder, ResponsibilityLetter, ResponsibilityPosition

    unit = {"town_id": unit_id} if kind == "town" else {"department_id": unit_id}
    held = PositionHolder.objects.filter(position_id=OuterRef("pk"), end_on__isnull=True)
    signed = ResponsibilityLetter.objects.filter(position_id=OuterRef("pk"), year=year)
    records = (
        ResponsibilityPosition.objects.filter(unit_kind=kind, enterprise__isnull=True, **unit)
        .filter(~Exists(held) | ~Exists(signed))
        .order_by("pk")
    )
    return Measured(value=records.count(), records=records)


ITEMS = [
    AssessmentItem(
        "hazard_rectification_rate",
        10,
        _("Hazards rectified"),
        hazard_rectification,
        default_weight=20,
        better="higher",
    ),
    AssessmentItem(
        "hazard_on_time_rate",
        11,
        _("Hazards rectified on time"),
        hazard_on_time,
        default_weight=20,
        better="higher",
    ),
    AssessmentItem(
        "major_hazards_overdue", 12, _("Major hazards overdue"), major_hazards_overdue, default_weight=15
    ),
    AssessmentItem(
        "campaign_coverage",
        20,
        _("Campaign inspection coverage"),
        campaign_coverage,
        default_weight=15,
        better="higher",
    ),
    AssessmentItem("accidents", 30, _("General and larger accidents"), accidents_counted, default_weight=15),
    AssessmentItem(
        "major_accidents",
        31,
        _("Major or concealed accidents"),
        major_or_concealed_accidents,
        default_weight=0,
        veto=True,
    ),
    AssessmentItem(
        "responsibility_gaps", 40, _("Responsibility list gaps"), responsibility_gaps, default_weight=15
    ),
]
