"""The emergency module plugs into the shared pages: navigation, the home panel, the duty room's board
(current warnings and the declared level), the annual assessment's items, the cockpit, the demo district
and its jobs."""

from django.utils.translation import gettext_lazy as _

from core.extensions import (
    AssessmentItem,
    BoardPanel,
    CockpitFigure,
    DemoBuilder,
    HomePanel,
    Measured,
    NavItem,
    OfflineAsset,
    OfflinePage,
    assessment_items,
    cockpit_figures,
    demo_builders,
    duty_board_panels,
    home_panels,
    nav_items,
    offline_assets,
    offline_pages,
)
from core.scoping import scope_of
from emergency import tasks  # noqa: F401  (registers the expiry and plans-due jobs)


def _sees(user) -> bool:
    return not scope_of(user).is_empty


nav_items.register(
    NavItem("emergency", _("Emergency preparedness"), "emergency:preparedness", 50, "life-preserver", _sees)
)


def _current(user):
    from emergency.choices import DeclarationState, WarningState
    from emergency.models import Confirmation, Declaration, WeatherWarning

    warnings = list(WeatherWarning.objects.visible_to(user).filter(state=WarningState.ACTIVE)[:5])
    declaration = Declaration.objects.visible_to(user).filter(state=DeclarationState.ACTIVE).first()
    confirmations = (
        Confirmation.objects.filter(declaration=declaration) if declaration else Confirmation.objects.none()
    )
    return warnings, declaration, confirmations


def _home(request) -> dict:
    from emergency import selectors
    from emergency.models import Plan
    from emergency.towns import visible_towns

    user = request.user
    warnings, declaration, confirmations = _current(user)
    statuses = selectors.plan_statuses(Plan.objects.visible_to(user))
    return {
        "warnings": warnings,
        "declaration": declaration,
        "pending": confirmations.visible_to(user).filter(state="pending").exists() if declaration else False,
        "short": len(selectors.shortfalls(visible_towns(user), only_short=True)),
        "expiring": selectors.expiring(user).count(),
        "behind": sum(1 for s in statuses if s.behind),
    }


home_panels.register(HomePanel("emergency", 30, "emergency/panels/home.html", _home, _sees))


def _board(request) -> dict:
    warnings, declaration, confirmations = _current(request.user)
    return {
        "warnings": warnings,
        "declaration": declaration,
        "confirmed": confirmations.filter(state="confirmed").count(),
        "towns": confirmations.count(),
    }


duty_board_panels.register(BoardPanel("emergency.warnings", 10, "emergency/panels/board.html", _board, _sees))


# --- The annual assessment's items (R-ACCT-6): measured from this module's records ------------------


def _plans_of(kind, unit_id):
    from django.db.models import Q

    from emergency.models import Plan
    from registry.models import Enterprise

    if kind == "town":
        return Plan.objects.filter(town_id=unit_id)
    in_sectors = Enterprise.objects.filter(sectors__departments__pk=unit_id).values("pk")
    return Plan.objects.filter(Q(owner_department_id=unit_id) | Q(owner_enterprise__in=in_sectors))


def _behind(kind, unit_id, until, test):
    from django.urls import reverse

    from emergency import selectors

    statuses = selectors.plan_statuses(_plans_of(kind, unit_id), today=until)
    ids = [s.plan.pk for s in statuses if test(s)]
    from emergency.models import Plan

    return Measured(len(ids), Plan.objects.filter(pk__in=ids), f"{reverse('emergency:plans')}?behind=1")


def _drills_behind(*, kind, unit_id, year, until):
    return _behind(kind, unit_id, until, lambda s: s.drill_overdue)


def _reviews_behind(*, kind, unit_id, year, until):
    return _behind(kind, unit_id, until, lambda s: s.review_overdue or s.filing_overdue or s.check_overdue)


def _supply_readiness(*, kind, unit_id, year, until):
    """A rate: the town's norm lines met (its own reserves together, and each warehouse the district set a
    norm for), out of all its norm lines; each line met is one record, so the list's count is the value.
    The readiness score (which also weighs fresh stock and the monthly count) is named beside it."""
    from django.urls import reverse

    from emergency import selectors
    from registry.models import Jurisdiction

    town = Jurisdiction.objects.get(pk=unit_id)
    lines = [row for row in selectors.shortfalls([town], today=until) if row["norm"] > 0]
    page = f"{reverse('emergency:shortfalls')}?town={unit_id}&all=1"
    met = [_norm_line(row, page) for row in lines if not row["shortfall"]]
    score = selectors.readiness(town, today=until).score
    detail = _("%(met)s of %(all)s reserve norms met; readiness score %(score)s") % {
        "met": len(met),
        "all": len(lines),
        "score": score,
    }
    return Measured(len(met), met, page, detail, total=len(lines))


def _norm_line(row, page: str) -> dict:
    item, where = row["item"], row["warehouse"] or row["town"]
    title = f"{where} · {item.name} {row['quantity']}/{row['norm']} {item.unit}"
    href = f"/api/v1/supplies/shortfalls/?town={row['town'].pk}"
    return {"kind": "reserve_norm", "id": item.pk, "title": title, "href": href, "url": page}


assessment_items.register(
    AssessmentItem("emergency.drills_behind", 60, _("Drills behind"), _drills_behind, default_weight=5)
)
assessment_items.register(
    AssessmentItem(
        "emergency.plan_reviews_behind",
        61,
        _("Plan filings and reviews behind"),
        _reviews_behind,
        default_weight=5,
    )
)
assessment_items.register(
    AssessmentItem(
        "emergency.supply_readiness",
        62,
        _("Supply readiness"),
        _supply_readiness,
        unit_kinds=frozenset({"town"}),
        default_weight=5,
        better="higher",
    )
)


# --- The cockpit: each figure links to the API list that makes it ----------------------------------


def _shortfall_figure(user):
    from emergency import selectors
    from emergency.towns import visible_towns

    return len(
        selectors.shortfalls(visible_towns(user), only_short=True)
    ), "/api/v1/supplies/shortfalls/?short=true"


def _plans_behind_figure(user):
    from django.utils import timezone

    from emergency.models import Plan

    count = Plan.objects.visible_to(user).behind(timezone.localdate()).count()
    return count, "/api/v1/plans/?behind=true"


cockpit_figures.register(
    CockpitFigure(
        "emergency.shortfalls",
        60,
        _("Supply items below the norm"),
        _shortfall_figure,
        group="emergency",
        visible=_sees,
        page="/emergency/shortfalls/",  # the page lists only the items below the norm unless asked for all
    )
)
cockpit_figures.register(
    CockpitFigure(
        "emergency.plans_behind",
        61,
        _("Emergency plans behind"),
        _plans_behind_figure,
        group="emergency",
        visible=_sees,
        page="/emergency/plans/?behind=1",
    )
)


def _build(*, rng, stdout=None, small=False, **_options):
    from emergency.demo import build_emergency

    build_emergency(rng=rng, small=small, stdout=stdout)


demo_builders.register(DemoBuilder("emergency", 70, _build))

# The preparedness page and its map (warehouses, teams, points, shelters) as last opened, for a flood
# night without signal; the map's layer script is stored at install with the shared base map.
offline_assets.register(OfflineAsset("emergency-layers", 70, "emergency/layers.js"))
offline_pages.register(OfflinePage("emergency", 30, r"emergency/$"))
offline_pages.register(OfflinePage("emergency.map", 31, r"emergency/map-data/", data=True))
