"""The hazard module plugs into the shared pages: navigation, home panels, the enterprise's one-file
page, the demo district, and its periodic escalation job."""

from django.utils.translation import gettext_lazy as _

from core.extensions import (
    DemoBuilder,
    HomePanel,
    NavItem,
    OfflinePage,
    RiskSource,
    Section,
    demo_builders,
    enterprise_sections,
    home_panels,
    nav_items,
    offline_pages,
    risk_sources,
)
from core.scoping import scope_of
from hazards import tasks  # noqa: F401  (registers the escalation job)


def _sees_hazards(user) -> bool:
    return not scope_of(user).is_empty


nav_items.register(
    NavItem("hazards", _("Hazards"), "hazards:list", 20, "exclamation-triangle", _sees_hazards)
)


def _panel(request) -> dict:
    from hazards.panels import home_panel

    return home_panel(request.user)


home_panels.register(HomePanel("hazards", 10, "hazards/panels/home.html", _panel, _sees_hazards))


def _section(request, enterprise) -> dict:
    from hazards.panels import enterprise_section

    return enterprise_section(request.user, enterprise)


enterprise_sections.register(
    Section("hazards", _("Hazards"), 20, "hazards/panels/enterprise_section.html", _section, _sees_hazards)
)


def _build(*, rng, stdout=None, small=False, **_options):
    from hazards.demo import build_hazards

    build_hazards(rng=rng, small=small, stdout=stdout)


demo_builders.register(DemoBuilder("hazards", 40, _build))


def _major_hazards_by_point(enterprise_id: int) -> dict[int, str]:
    from hazards.models import Hazard

    rows = (
        Hazard.objects.open()
        .filter(level="major", risk_point__enterprise_id=enterprise_id, risk_point__isnull=False)
        .order_by("risk_point_id", "-id")
        .values_list("risk_point_id", "title")
    )
    found: dict[int, str] = {}
    for point_id, title in rows:
        found.setdefault(point_id, title)
    return found


def _link_demo_hazards(rng, points_by_enterprise: dict[int, list[int]]) -> set[int]:
    """The demo ties some open major hazards to a risk point of their enterprise (R-RISK-6)."""
    from hazards.models import Hazard

    touched: set[int] = set()
    candidates = (
        Hazard.objects.open()
        .filter(level="major", risk_point__isnull=True, enterprise_id__in=list(points_by_enterprise))
        .order_by("id")
        .values_list("pk", "enterprise_id")
    )
    by_point: dict[int, list[int]] = {}
    for hazard_id, enterprise_id in candidates:
        if rng.random() < 0.6:
            by_point.setdefault(rng.choice(points_by_enterprise[enterprise_id]), []).append(hazard_id)
            touched.add(enterprise_id)
    # One UPDATE per point, not per hazard: the benchmark's districts link tens of thousands.
    for point_id, hazard_ids in by_point.items():
        Hazard.objects.filter(pk__in=hazard_ids).update(risk_point_id=point_id)
    return touched


risk_sources.register(
    RiskSource("hazards", 10, major_hazards_by_point=_major_hazards_by_point, link_demo=_link_demo_hazards)
)

# The hazard report form opens without signal; what is typed is queued on the device.
offline_pages.register(OfflinePage("hazards.new", 20, r"hazards/new/$"))
