"""The hazard module plugs into the shared pages: navigation, home panels, the enterprise's one-file
page, the demo district, and its periodic escalation job."""

from django.utils.translation import gettext_lazy as _

from core.extensions import (
    DemoBuilder,
    HomePanel,
    NavItem,
    Section,
    demo_builders,
    enterprise_sections,
    home_panels,
    nav_items,
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
