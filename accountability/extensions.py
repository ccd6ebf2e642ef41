"""The accountability module plugs into the shared pages: navigation, the home panel of the officials who
decide proposals, its own assessment items, the demo district, and the trigger job."""

from django.utils.translation import gettext_lazy as _

from accountability import tasks  # noqa: F401  (registers the trigger job)
from accountability.items import ITEMS
from core.choices import Role
from core.extensions import (
    DemoBuilder,
    FactListener,
    HomePanel,
    NavItem,
    assessment_items,
    demo_builders,
    fact_listeners,
    home_panels,
    nav_items,
)
from core.scoping import has_role, scope_of

for item in ITEMS:
    assessment_items.register(item)


def _sees_accountability(user) -> bool:
    scope = scope_of(user)
    return bool(scope.district or scope.town_ids or scope.sector_codes or scope.enterprise_ids)


def _sees_assessment(user) -> bool:
    scope = scope_of(user)
    return bool(scope.district or scope.town_ids or scope.sector_codes)


nav_items.register(
    NavItem(
        "accountability",
        _("Accountability"),
        "accountability:proposal_list",
        70,
        "person-check",
        _sees_accountability,
    )
)
nav_items.register(
    NavItem("assessment", _("Annual assessment"), "accountability:assessment", 71, "trophy", _sees_assessment)
)
nav_items.register(
    NavItem(
        "enforcement",
        _("Enforcement cases"),
        "accountability:case_list",
        72,
        "briefcase",
        _sees_accountability,
    )
)
nav_items.register(
    NavItem(
        "responsibility",
        _("Responsibility lists"),
        "accountability:position_list",
        73,
        "list-check",
        _sees_accountability,
    )
)


def _deciders(user) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN)


def _panel(request) -> dict:
    from accountability.selectors import pending_proposals

    pending = pending_proposals(request.user)
    return {"proposals": list(pending[:8]), "count": pending.count()}


home_panels.register(HomePanel("accountability", 35, "accountability/panels/home.html", _panel, _deciders))


def _build(*, rng, stdout=None, small=False, **_options):
    from accountability.demo import build_accountability

    build_accountability(rng=rng, small=small, stdout=stdout)


demo_builders.register(DemoBuilder("accountability", 80, _build))


def _accident_changed(accident_id: int) -> None:
    """R-ACCT-4: an accident recorded or reported late, or raised to larger, proposes at once; the
    periodic job (accountability.run_triggers) finds the same facts later and proposes nothing twice."""
    from django.db import transaction

    from accidents.models import Accident
    from accountability.services.proposals import check_accident

    accident = (
        Accident.objects.select_related("town", "enterprise__town", "sector")
        .prefetch_related("deadlines")
        .filter(pk=accident_id)
        .first()
    )
    if accident is not None:
        with transaction.atomic():
            check_accident(accident)


fact_listeners.register(FactListener("accountability.accident_triggers", 10, "accident", _accident_changed))
