from django.utils.translation import gettext_lazy as _

from core.extensions import DemoBuilder, NavItem, demo_builders, nav_items
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
