"""The cockpit plugs into the shared pages: navigation and the leaders' home panel; its report job."""

from django.utils.translation import gettext_lazy as _

from cockpit import periodic  # noqa: F401  (registers the periodic report job)
from cockpit.policy import may_open_cockpit
from core.choices import Role
from core.extensions import HomePanel, NavItem, home_panels, nav_items

nav_items.register(NavItem("cockpit", _("Cockpit"), "cockpit:cockpit", 5, "speedometer2", may_open_cockpit))


def _leads(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role_codes & {Role.DISTRICT_LEADER})


def _panel(request) -> dict:
    from cockpit.views import home_panel

    return home_panel(request)


home_panels.register(HomePanel("cockpit", 1, "cockpit/panels/home.html", _panel, _leads))
