"""Extension points: modules plug into shared pages without those pages knowing them.

- `enterprise_sections`: sections of the one-enterprise-one-file page (一企一档).
- `home_panels`: panels of each role's home page ("what needs my action now").
- `nav_items`: the module navigation.
- `demo_builders`: steps of the demo-district generator, run in order.
Each app registers into these in its own `extensions.py` (autodiscovered at start-up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    order: int
    template: str
    context: Callable[[Any, Any], dict]  # (request, enterprise) -> template context
    visible: Callable[[Any], bool] = lambda user: True


@dataclass(frozen=True)
class HomePanel:
    key: str
    order: int
    template: str
    context: Callable[[Any], dict]  # (request) -> template context
    visible: Callable[[Any], bool] = lambda user: True


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any
    url_name: str
    order: int
    icon: str = "circle"
    visible: Callable[[Any], bool] = lambda user: True
    children: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class DemoBuilder:
    key: str
    order: int
    build: Callable[..., None]  # (*, rng, stdout) -> None


class Registry:
    def __init__(self) -> None:
        self._items: dict[str, Any] = {}

    def register(self, item) -> Any:
        self._items[item.key] = item
        return item

    def all(self) -> list:
        return sorted(self._items.values(), key=lambda item: (item.order, item.key))

    def for_user(self, user) -> list:
        return [item for item in self.all() if item.visible(user)]


enterprise_sections = Registry()
home_panels = Registry()
nav_items = Registry()
demo_builders = Registry()
