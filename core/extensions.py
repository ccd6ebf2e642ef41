"""Extension points: modules plug into shared pages without those pages knowing them.

- `enterprise_sections`: sections of the one-enterprise-one-file page (一企一档).
- `home_panels`: panels of each role's home page ("what needs my action now").
- `nav_items`: the module navigation.
- `demo_builders`: steps of the demo-district generator, run in order.
- `duty_board_panels`: panels of the duty room's "today" board (warnings, clocks, …) from other modules.
- `assessment_items`: the items of the annual assessment (考核) a module measures from its own records.
- `cockpit_figures`: the leaders' cockpit figures a module contributes, each linking to its records.
- `offline_assets`: static files the offline service worker stores at install (the base map).
- `offline_pages`: pages and their data the service worker serves from its store without signal.
- `risk_sources`: facts of modules above `risk` that raise risk levels (open major hazards, accidents).
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


@dataclass(frozen=True)
class BoardPanel:
    key: str
    order: int
    template: str
    context: Callable[[Any], dict]  # (request) -> template context
    visible: Callable[[Any], bool] = lambda user: True


@dataclass(frozen=True)
class Measured:
    """What an assessment item measured for one unit and year: the value and the records behind it.

    `records` is a queryset (or list) whose count is the value (API.md "Assessment"). A rate item counts
    its numerator (the hazards rectified, the targets inspected) and names its denominator in `total`;
    its points are the share value / total. `url` opens the same records as a list page, filtered."""

    value: float
    records: Any
    url: str = ""
    detail: str = ""
    total: int | None = None


@dataclass(frozen=True)
class AssessmentItem:
    """One item of the annual assessment (R-ACCT-6), measured from a module's records.

    `measure(kind=…, unit_id=…, year=…, until=date)`: `kind` is "town" (a jurisdiction id) or "department"
    (a department id); `until` bounds the period (the end of a quarter, for the quarterly view).
    `better`: "lower" (counts of failures: 0 is full points) or "higher" (a rate: a count of successes out
    of `Measured.total`)."""

    key: str
    order: int
    label: Any
    measure: Callable[..., Measured]
    unit_kinds: frozenset = frozenset({"town", "department"})
    default_weight: int = 0
    better: str = "lower"
    veto: bool = False  # a value above zero vetoes the year's rating (R-ACCT-6)


@dataclass(frozen=True)
class CockpitFigure:
    """One number of the leaders' cockpit: `compute(user)` → (value, url of the list that makes it);
    `page`: the same records as a page of the web application (what the screen links to)."""

    key: str
    order: int
    label: Any
    compute: Callable[[Any], tuple]
    group: str = ""
    visible: Callable[[Any], bool] = lambda user: True
    page: str = ""


@dataclass(frozen=True)
class RiskSource:
    """Facts a module above `risk` contributes to the derived levels (R-RISK-6), so that `risk` reads
    hazards and accidents without importing them (the layering contract).

    `major_hazards_by_point(enterprise_id)` → {risk point id: title of its newest open major hazard};
    `latest_accident(enterprise_id, since, until)` → the time of the latest accident in the window or None;
    `enterprises_with_accidents(since)` → ids of enterprises with an accident since then;
    `link_demo(rng, points_by_enterprise)` → ids of enterprises whose demo records were tied to points."""

    key: str
    order: int
    major_hazards_by_point: Callable[[int], dict] | None = None
    latest_accident: Callable[..., Any] | None = None
    enterprises_with_accidents: Callable[[Any], set] | None = None
    link_demo: Callable[..., set] | None = None


@dataclass(frozen=True)
class OfflineAsset:
    """A static file the service worker stores when it installs, so that it opens without signal even
    if no page has asked for it yet (the district's base map, the map scripts). `path` is a static path."""

    key: str
    order: int
    path: str


@dataclass(frozen=True)
class OfflinePage:
    """Pages, and the data they fetch, that the service worker keeps for use without signal: fetched from
    the network first and stored as they are opened, served from the store when there is no network.
    `pattern`: a regular expression over the path after its leading slash (JavaScript syntax); `data`:
    it matches what a page fetches (JSON), not pages the browser opens."""

    key: str
    order: int
    pattern: str
    data: bool = False


@dataclass(frozen=True)
class FactListener:
    """Told after the commit that a record's facts changed (`topic`, the record's id): a module above the
    one that changed them applies its own rules at once (an accident recorded late puts a proposal before
    the official now, not at the next run of a periodic job, which stays the safety net). `handle(pk)`."""

    key: str
    order: int
    topic: str
    handle: Callable[[int], Any]


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
duty_board_panels = Registry()
assessment_items = Registry()
cockpit_figures = Registry()
risk_sources = Registry()
offline_assets = Registry()
offline_pages = Registry()
fact_listeners = Registry()


def announce(topic: str, pk: int) -> None:
    """After the writer's transaction commits, tell the listeners of `topic`. A listener that fails is
    logged and skipped (`robust`): the writer's change stands, and the listener's periodic job catches up."""
    from django.db import transaction

    for listener in fact_listeners.all():
        if listener.topic == topic:
            transaction.on_commit(_told(listener, pk), robust=True)


def _told(listener: FactListener, pk: int) -> Callable[[], Any]:
    # A named function, not functools.partial: Django names a failing on_commit callback by __qualname__.
    def tell() -> Any:
        return listener.handle(pk)

    tell.__qualname__ = f"{listener.key}({pk})"
    return tell
