from django.utils.translation import gettext_lazy as _

from core.extensions import (
    DemoBuilder,
    HomePanel,
    NavItem,
    OfflineAsset,
    OfflinePage,
    Section,
    demo_builders,
    enterprise_sections,
    home_panels,
    nav_items,
    offline_assets,
    offline_pages,
)
from core.scoping import scope_of
from risk import tasks  # noqa: F401 - registers the periodic jobs


def _sees_business_data(user) -> bool:
    return not scope_of(user).is_empty


def _section_context(request, enterprise) -> dict:
    from risk.selectors import enterprise_section
    from risk.services import can_manage

    return {
        **enterprise_section(request.user, enterprise),
        "enterprise": enterprise,
        "can_manage": can_manage(request.user, enterprise.pk),
    }


enterprise_sections.register(
    Section(
        "risk", _("Risk points"), 20, "risk/_enterprise_section.html", _section_context, _sees_business_data
    )
)


def _panel(request) -> dict:
    from django.utils import timezone

    from risk.selectors import home_panel

    # `today` marks a review already past its date as overdue, not merely listed.
    return {**home_panel(request.user), "today": timezone.localdate()}


home_panels.register(HomePanel("risk", 30, "risk/panels/home.html", _panel, _sees_business_data))
nav_items.register(
    NavItem("risk", _("Risk"), "risk:point_list", 30, "exclamation-diamond", _sees_business_data)
)


def _build(*, rng, stdout=None, small=False, **_options):
    from risk.demo import build_risk

    build_risk(rng=rng, small=small, stdout=stdout)


def _build_dynamic(*, rng, stdout=None, **_options):
    from risk.demo import link_dynamic_risk

    link_dynamic_risk(rng=rng, stdout=stdout)


demo_builders.register(DemoBuilder("risk", 15, _build))
# After hazards (40) and accidents (60): the raised levels of R-RISK-6.
demo_builders.register(DemoBuilder("risk_dynamic", 90, _build_dynamic))


# The map's base without network (issue 20): stored by the service worker when it installs.
for _order, _path in enumerate(
    (
        "risk/pengjiang-base.geojson",
        "risk/basemap.js",
        "risk/map.js",
        "risk/map.css",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/leaflet.markercluster.js",
        "vendor/leaflet/MarkerCluster.css",
        "vendor/leaflet/MarkerCluster.Default.css",
    )
):
    offline_assets.register(OfflineAsset(f"risk-{_path}", 50 + _order, _path))

# The risk map and its points as last opened.
offline_pages.register(OfflinePage("risk.map", 40, r"risk/map/$"))
offline_pages.register(OfflinePage("risk.map_data", 41, r"risk/map/data\.json", data=True))
