"""The cockpit's figures: each one a count of an API list, with that list's URL (API.md "Cockpit").

A figure is declared by the list it counts — its API path, its page path and the filter parameters — and
counted through that list's own scoped queryset and filter, so the number on the screen is the `count`
the same user gets from `href` (issue 16: every figure clicks down to the records that make it). Modules
above the ones read here contribute their figures through `core.extensions.cockpit_figures`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accidents.filters import AccidentFilter
from accidents.models import Accident
from core.choices import RiskColour
from core.extensions import cockpit_figures
from hazards import rollup
from hazards.filters import HazardFilter
from hazards.models import Hazard
from inspections.api import CampaignFilter
from inspections.models import Campaign
from registry.choices import EnterpriseStatus
from registry.filters import EnterpriseFilter
from registry.models import Enterprise


@dataclass(frozen=True)
class ListFigure:
    """A count of one list: `queryset(user)` is the API list's scoped queryset before its filter."""

    code: str
    label: Any
    group: str
    api_path: str
    page_path: str
    params: dict
    queryset: Callable[[Any], Any]
    filterset: type
    fast: Callable[[Any, QueryDict], int | None] = field(default=lambda user, params: None)

    def query(self) -> QueryDict:
        data = QueryDict(mutable=True)
        for key, value in self.params.items():
            data[key] = str(value)
        return data

    def count(self, user) -> int:
        params = self.query()
        quick = self.fast(user, params)
        if quick is not None:
            return quick
        filterset = self.filterset(params, queryset=self.queryset(user), request=None)
        if not filterset.is_valid():  # a declaration error, not user input: fail loudly in tests
            raise ValueError(f"cockpit figure {self.code}: {filterset.errors}")
        return filterset.qs.count()

    def evaluate(self, user) -> dict:
        query = urlencode(self.params)
        return {
            "code": self.code,
            "label": str(self.label),
            "group": self.group,
            "value": self.count(user),
            "href": f"{self.api_path}?{query}",
            "page": f"{self.page_path}?{query}",
        }


def _hazards(user):
    return Hazard.objects.visible_to(user)


def _hazards_fast(user, params):
    # The counters kept in step with the loop (issue 7), when the scope and the filter allow.
    return rollup.list_count(user, params)


def _accidents(user):
    return Accident.objects.visible_to(user)


def _enterprises(user):
    return Enterprise.objects.visible_to(user)


def _campaigns(user):
    return Campaign.objects.visible_to(user)


def hazard_figure(code, label, params, *, fast=True) -> ListFigure:
    return ListFigure(
        code,
        label,
        "hazards",
        "/api/v1/hazards/",
        "/hazards/",
        params,
        _hazards,
        HazardFilter,
        _hazards_fast if fast else (lambda user, params: None),
    )


def base_figures(today: dt.date) -> list[ListFigure]:
    operating = EnterpriseStatus.OPERATING
    figures = [
        hazard_figure("hazards_open", _("Open hazards"), {"open": "true"}),
        hazard_figure("hazards_major_open", _("Open major hazards"), {"open": "true", "level": "major"}),
        hazard_figure(
            "hazards_listed", _("Under listed supervision"), {"open": "true", "listed": "true"}, fast=False
        ),
        hazard_figure("hazards_overdue", _("Overdue hazards"), {"overdue": "true"}),
        ListFigure(
            "accidents_year",
            _("Accidents this year"),
            "accidents",
            "/api/v1/accidents/",
            "/accidents/",
            {"year": today.year},
            _accidents,
            AccidentFilter,
        ),
        ListFigure(
            "accidents_reported",
            _("Accidents awaiting investigation"),
            "accidents",
            "/api/v1/accidents/",
            "/accidents/",
            {"state": "reported"},
            _accidents,
            AccidentFilter,
        ),
        ListFigure(
            "accidents_report_due",
            _("Accidents with a report still due"),
            "accidents",
            "/api/v1/accidents/",
            "/accidents/",
            {"reports": "due"},
            _accidents,
            AccidentFilter,
        ),
        ListFigure(
            "accidents_report_overdue",
            _("Accidents with a report overdue"),
            "accidents",
            "/api/v1/accidents/",
            "/accidents/",
            {"reports": "overdue"},
            _accidents,
            AccidentFilter,
        ),
        ListFigure(
            "accidents_investigating",
            _("Accidents under investigation"),
            "accidents",
            "/api/v1/accidents/",
            "/accidents/",
            {"state": "investigating"},
            _accidents,
            AccidentFilter,
        ),
        ListFigure(
            "campaigns_active",
            _("Campaigns under way"),
            "inspections",
            "/api/v1/campaigns/",
            "/inspections/",
            {"state": "active"},
            _campaigns,
            CampaignFilter,
        ),
    ]
    for colour in RiskColour:
        figures.append(
            ListFigure(
                f"enterprises_{colour.value}",
                colour.label,
                "risk",
                "/api/v1/enterprises/",
                "/registry/enterprises/",
                {"risk_level": colour.value, "status": operating},
                _enterprises,
                EnterpriseFilter,
            )
        )
    return figures


def overdue_by_town(user, towns) -> list[dict]:
    """Overdue hazards per town in the user's scope, each a figure of its own (the list filtered by town)."""
    rows = []
    for town in towns:
        figure = hazard_figure(
            f"hazards_overdue_town_{town.pk}",
            town.display_name,
            {"overdue": "true", "town": town.pk},
        )
        rows.append(figure.evaluate(user))
    return rows


def contributed(user) -> list[dict]:
    """Figures of the modules above (duty, emergency, accountability) registered as CockpitFigure."""
    rows = []
    for figure in cockpit_figures.for_user(user):
        result = figure.compute(user)
        value, href = result[0], result[1]
        # The screen links to a page, never to the API's JSON (issue 16: a leader clicks down to records).
        page = figure.page or (result[2] if len(result) > 2 else href)
        rows.append(
            {
                "code": figure.key,
                "label": str(figure.label),
                "group": figure.group,
                "value": value,
                "href": href,
                "page": page,
            }
        )
    return rows


def all_figures(user, *, now: dt.datetime | None = None) -> list[dict]:
    today = timezone.localdate(now)
    return [f.evaluate(user) for f in base_figures(today)] + contributed(user)
