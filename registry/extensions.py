from django.utils.translation import gettext_lazy as _

from core.extensions import (
    DemoBuilder,
    HomePanel,
    NavItem,
    OfflinePage,
    Section,
    demo_builders,
    enterprise_sections,
    home_panels,
    nav_items,
    offline_pages,
)
from core.scoping import scope_of


def _sees_registry(user) -> bool:
    return not scope_of(user).is_empty


nav_items.register(
    NavItem("registry", _("Enterprises"), "registry:enterprise_list", 10, "buildings", _sees_registry)
)


def _build(*, rng, stdout=None, enterprises=2000, **_options):
    from registry.demo import build_registry

    build_registry(rng=rng, enterprises=enterprises, stdout=stdout)


demo_builders.register(DemoBuilder("registry", 10, _build))


def _summary_panel(request) -> dict:
    from registry.home_panels import registry_summary

    return registry_summary(request.user)


def _own_enterprise_panel(request) -> dict:
    from registry.home_panels import own_enterprise_card

    return own_enterprise_card(request.user)


def _shows_summary(user) -> bool:
    from registry.home_panels import shows_summary

    return shows_summary(user)


def _shows_own_enterprise(user) -> bool:
    from registry.home_panels import shows_own_enterprise

    return shows_own_enterprise(user)


home_panels.register(
    HomePanel(
        "registry_own_enterprise",
        5,
        "registry/panels/own_enterprise.html",
        _own_enterprise_panel,
        _shows_own_enterprise,
    )
)
home_panels.register(
    HomePanel("registry_summary", 60, "registry/panels/summary.html", _summary_panel, _shows_summary)
)


def _file_section(request, enterprise):
    from registry.file import file_of

    return {"file": file_of(enterprise), "enterprise": enterprise}


# R-REG-4: the file's duties, with expired items flagged and offered as hazards.
enterprise_sections.register(
    Section("file", _("Work-safety file"), 5, "registry/panels/file_section.html", _file_section)
)

# The district's imported base map, kept by the service worker when a map first fetches it.
offline_pages.register(OfflinePage("registry.base_map", 45, r"registry/base-map\.geojson", data=True))
